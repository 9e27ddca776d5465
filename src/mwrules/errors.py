"""The errors mwrules raises, and the :class:`Problem` records they carry.

Every error derives from :class:`MwrulesError`. Bad input and bad rulesets are
reported all at once: the error carries one :class:`Problem` per mistake, each
with where it is and, when there is one, a suggestion.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable, Sequence

import attrs

from ._input.text import printable


@attrs.frozen
class Problem:
    """One mistake in a partner document or a ruleset.

    *where* is a JSON path (``$.people[3].id``); *file* and *line* say where it
    is in a file, when it came from one; *code* is its stable code from
    :mod:`mwrules.codes`, documented in ``docs/errors/<code>.md``.

    >>> print(Problem("$.people[1].id", "a person id cannot be empty", code="MW202", file="p.yaml", line=7))
    p.yaml:7: $.people[1].id: MW202 a person id cannot be empty
    """

    where: str
    message: str
    suggestion: str | None = None
    file: str | None = None
    line: int | None = None
    code: str | None = None

    def __str__(self) -> str:
        location = self.where
        if self.file is not None:
            file = printable(self.file)
            place = file if self.line is None else f"{file}:{self.line}"
            location = f"{place}: {self.where}"
        text = f"{location}: {self.code} {self.message}" if self.code else f"{location}: {self.message}"
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text


class MwrulesError(Exception):
    """The root of every error mwrules raises."""


#: Problems the error's message lists; all of them are in :attr:`problems`.
_SHOWN = 200


class _ProblemsError(MwrulesError, ValueError):
    """An error that carries every problem found, not only the first."""

    summary = "problems found"

    def __init__(self, problems: Sequence[Problem], *, what: str | None = None) -> None:
        self.problems = tuple(problems)
        summary = self.summary if what is None else f"problem(s) in {what}"
        lines = [f"{len(self.problems)} {summary}:"]
        lines.extend(f"  {problem}" for problem in self.problems[:_SHOWN])
        if len(self.problems) > _SHOWN:
            lines.append(f"  ... and {len(self.problems) - _SHOWN:,} more (every one is in the error's problems)")
        super().__init__("\n".join(lines))


class InputError(_ProblemsError):
    """The partner document (or another input, as *what* says) is not valid; :attr:`problems` lists every mistake."""

    summary = "problem(s) in the partner document"


class RulesetError(_ProblemsError):
    """The ruleset is not valid; :attr:`problems` lists every mistake."""

    summary = "problem(s) in the ruleset"


class EvaluationError(MwrulesError, RuntimeError):
    """The rules engine failed while evaluating; this is a bug in mwrules or its ruleset."""


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A "did you mean" hint for a misspelt *word*, else the choices ("expected one of: ..."), or ``None``."""
    choices = sorted(choices)
    return close_to(word, choices) or ("expected one of: " + ", ".join(map(repr, choices)) if choices else None)


def close_to(word: str, choices: Iterable[str]) -> str | None:
    """``did you mean 'x'?`` for the choice closest to a misspelt *word*, if one is close; never the list of choices.

    For choices that are not what was expected (a file's own columns), or too many to list.
    """
    # difflib's cost grows with the word: a megabyte key gets no suggestion
    close = [] if len(word) > 200 else difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


#: How many distinct unknown names of one document, download or evaluation get
#: a "did you mean" search: each costs a difflib search, and a file of
#: thousands of misspellings gets the first ones, not minutes of searching.
SUGGESTIONS = 100
#: The answers a :class:`Closest` keeps: of words this long at most, this many at most
_KEPT_LENGTH, _KEPT_ANSWERS = 200, 4096


class Closest:
    """The closest of *names* to a word by difflib's ratio, if it is at least *cutoff*.

    The answer is difflib's (the highest ratio, ties to the earlier name),
    found cheaply: each name is prepared once, and a word is compared only
    with the names whose length, then whose letters, allow the cutoff (so a
    100 KB word is compared with none). Made once per ruleset and shared by
    every evaluation and thread: a search holds a lock (difflib's matchers
    are not thread-safe), and the answers for short words are kept, a
    bounded number of them.

    >>> closest = Closest(["Teams Administrator Associate", "Endpoint Administrator Associate"], cutoff=0.9)
    >>> closest("Teams Administrater Associate"), closest("Azure Administrator Associate")
    ('Teams Administrator Associate', None)
    """

    def __init__(self, names: Iterable[str], *, cutoff: float) -> None:
        self.cutoff = cutoff
        self._matchers: list[tuple[str, difflib.SequenceMatcher[str]]] = []
        for name in names:
            matcher: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(None)
            matcher.set_seq2(name)
            self._matchers.append((name, matcher))
        self._lock = threading.Lock()
        self._answers: dict[str, str | None] = {}

    def __call__(self, word: str) -> str | None:
        if word in self._answers:
            return self._answers[word]
        with self._lock:
            best = self._search(word)
        if len(word) <= _KEPT_LENGTH and len(self._answers) < _KEPT_ANSWERS:
            self._answers[word] = best
        return best

    def _search(self, word: str) -> str | None:
        best, score = None, self.cutoff
        for name, matcher in self._matchers:
            # 2 * min / total bounds the ratio (difflib's real_quick_ratio), without touching the text
            total = len(word) + len(name)
            if total and 2.0 * min(len(word), len(name)) / total < score:
                continue
            matcher.set_seq1(word)
            if matcher.quick_ratio() < score:
                continue
            ratio = matcher.ratio()
            if ratio > score or (best is None and ratio == score):
                best, score = name, ratio
        return best


class NearMisses:
    """Per word asked about, :class:`Closest`'s answer, for the first *searches* distinct words only.

    One is made per evaluation or download, so that how many words get an
    answer does not depend on what ran before: later distinct words get
    None. *names* are the names to search, or a :class:`Closest` to share.

    >>> near = NearMisses(["Teams Administrator Associate"], cutoff=0.9, searches=1)
    >>> near("Teams Administrater Associate"), near("Teams Administratr Associate")
    ('Teams Administrator Associate', None)
    """

    def __init__(self, names: Iterable[str] | Closest, *, cutoff: float = 0.6, searches: int = SUGGESTIONS) -> None:
        self.closest = names if isinstance(names, Closest) else Closest(names, cutoff=cutoff)
        self.searches = searches
        self.found: dict[str, str | None] = {}

    def __call__(self, word: str) -> str | None:
        if word in self.found:
            return self.found[word]
        if len(self.found) >= self.searches:
            return None
        self.found[word] = answer = self.closest(word)
        return answer
