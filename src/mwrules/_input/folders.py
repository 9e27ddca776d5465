"""Which files a folder named as partners gives, and what it holds that is not read (said, never dropped).

``mwrules evaluate FOLDER`` and ``mwrules diff --partners FOLDER`` read the
partner documents under a folder; hidden files, pipes, links to folders and
folders that cannot be listed are not read, and each is said. A stream (a
pipe, standard input) can be read once: :func:`read_twice` finds one named
twice, under any names.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from .text import printable


PARTNER_SUFFIXES = (".json", ".yaml", ".yml")


class Found(NamedTuple):
    """What a path named as partners holds (see :func:`partner_files`)."""

    #: The partner documents to read (and folders that cannot be listed, whose reading says so)
    files: list[Path]
    #: Named like partners, left out as hidden
    hidden: list[Path]
    #: Named like partners, left out as not files (pipes, devices, links to nothing or to folders)
    not_files: list[Path]
    #: Files not named like partners (an editor's ``partner.yaml~``, notes), not hidden: not read
    others: list[Path]


def partner_files(path: Path, suffixes: tuple[str, ...] = PARTNER_SUFFIXES) -> Found:
    """The partner documents at *path*; those left out as hidden; those left out as not files; other files.

    At a file, that file. In a folder, its regular files (below it too) with
    *suffixes*, except hidden ones: a file or folder inside it whose name
    starts with ``.`` (``.git``, an editor's ``.#partner.yaml``) is left
    out, and returned second, for the caller to say so. A pipe, a device or a
    link to nothing in the folder named like a partner is never read (a pipe
    would wait for a writer forever): it is returned third, to be said too.
    So is a link to a folder, whatever its name: it is not followed (it may
    lead back into the folder), and its partners would go unsaid. A folder
    inside that cannot be listed (no permission) is returned first, as an
    input whose reading says so (:func:`folder_problem`): it was passed over
    without a word. Any other file that is not hidden (an editor's
    ``partner.yaml~``, a ``.csv`` download beside the documents) is returned
    fourth, to be said as not read.
    """
    if not is_folder(path):
        return Found([path], [], [], [])
    found = Found([], [], [], [])
    entries, unlisted = _entries(path)
    for candidate in sorted(entries):
        linked_folder = candidate.is_symlink() and candidate.is_dir()
        named = candidate.suffix.lower() in suffixes and not candidate.is_dir()  # A.JSON too
        hidden = any(part.startswith(".") for part in candidate.relative_to(path).parts)
        if not (named or linked_folder or candidate in unlisted):
            if not hidden and not candidate.is_dir():
                found.others.append(candidate)
            continue
        if hidden:
            found.hidden.append(candidate)
        else:
            (found.files if candidate.is_file() or candidate in unlisted else found.not_files).append(candidate)
    return found


def is_folder(path: Path) -> bool:
    """Whether *path* is a folder; not when its name is one no file can have (too long: ``is_dir`` raised)."""
    try:
        return path.is_dir()
    except OSError:  # the reading of the input says why
        return False


def _entries(path: Path) -> tuple[list[Path], set[Path]]:
    """Everything below the folder *path* (links to folders not followed), and the folders that cannot be listed.

    A folder that cannot be listed (no permission) is one more input, whose
    problem says so (:func:`folder_problem`): ``Path.rglob`` passed over it
    without a word.
    """
    entries: list[Path] = []
    refused: set[Path] = set()
    for folder, folders, files in os.walk(path, onerror=lambda error: refused.add(Path(error.filename))):
        entries += [Path(folder, name) for name in (*folders, *files)]
    return entries, refused - {path}


def folder_problem(path: Path) -> str:
    """Why the folder *path*, named as an input, gave no partner: it cannot be listed, or holds none."""
    try:
        with os.scandir(path):
            pass
    except OSError as error:
        return f"cannot read the folder: {error.strerror or error}"
    return "no partner documents (*.json, *.yaml, *.yml, *.jsonl, *.ndjson) here"


def left_out_notices(found: Found) -> list[str]:
    """The lines that say what a folder held and was not read (see :func:`partner_files`)."""
    folders = [path for path in found.not_files if path.is_dir()]
    not_files = [path for path in found.not_files if not path.is_dir()]
    return (
        ([hidden_notice(found.hidden)] if found.hidden else [])
        + ([not_files_notice(not_files)] if not_files else [])
        + ([linked_folders_notice(folders)] if folders else [])
        + ([others_notice(found.others)] if found.others else [])
    )


def others_notice(others: Sequence[Path]) -> str:
    """The line that says which files of a folder were not read, their names not a partner document's."""
    why = "not named *.json, *.yaml, *.yml, *.jsonl or *.ndjson"
    return f"mwrules: {len(others):,} other file(s) not read ({why}): {_some(others)}"


def linked_folders_notice(folders: Sequence[Path]) -> str:
    """The line that says which links to folders a folder held, not followed (names escaped)."""
    why = "links to folders are not followed; name the folder to read it"
    return f"mwrules: {len(folders):,} link(s) to a folder left out ({why}): {_some(folders)}"


def hidden_notice(hidden: Sequence[Path]) -> str:
    """The line that says which hidden partner files a folder held and were not read (names escaped)."""
    return (
        f"mwrules: {len(hidden):,} hidden file(s) left out (a name inside the folder starts with '.'): {_some(hidden)}"
    )


def not_files_notice(not_files: Sequence[Path]) -> str:
    """The line that says which names like partners' in a folder were not files, and were not read (names escaped)."""
    why = "not a file: a pipe, a device, or a link to nothing"
    return f"mwrules: {len(not_files):,} file(s) left out ({why}): {_some(not_files)}"


def _some(paths: Sequence[Path]) -> str:
    return ", ".join(printable(str(path)) for path in paths[:3]) + (", …" if len(paths) > 3 else "")


def read_twice(names: Sequence[str]) -> str | None:
    """Which stream *names* name twice (``-`` and ``/dev/stdin``; one pipe under two names), as a message; else None.

    The second reading of a pipe waited for a writer forever, or found it
    empty ("no column 'TrainingTitle'", "the document is empty"): a stream
    can be read once. A file, a folder or a device (a terminal, ``/dev/null``)
    may be named twice.
    """
    seen: dict[tuple[int, int], str] = {}
    for name in names:
        try:
            status = os.fstat(0) if name == "-" else os.stat(name)
        except (OSError, ValueError):  # read, it says why
            continue
        if not (stat.S_ISFIFO(status.st_mode) or stat.S_ISSOCK(status.st_mode)):
            continue
        key = (status.st_dev, status.st_ino)
        if key in seen:
            first = "standard input (-)" if seen[key] == "-" else printable(seen[key])
            again = "standard input (-)" if name == "-" else printable(name)
            return f"{first} and {again} are one stream, which can be read once: name it once"
        seen[key] = name
    return None
