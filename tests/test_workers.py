"""The worker processes of a batch (`_batch.workers`): order, errors, lost workers, and no process left behind."""

from __future__ import annotations

import errno
import itertools
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from mwrules._batch.workers import WorkerLost, in_workers


def square(offset: int, chunk: list[Any]) -> list[Any]:
    """The work of these tests: items are numbers (squared, plus *offset*) or orders to the worker."""
    results = []
    for item in chunk:
        if item == "die":
            os.kill(os.getpid(), signal.SIGKILL)
        if item == "fail":
            raise ValueError(item)
        if isinstance(item, float):  # a pause, in seconds: counts as 0
            time.sleep(item)
        number = 0 if isinstance(item, float) else item
        results.append(number * number + offset)
    return results


def run(chunks: Iterator[list[Any]] | list[list[Any]], workers: int = 2, ahead: int = 2) -> list[list[Any]]:
    return list(in_workers(square, 1, iter(chunks), workers=workers, ahead=ahead))


def no_worker_left() -> bool:
    deadline = time.monotonic() + 30
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not multiprocessing.active_children()


def test_results_come_back_in_input_order_however_long_each_chunk_takes():
    # The first chunk is the slowest: the others finish first, and wait for it
    chunks = [[0.3], [2, 3], [0.1, 4], [5], [6, 0.05], [7]]

    assert [[1], [5, 10], [1, 17], [26], [37, 1], [50]] == run(chunks)
    assert no_worker_left()


def test_never_more_workers_than_chunks():
    results = in_workers(square, 1, iter([[2]]), workers=8, ahead=2)

    assert [5] == next(results)
    assert 1 == len(multiprocessing.active_children())
    assert [] == list(results)
    assert [] == run([], workers=8)
    assert no_worker_left()


def processes_allowed(monkeypatch: pytest.MonkeyPatch, allowed: int) -> list[int]:
    """Let this process start *allowed* more processes, then refuse them as a limit on processes does (EAGAIN)."""
    started: list[int] = []
    start = multiprocessing.Process.start

    def limited(process: multiprocessing.Process) -> None:
        if len(started) == allowed:
            raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))
        start(process)
        started.append(1)

    monkeypatch.setattr(multiprocessing.Process, "start", limited)
    return started


@pytest.mark.parametrize("allowed", [0, 1])
def test_a_batch_the_system_allows_fewer_processes_is_evaluated_by_fewer(monkeypatch: pytest.MonkeyPatch, allowed: int):
    """A limit on processes once failed the whole batch with "cannot read a file: Resource temporarily unavailable"."""
    started = processes_allowed(monkeypatch, allowed)

    assert [[2], [5], [10], [17]] == run([[1], [2], [3], [4]], workers=3)
    assert allowed == len(started)
    assert no_worker_left()


def test_the_input_is_read_no_further_ahead_than_the_window():
    read = 0

    def chunks() -> Iterator[list[Any]]:
        nonlocal read
        for number in itertools.count():
            read += 1
            yield [number]

    results = in_workers(square, 0, chunks(), workers=2, ahead=3)
    assert [0] == next(results)
    results.close()  # type: ignore[attr-defined]

    assert read <= 2 * 3 + 1
    assert no_worker_left()


def test_a_chunk_that_cannot_be_sent_is_evaluated_here():
    class Unpicklable(int):
        def __reduce__(self) -> Any:
            raise TypeError(self)

    assert [[5], [10]] == run([[2], [Unpicklable(3)]])


@pytest.fixture(params=["spawn", "forkserver"])
def start_method(request: pytest.FixtureRequest) -> Iterator[str]:
    """The default start method, for the test, is *spawn* or *forkserver* (macOS's, and Linux's from Python 3.14)."""
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method(request.param, force=True)
    yield request.param
    multiprocessing.set_start_method(before, force=True)


def test_an_argument_that_cannot_be_sent_to_a_new_process_is_evaluated_here(start_method: str):
    """With spawn or forkserver, ``evaluate_many(ruleset=<a loaded ruleset>, jobs=2)`` raised "cannot pickle"."""

    class Unpicklable(int):
        def __reduce__(self) -> Any:
            raise TypeError(self)

    results = list(in_workers(square, Unpicklable(1), iter([[2], [3]]), workers=2, ahead=2))

    assert [[5], [10]] == results
    assert not multiprocessing.active_children()


