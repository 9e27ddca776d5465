"""The ``mwrules`` command.

Exit status:

* ``evaluate``, ``explain``: 0 when a partner was evaluated (qualified or
  not); 1 with ``--fail-unqualified`` when it does not qualify.
* ``lint``: 0 when no problem is found, 1 when some are.
* ``test``: 0 when every case passes, 1 when one fails or none ran.
* ``plan``: 0 with a plan (or nothing to do), 1 when no path can qualify.
* ``timeline``: 0 when the timeline was computed.
* ``diff``: 0 when every partner was evaluated under both rulesets.
* Every command: 2 for a command line it does not understand (code MW301),
  a file that cannot be read or written, bad input or a bad ruleset.
  Problems go to standard error, never a traceback. 141 (as for a tool
  killed by SIGPIPE) when the reader of the output closed the pipe; 130 (as
  for a tool killed by SIGINT) when interrupted with Ctrl-C; 143 (as for a
  tool killed by SIGTERM) when terminated, once it has tidied up (a file
  half written is removed, the workers of a portfolio stopped).

Each command imports what it needs when it runs: ``mwrules --help`` and
``mwrules --version`` import neither the engine nor YAML nor cattrs.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence

from . import codes
from ._cli.parser import _parser, _UsageError
from ._cli.shared import (
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_TERMINATED,
    EXIT_UNQUALIFIED,
    _CannotRead,
    _CannotWrite,
    ruleset_argument,
)


# typing.TYPE_CHECKING without importing typing: the command line starts
# faster without it (type checkers read this name as typing's)
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import BinaryIO, TextIO


__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_UNQUALIFIED",
    "main",
    "ruleset_argument",
]


class _ClosedOutput(io.TextIOBase):
    """Standard output of a process started without one (``mwrules evaluate x >&-``): writing to it fails."""

    def write(self, text: str, /) -> int:
        message = "cannot write to standard output: it is closed"
        raise _CannotWrite(message)


class _ClosedInput(io.TextIOBase):
    """Standard input of a process started without one (``mwrules evaluate - <&-``): reading it fails."""

    @property
    def buffer(self) -> BinaryIO:
        message = "cannot read standard input: it is closed"
        raise _CannotRead(message)


class _ClosedError(io.TextIOBase):
    """Standard error of a process started without one (``mwrules import ... 2>&-``): what goes there is lost.

    Not ``None``: ``print(file=None)`` prints to standard output, which would
    mix the report, the problems and the summary into the document or the verdicts.
    """

    def write(self, text: str, /) -> int:
        return len(text)


class _Output(io.TextIOBase):
    """Standard output whose failures to write (``>/dev/full``) are :class:`_CannotWrite`, not a file unread.

    A reader that went away (:class:`BrokenPipeError`) stays what it is: it
    ends the command quietly.
    """

    def __init__(self, stream: TextIO | io.TextIOBase) -> None:
        self._stream = stream

    @property
    def encoding(self) -> str:  # type: ignore[override]  # read-only here, as on sys.stdout
        return self._stream.encoding

    def fileno(self) -> int:
        return self._stream.fileno()

    def write(self, text: str, /) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _cannot_write(error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _cannot_write(error) from None

    def close(self) -> None:
        """Leave the process's standard output open (and unflushed: a failed write is not tried again)."""


