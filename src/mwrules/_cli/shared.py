"""What the commands share: exit statuses, errors that end a command, files written and read, ``--ruleset``."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterable

from .. import codes
from .._output.ascii_text import ascii_out as _ascii_out
from .._output.ascii_text import json_ascii


# typing.TYPE_CHECKING without importing typing: the command line starts
# faster without it (type checkers read this name as typing's)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from .._input.documents import Document
    from ..limits import Limits
    from ..ruleset import Ruleset


EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2
EXIT_UNQUALIFIED = EXIT_PROBLEMS
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE
EXIT_INTERRUPTED = 128 + 2  # SIGINT
EXIT_TERMINATED = 128 + 15  # SIGTERM


class _CannotWrite(Exception):
    """A file, or standard output, that could not be written; :func:`mwrules.cli.main` reports it and exits with 2."""


class _CannotRead(Exception):
    """Standard input, closed; :func:`mwrules.cli.main` reports it and exits with 2."""


def _print_json(data: object) -> None:
    """*data* as indented JSON on standard output, written as it is made."""
    _json_text(data)(_json_out())


def _json_out() -> Callable[[str], object]:
    """Standard output's write, for JSON text: escaped to ASCII by :func:`json_ascii` when it is not a UTF."""
    if not _ascii_out():
        return sys.stdout.write
    return lambda text: sys.stdout.write(json_ascii(text))


def _json_text(data: object) -> Callable[[Callable[[str], object]], None]:
    """What writes *data* as ``json.dumps(data, indent=2, ensure_ascii=False)`` and a newline, as it is made.

    A verdict of thousands of tenants is tens of megabytes of JSON, never
    held whole; see :mod:`mwrules._output.json_text`.
    """

    def write_text(write: Callable[[str], object]) -> None:
        from .._output.json_text import write_json

        write_json(data, write, indent=2, ensure_ascii=False)
        write("\n")

    return write_text


def _usage_error(message: str) -> int:
    """Report a command line that cannot work as given (code MW301); the exit status."""
    print(f"mwrules: {codes.USAGE} {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


#: What a file written shows of text UTF-8 cannot hold: a download's name whose bytes are not UTF-8 (a zip
#: made on Windows, unpacked here) is a lone surrogate in Python, and the report names its file. Shown
#: escaped (``\\udcfc``, in JSON the escape of that character), as standard output and error show it.
_UNENCODABLE = "backslashreplace"


def _write_file(path: str, text: str | Iterable[str] | Callable[[Callable[[str], object]], None]) -> None:
    """Write *text* (or its lines, as they come) to the file *path* (UTF-8), or raise :class:`_CannotWrite`.

    *text* may also be a function that writes the text through the function it is given.

    A file (or a name not yet taken) is written beside itself and then put
    in its place: a write stopped halfway (Ctrl-C, a full disk) leaves the
    file as it was. Written in place, it held the first rows of a document,
    which read as a valid partner of fewer tenants. A link, a device or a
    pipe (``/dev/stdout``) is written in place, as it is. A file its user
    may not write is refused, as writing in place would be: renamed over,
    it would be replaced wherever the folder allows it.
    """
    import errno
    import stat
    from pathlib import Path

    try:
        mode = os.lstat(path).st_mode
    except OSError:  # a name not yet taken (or a folder that does not exist: said when written)
        mode = None
    try:
        if mode is not None and stat.S_ISREG(mode) and not os.access(path, os.W_OK):
            # put in its place, it would be replaced where writing to it is refused (the folder allows renaming)
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        if mode is None or stat.S_ISREG(mode):
            _replace(Path(path), text, None if mode is None else stat.S_IMODE(mode))
        else:
            with Path(path).open("w", encoding="utf-8", errors=_UNENCODABLE) as out:
                _write_to(out.write, text)
    except OSError as error:
        from .._input.convert import shown

        message = f"cannot write {shown(path)}: {error.strerror or error}"
        raise _CannotWrite(message) from None


def _replace(
    path: Path, text: str | Iterable[str] | Callable[[Callable[[str], object]], None], mode: int | None
) -> None:
    """Write *text* to a file beside *path*, then rename it to *path*; gone again if the writing stops.

    A new file gets what the umask allows of 0o666, as ``open`` gives it
    (the umask is never read: setting it back and forth races with threads);
    a file replaced keeps its *mode*.
    """
    import secrets

    written = path.parent / f".{path.name}.{secrets.token_hex(4)}.partial"
    descriptor = os.open(written, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", errors=_UNENCODABLE) as out:
            _write_to(out.write, text)
        if mode is not None:
            os.chmod(written, mode)
        os.replace(written, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(written)
        raise


def _write_to(
    write: Callable[[str], object], text: str | Iterable[str] | Callable[[Callable[[str], object]], None]
) -> None:
    if callable(text):
        text(write)
    else:
        for piece in (text,) if isinstance(text, str) else text:
            write(piece)


def _limits(args: argparse.Namespace) -> Limits:
    from ..limits import Limits

    return Limits(**dict(args.limit))


def _json_lines_mistake(args: argparse.Namespace, document: Document) -> str | None:
    """What is wrong with naming a JSON Lines file of several partners (a partner a line) to a command taking one.

    A file of one line is that partner's document (JSON is YAML); of several, it is not valid YAML, which
    would be said at its second line.
    """
    from .. import codes
    from .._input.documents import is_json_lines

    source = args.partner
    if source == "-" or not is_json_lines(source) or all(p.code != codes.SYNTAX for p in document.problems):
        return None
    return (
        f"{args.command} takes one partner, and {source} is JSON Lines (a partner a line): give one partner's "
        f"document, or evaluate them all with: mwrules evaluate {source}"
    )


def _partner_document(args: argparse.Namespace) -> Document:
    """The partner document named on the command line, with ``--as-of`` applied."""
    from .._input.partner import on_date

    return on_date(_read_document(args.partner, _limits(args)), args.as_of)


def ruleset_argument(value: str | None) -> Ruleset | str | None:
    """``--ruleset``: a file if it looks like one, else a shipped ruleset's name."""
    if value is None:
        return None
    if names_a_ruleset_file(value):
        from .._rulesets.versions import load_ruleset

        return load_ruleset(value)
    return value


def names_a_ruleset_file(value: str) -> bool:
    """Whether ``--ruleset`` *value* names a file (``rules.yaml``, ``./rules``), not a shipped ruleset."""
    return value.endswith((".yaml", ".yml")) or os.sep in value or "/" in value


def _read_document(source: str, limits: Limits, what: str | None = None) -> Document:
    """The document *source* names, ``-`` standard input; *what* it is names its problems (a partner's by default)."""
    from .._input import documents as _documents
    from .._input.partner import read_document

    if source == "-":
        data = _documents.read_at_most(sys.stdin.buffer, limits.max_file_bytes + 1)
        return read_document("<stdin>", data, what=what or "the partner document", limits=limits)
    if what is None:
        return read_document(source, limits=limits)
    return read_document(source, what=what, limits=limits)