def test_an_error_in_a_worker_raises_here_with_its_own_type():
    with pytest.raises(ValueError, match="fail"):
        run([[2], ["fail"], [3]])
    assert no_worker_left()


def test_a_worker_killed_at_its_chunk_stops_the_batch():
    with pytest.raises(WorkerLost, match="a worker process ended before it returned its results"):
        run([[2], ["die"], [3], [4]])
    assert no_worker_left()


def test_a_worker_killed_while_idle_stops_the_batch_once_more_work_comes():
    def chunks() -> Iterator[list[Any]]:
        yield [2]
        yield [3]
        # Asked for more: a worker is idle, waiting for this chunk. Killed with its sibling.
        for worker in multiprocessing.active_children():
            os.kill(worker.pid or 0, signal.SIGKILL)
            worker.join()
        yield [4]

    with pytest.raises(WorkerLost):
        run(chunks())
    assert no_worker_left()


def test_a_batch_stopped_early_kills_its_busy_workers():
    results = in_workers(square, 0, iter([[1], [30.0], [30.0], [2]]), workers=3, ahead=2)
    assert [1] == next(results)
    workers = multiprocessing.active_children()
    results.close()  # type: ignore[attr-defined]

    assert 3 == len(workers)
    assert no_worker_left()
    # Killed, not asked to stop (the two busy ones would have finished their 30-second chunks first)
    assert [-signal.SIGKILL] * 3 == [worker.exitcode for worker in workers]


def threads_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Any, refused: int) -> None:
    """The first *refused* workers cannot start a thread, as under ``ulimit -u`` or a container's pids limit.

    A limit on processes counts threads too: the system may let a worker be
    forked and then refuse it the thread that watches for its parent's end.
    """
    from mwrules._batch import workers  # noqa: PLC0415

    watch = workers._die_with_parent

    def limited() -> None:
        for number in range(refused):
            try:
                os.close(os.open(tmp_path / f"refused-{number}", os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                continue
            message = "can't start new thread"
            raise RuntimeError(message)
        watch()

    monkeypatch.setattr(workers, "_die_with_parent", limited)


@pytest.mark.parametrize("refused", [1, 2])
def test_a_worker_refused_its_parent_watch_thread_leaves_its_work_to_the_others(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, capfd: pytest.CaptureFixture[str], refused: int
):
    """Under ``ulimit -u 2`` (not root) a portfolio printed a worker's traceback and evaluated nothing (exit 2)."""
    threads_refused(monkeypatch, tmp_path, refused)

    assert [[2], [5], [10], [17], [26]] == run([[1], [2], [3], [4], [5]], workers=2)
    assert "Traceback" not in capfd.readouterr().err
    assert no_worker_left()


_FORKED_MID_BATCH = """
import gc, os, sys
import mwrules
people = [{"id": f"x{k}", "certifications": ["MS-102", "MS-700"]} for k in range(20)]
docs = [{"partner_id": f"p{i}", "as_of": "2026-06-30", "people": people} for i in range(2000)]
batch = mwrules.evaluate_many(docs, jobs=2)
first = [next(batch) for _ in range(2)]
pid = os.fork()
if pid == 0:
    if sys.argv[1] == "del":
        del batch
        gc.collect()
        os._exit(0)
    sys.exit(0)
os.waitpid(pid, 0)
print(len(first) + len(list(batch)))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
@pytest.mark.parametrize("child", ["del", "exit"])
def test_a_process_forked_mid_batch_leaves_its_parent_s_workers_alone(child: str):
    """The child dropping the batch it inherited killed the parent's workers ("can only join a child process"),
    and the parent's batch failed with WorkerLost (hostile run 31)."""
    done = subprocess.run(
        [sys.executable, "-c", _FORKED_MID_BATCH, child], capture_output=True, text=True, timeout=120, check=False
    )

    assert (done.returncode, done.stdout, done.stderr) == (0, "2000\n", "")