def _cannot_write(error: OSError) -> _CannotWrite:
    return _CannotWrite(f"cannot write to standard output: {error.strerror or error}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    if sys.stdout is None:  # started with standard output closed
        sys.stdout = _ClosedOutput()
    if sys.stdin is None:  # started with standard input closed
        sys.stdin = _ClosedInput()
    if sys.stderr is None:  # started with standard error closed: the status alone says what went wrong
        sys.stderr = _ClosedError()
    for stream in (sys.stdout, sys.stderr):
        # Text from a partner file may not be printable as it is (a lone
        # surrogate from a JSON escape): show it escaped rather than fail.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    stdout = sys.stdout
    sys.stdout = _Output(stdout)
    interrupt = _once_interrupted()
    terminate = _terminated_tidily()
    try:
        return _run(argv)
    except _Terminated:
        print("mwrules: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        # Ctrl-C: stop quietly, with the status of a tool killed by SIGINT
        interrupt = None  # what follows the first Ctrl-C only ends the process: further ones are ignored
        print("mwrules: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError:
        # Standard error cannot be written either (2>/dev/full): a problem or
        # the summary went unsaid, and only the status can say so (1 would
        # read as "not qualified")
        return EXIT_BAD_INPUT
    finally:
        sys.stdout = stdout
        if interrupt is not None:
            signal.signal(signal.SIGINT, interrupt)
        if terminate is not None:
            signal.signal(signal.SIGTERM, terminate)


def _once_interrupted() -> Callable[..., object] | int | None:
    """Make the first Ctrl-C ignore the next ones; the handler it replaced (None: it replaced none).

    An impatient user presses Ctrl-C twice. The second one, a few milliseconds
    after the first, interrupted the stopping itself: an object's finalizer
    or the exit of multiprocessing then printed "Exception ignored ...
    KeyboardInterrupt", or the process died of SIGINT instead of ending with
    130. Left alone: a handler of the caller's, or Ctrl-C passed on ignored.
    """
    return _raising_on(signal.SIGINT, signal.default_int_handler, KeyboardInterrupt, then=signal.SIG_IGN)


class _Terminated(BaseException):
    """SIGTERM arrived: raised in the main thread, so that what the command does tidies up as it unwinds."""


def _terminated_tidily() -> Callable[..., object] | int | None:
    """Make SIGTERM unwind the command (raising :class:`_Terminated`); the handler it replaced (None: it replaced none).

    By default SIGTERM ends the process at once: a document written beside
    its file (see ``_write_file``) stayed there, hidden, half written. A
    second SIGTERM while unwinding ends the process as the first once did.
    Left alone: a handler of the caller's, or SIGTERM ignored.
    """
    return _raising_on(signal.SIGTERM, signal.SIG_DFL, _Terminated, then=signal.SIG_DFL)


def _raising_on(
    signal_number: signal.Signals,
    default: object,
    raised: type[BaseException],
    *,
    then: signal.Handlers,
) -> Callable[..., object] | int | None:
    """Raise *raised* in the main thread at *signal_number*, which then gets *then*; the handler it replaced.

    Only in the main thread (where Python runs handlers), and only over the
    *default* handler: one a caller installed is theirs.
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal_number) is not default:
        return None

    def handler(number: int, frame: object) -> None:
        signal.signal(signal_number, then)
        raise raised

    return signal.signal(signal_number, handler)


def _run(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
    except _UsageError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    unused = _unused_limit(args)
    if unused is not None:
        print(f"mwrules: {codes.USAGE} {unused}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return _command(args)


def _unused_limit(args: argparse.Namespace) -> str | None:
    """``--limit timeline-days=N`` where no range of days is read: it would be dropped without a word."""
    spans_days = args.command == "timeline" or (args.command == "plan" and getattr(args, "by", None) is not None)
    if not spans_days and any(field == "max_timeline_days" for field, _ in getattr(args, "limit", None) or ()):
        return "--limit timeline-days bounds the days of timeline and plan --by: this command reads none"
    return None


def _command(args: argparse.Namespace) -> int:
    from ._cli.commands import _COMMANDS  # after parsing: --help and --version need none of it

    command: Callable[[argparse.Namespace], int] = _COMMANDS[args.command]
    from ._input.convert import shown
    from .errors import InputError, MwrulesError, RulesetError

    try:
        status = command(args)
        sys.stdout.flush()
    except (InputError, RulesetError) as error:
        print(f"mwrules: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MwrulesError as error:  # pragma: no cover - an engine failure is a bug, but say it plainly
        print(f"mwrules: internal error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (_CannotWrite, _CannotRead) as error:
        print(f"mwrules: {codes.UNREADABLE} {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            # The reader of the output went away (`mwrules explain x | head`):
            # stop quietly, with the status a Unix tool killed by SIGPIPE has.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_BROKEN_PIPE
        # A path the system refuses (a name too long, a folder where a file
        # belongs): the user's mistake, said plainly. Files are written
        # through _write_file and standard output through _Output, so this
        # is a file that was to be read.
        name = shown(str(error.filename)) if error.filename else "a file"
        print(f"mwrules: {codes.UNREADABLE} cannot read {name}: {error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
