"""The errors mwrules raises, and the :class:`Problem` records they carry.

Every error derives from :class:`MwrulesError`. Bad input and bad rulesets are
reported all at once: the error carries one :class:`Problem` per mistake, each
with where it is and, when there is one, a suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import attrs


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
            place = self.file if self.line is None else f"{self.file}:{self.line}"
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
    """A "did you mean" hint for a misspelt *word*, or ``None``."""
    choices = sorted(choices)
    # difflib's cost grows with the word: a megabyte key gets no suggestion
    close = [] if len(word) > 200 else difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    if choices:
        return "expected one of: " + ", ".join(repr(choice) for choice in choices)
    return None


#: How many distinct unknown names of one document, download or evaluation get
#: a "did you mean" search: each costs a difflib search, and a file of
#: thousands of misspellings gets the first ones, not minutes of searching.
SUGGESTIONS = 100


class NearMisses:
    """Per word asked about, the closest of *names* by difflib's ratio, if it is at least *cutoff*.

    The answer is difflib's (the highest ratio, ties to the earlier name),
    found cheaply: a name is prepared once, and a word is compared only with
    the names whose length, then whose letters, allow the cutoff (so a
    100 KB word is compared with none). Each distinct word is searched once,
    and only the first *searches* of them: later ones get None.

    >>> near = NearMisses(["Teams Administrator Associate", "Endpoint Administrator Associate"], cutoff=0.9)
    >>> near("Teams Administrater Associate"), near("Azure Administrator Associate")
    ('Teams Administrator Associate', None)
    """

    def __init__(self, names: Iterable[str], *, cutoff: float, searches: int = SUGGESTIONS) -> None:
        self.cutoff = cutoff
        self.searches = searches
        self.matchers: list[tuple[str, difflib.SequenceMatcher[str]]] = []
        for name in names:
            matcher: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(None)
            matcher.set_seq2(name)
            self.matchers.append((name, matcher))
        self.found: dict[str, str | None] = {}

    def __call__(self, word: str) -> str | None:
        if word in self.found:
            return self.found[word]
        if len(self.found) >= self.searches:
            return None
        best, score = None, self.cutoff
        for name, matcher in self.matchers:
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
        self.found[word] = best
        return best
