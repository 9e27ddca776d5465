"""Where the command line writes: a file it must not write over, and standard output shared by two texts."""

from __future__ import annotations

import argparse
import os

from .shared import names_a_ruleset_file


def _written_over(
    args: argparse.Namespace, written: dict[str, str | None], read: list[tuple[str, str, str]]
) -> str | None:
    """What is wrong when a file mwrules would write is one it reads: writing it would lose what it holds.

    *written* maps an option to the path it writes; *read* lists each file
    read (how to name it, what it holds, its path); a ``--ruleset`` file is
    read too.
    """
    if args.ruleset is not None and names_a_ruleset_file(args.ruleset):
        read = [*read, ("the ruleset --ruleset", "the ruleset", args.ruleset)]
    for option, path in written.items():
        if path in (None, "-"):
            continue
        for named, held, name in read:
            if _reads(name, path):
                return f"{option} {path} names {named} {name}: writing it would lose {held}"
    return None


def _reads(read: str, path: str) -> bool:
    """Whether reading the file named *read* reads *path*: ``-`` (standard input) reads the file it was given."""
    return _is_standard_stream(0, path) if read == "-" else _same_file(read, path)


def _one_destination(report: str, output: str) -> bool:
    """Whether ``--report`` and ``-o FILE`` name one file (``--report -``: the file standard output is)."""
    return _is_standard_stream(1, output) if report == "-" else _same_file(report, output)


def _on_standard_output(option: str, path: str | None, printed: str) -> str | None:
    """*option* naming standard output (``-``, ``/dev/stdout``, the file it was sent to), where *printed* goes.

    Written there too, the two would be one mixed text (``--plot t.svg > t.svg``
    wrote the timeline over the start of the drawing).
    """
    if path and (path == "-" or _is_standard_stream(1, path)):
        return f"{option} {path} is standard output, where {printed} goes: give {option} a file of its own"
    return None


def _is_standard_stream(descriptor: int, path: str) -> bool:
    """Whether *path* is the file, pipe or socket that standard input (0) or output (1) is.

    ``import --usage - -o u.csv < u.csv`` would write over the download; a
    report and a document both sent to one pipe would be one mixed text. A
    terminal or ``/dev/null`` shared by both loses nothing.
    """
    import stat

    try:
        stream = os.fstat(descriptor)
        return not stat.S_ISCHR(stream.st_mode) and os.path.samestat(stream, os.stat(path))
    except (OSError, ValueError):  # closed, or not there (yet), or no file can have its name
        return False


def _same_file(one: str, other: str) -> bool:
    """Whether two paths of the command line name one file (``x.yaml`` and ``./x.yaml``; a link and its target).

    A hard link is another name of the file, which only the system can tell.
    """
    from pathlib import Path

    try:
        return os.path.samefile(one, other)
    except (OSError, ValueError):  # one is not there (yet), or no file can have its name: compare the names
        pass
    try:
        return Path(one).resolve() == Path(other).resolve()
    except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13): writing to it says so
        return os.path.abspath(one) == os.path.abspath(other)
