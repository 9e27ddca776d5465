"""Worker processes for a batch: each evaluates the chunks it is sent, one at a time, over a pipe of its own.

A batch's parent sends a chunk to an idle worker, waits on every worker's pipe
and every worker's process at once, and yields the chunks' results in input
order. It has no threads: a worker that dies is seen at once, whatever either
side was doing, and a batch that ends (finished, stopped early, Ctrl-C, an
error) kills its workers and waits for them, bounded.

Why not :class:`concurrent.futures.ProcessPoolExecutor`: its manager and queue
threads deadlock when a worker dies while work is being queued (CPython
gh-125451, in the Python 3.12 and 3.13 releases before 3.12.8 and 3.13.1: the
batch hung instead of saying a worker was lost), and its shutdown waits for
the chunks running, which a second Ctrl-C cut short, leaving the batch
waiting forever. Both were seen here.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import MwrulesError


if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

Argument = TypeVar("Argument")
Item = TypeVar("Item")
Outcome = TypeVar("Outcome")

#: What a worker sends back when it could not evaluate a chunk (an error, or
#: a result that cannot be pickled): the parent then evaluates it itself
_FAILED = b""
#: What the parent sends a worker when the batch is over. (Closing the pipe
#: is not enough: with the ``fork`` start method, every worker holds copies of
#: the parent's ends of its own pipe and of the pipes of the workers before it.)
_STOP = b""
#: What a worker sends first, once it watches for its parent's end: only then is it given work
_READY = b"ready"
#: How long a worker that was asked to stop has to end before it is killed, in seconds
_GRACE = 10.0
#: The workers this process started: a process forked from it must not take them for its own
_STARTED: weakref.WeakSet[BaseProcess] = weakref.WeakSet()


def _forget_workers() -> None:
    """In a process just forked (by the caller: ``os.fork()`` mid-batch), forget the parent's workers.

    multiprocessing lists the children a process started, and the fork
    copies that list: at the child's exit, multiprocessing ended the
    *parent's* workers as the child's own daemonic children, and the
    parent's batch failed (hostile run 31).
    """
    from multiprocessing import process  # noqa: PLC0415 - imported by then: a worker was started

    for worker in list(_STARTED):
        process._children.discard(worker)  # type: ignore[attr-defined]  # noqa: SLF001 - its list, no API
    _STARTED.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


class WorkerLost(MwrulesError, RuntimeError):
    """A worker process ended before it returned its results (killed, or out of memory): the batch cannot go on."""


def in_workers(
    work: Callable[[Argument, list[Item]], list[Outcome]],
    argument: Argument,
    chunks: Iterator[list[Item]],
    *,
    workers: int,
    ahead: int,
) -> Iterator[list[Outcome]]:
    """``work(argument, chunk)`` for each of *chunks*, in at most *workers* processes; the results in order.

    *work* is a module-level function; *argument* is sent to each worker once.
    Never more workers start than there are chunks, nor more than the
    system allows (without any, the chunks are evaluated here). A chunk is
    handed out only while fewer than ``workers * ahead`` chunks separate it
    from the next one to be yielded: the input is read that far ahead of the
    results, no further. A chunk that cannot be sent (it cannot be pickled)
    or that a worker could not evaluate is evaluated here, so an error of
    *work* raises here, as it would without workers. So is every chunk when
    *argument* cannot be sent to a new process (see :func:`_start`), and in a
    daemonic process (a multiprocessing pool's worker, or a worker of
    another batch), which may not start processes.

    Raises:
        WorkerLost: a worker process ended while the batch still needed it.
    """
    from multiprocessing import current_process  # noqa: PLC0415 - for batches only
    from multiprocessing.reduction import ForkingPickler  # noqa: PLC0415

    if current_process().daemon:  # starting a worker would fail: "daemonic processes are not allowed to have children"
        yield from (work(argument, chunk) for chunk in chunks)
        return
    first = list(itertools.islice(chunks, workers))
    if not first:
        return

    started: list[_Worker] = []
    finished = False
    owner = os.getpid()  # a process forked mid-batch inherits this generator, not the workers
    try:
        _start(started, len(first), work, argument)
        if not started:  # (then there is no worker to stop)
            yield from (work(argument, chunk) for chunk in itertools.chain(first, chunks))
            return
        workers = len(started)
        idle = list(reversed(started))
        busy: dict[_Worker, tuple[int, list[Item]]] = {}
        done: dict[int, list[Outcome]] = {}
        pending = itertools.chain(first, chunks)
        handed, yielded, exhausted = 0, 0, False
        while True:
            while idle and not exhausted and handed < yielded + workers * ahead:
                chunk = next(pending, None)
                if chunk is None:
                    exhausted = True
                    break
                try:
                    data = ForkingPickler.dumps(chunk)
                except Exception:  # what cannot make the trip (a lambda in a mapping) is evaluated here
                    done[handed] = work(argument, chunk)
                else:
                    worker = idle.pop()
                    worker.send(data)
                    busy[worker] = (handed, chunk)
                handed += 1
            while yielded in done:
                yield done.pop(yielded)
                yielded += 1
            if not busy:
                if exhausted:
                    finished = True
                    return
                continue
            for worker, answer in _answers(busy, started):
                index, chunk = busy.pop(worker)
                done[index] = work(argument, chunk) if answer == _FAILED else ForkingPickler.loads(answer)
                idle.append(worker)
    finally:
        if os.getpid() == owner:  # a forked child dropping its copy killed its parent's workers (hostile run 31)
            with interrupts_held():  # a second Ctrl-C does not leave the workers half stopped
                _stop(started, finished)


def _start(started: list[_Worker], count: int, work: Callable[[Any, list[Any]], list[Any]], argument: Any) -> None:
    """Start *count* workers into *started*: fewer when the system refuses more processes (a limit, no memory).

    None start when *argument* cannot be sent to a new process: the ``spawn``
    and ``forkserver`` start methods (macOS's and Windows' default, and
    Linux's from Python 3.14) pickle it, which a loaded ruleset cannot be.
    """
    import pickle  # noqa: PLC0415 - for batches only

    for _ in range(count):
        try:
            started.append(_Worker.start(work, argument))
        except OSError:
            break
        except (TypeError, AttributeError, pickle.PicklingError):  # as a chunk that cannot be sent: evaluated here
            break
    for worker in list(started):
        if not worker.ready():
            started.remove(worker)


def _answers(busy: dict[_Worker, Any], started: list[_Worker]) -> Iterator[tuple[_Worker, bytes]]:
    """Wait for busy workers' answers, and for any worker's end (a lost worker raises)."""
    from multiprocessing.connection import wait  # noqa: PLC0415 - as multiprocessing

    by_connection = {worker.connection: worker for worker in busy}
    ready = wait([*by_connection, *(worker.process.sentinel for worker in started)])
    answered = [by_connection[one] for one in ready if one in by_connection]
    for worker in answered:
        yield worker, worker.receive()
    if len(answered) < len(ready):  # a sentinel: a worker ended, and no worker ends on its own
        raise _lost()


def _lost() -> WorkerLost:
    return WorkerLost(
        "a worker process ended before it returned its results (was it killed, or out of memory?): the inputs "
        "after the last result were not evaluated"
    )


class _Worker:
    """One worker process and the parent's end of its pipe."""

    __slots__ = ("connection", "process")

    def __init__(self, process: BaseProcess, connection: Connection) -> None:
        self.process = process
        self.connection = connection

    @classmethod
    def start(cls, work: Callable[[Any, list[Any]], list[Any]], argument: Any) -> _Worker:
        import multiprocessing  # noqa: PLC0415 - for batches only

        ours, theirs = multiprocessing.Pipe()
        # Daemonic: multiprocessing ends the workers at exit, even if stopping them was cut short
        process = multiprocessing.Process(
            target=_serve, args=(theirs, work, argument), name="mwrules-worker", daemon=True
        )
        try:
            with interrupts_held():  # see there
                process.start()
        except BaseException:  # (not started: a limit on processes, an argument that cannot be sent)
            ours.close()
            raise
        finally:
            theirs.close()  # the worker's end is the worker's alone: its death closes the pipe
        _STARTED.add(process)
        return cls(process, ours)

    def ready(self) -> bool:
        """Whether the worker started: it says so, or it ended (it could not watch for this process's end).

        A limit on processes counts threads (``ulimit -u``, a container's
        pids limit): the system may fork a worker and then refuse it the
        thread that ends it with its parent. Such a worker ends at once
        instead of taking work, and the batch goes on with the others.
        """
        from multiprocessing.connection import wait  # noqa: PLC0415 - as multiprocessing

        wait([self.connection, self.process.sentinel])
        try:
            if self.connection.recv_bytes() == _READY:
                return True
        except (EOFError, OSError):  # it ended without a word
            pass
        self.connection.close()
        self.process.join()
        return False

    def send(self, data: bytes | memoryview) -> None:
        try:
            self.connection.send_bytes(data)
        except OSError:  # the worker is gone
            raise _lost() from None

    def receive(self) -> bytes:
        try:
            return self.connection.recv_bytes()
        except (EOFError, OSError):  # the worker ended half way through its answer
            raise _lost() from None


def _stop(started: list[_Worker], finished: bool) -> None:
    """End the workers: asked when the batch finished; otherwise killed, their work unwanted."""
    for worker in started:
        if finished:
            with contextlib.suppress(OSError):  # (it ended: join says so)
                worker.connection.send_bytes(_STOP)
        else:
            worker.process.kill()
        worker.connection.close()
    for worker in started:
        worker.process.join(_GRACE)
        if worker.process.exitcode is None:  # pragma: no cover - a worker that would not end when asked
            worker.process.kill()
            worker.process.join()


def _serve(connection: Connection, work: Callable[[Any, list[Any]], list[Any]], argument: Any) -> None:
    """A worker's life: evaluate each chunk received and send back its results, until the pipe closes."""
    from multiprocessing.reduction import ForkingPickler  # noqa: PLC0415 - as multiprocessing

    try:
        _start_worker()
    except RuntimeError:  # "can't start new thread": no work for a worker that could outlive its parent
        return
    connection.send_bytes(_READY)
    while True:
        try:
            data = connection.recv_bytes()
        except EOFError:  # the parent is gone
            return
        if data == _STOP:
            return
        answer: bytes | memoryview
        try:
            answer = ForkingPickler.dumps(work(argument, ForkingPickler.loads(data)))
        except Exception:  # the parent evaluates the chunk again, and the error raises there
            answer = _FAILED
        connection.send_bytes(answer)


#: What a worker is born holding back (see interrupts_held): Ctrl-C, and SIGTERM, which the command line makes
#: unwind the parent (a worker gets the default back before it takes either)
_HELD = frozenset({signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back in this thread for the block: a worker process started in it is born holding it back.

    Ctrl-C on a terminal reaches every process of the group. A worker that
    got it between its start and :func:`_start_worker` ignoring it died of
    KeyboardInterrupt (about once in fifty Ctrl-Cs, under load): the batch
    then said a worker was lost, or hung. Born with SIGINT blocked, a worker
    keeps it pending until it ignores it, which discards it. This process
    receives a Ctrl-C of the block once the block ends.
    """
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows has no signal masks
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _start_worker() -> None:
    # Ctrl-C on a terminal reaches every process of the group: the parent
    # stops the batch and its workers; a worker prints no traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a worker has nothing to tidy: it ends at once, as it always did
    if hasattr(signal, "pthread_sigmask"):  # born holding it back (see interrupts_held): ignored from now on
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    _die_with_parent()


def _die_with_parent() -> None:
    """End this worker as soon as the process that started it is gone, however it died (SIGKILL too).

    multiprocessing gives each child a "sentinel": the read end of a pipe
    whose write end the parent holds. When the parent dies, the system closes
    its end and the pipe reads end-of-file; a daemon thread waits for that and
    ends the worker (which has nothing to save). Without it, a killed parent
    leaves its workers blocked forever on a pipe that their siblings keep
    open. This works with every start method and on every system, unlike
    Linux's ``prctl(PR_SET_PDEATHSIG)`` (which also fires when the *thread*
    that started the worker ends), and it sees a parent that died before
    this worker started. With the ``fork`` start method a worker also holds
    the write ends of the workers started before it, so those end one after
    the other, the last started first, within moments.
    """
    import multiprocessing  # noqa: PLC0415 - in workers only
    from multiprocessing.connection import wait  # noqa: PLC0415

    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - a worker always has a parent
        return
    sentinel = parent.sentinel

    def watch() -> None:
        wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="mwrules-parent-watch", daemon=True).start()
