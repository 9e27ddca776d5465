"""``mwrules timeline``: the verdict over a range of days, and when the partner can attain the designation.

A verdict can change only on a *change date* (criteria §8): the day a
certification is earned, the day after it expires, the day after its
eligible-through date, the first day of a month (customer data moves on, and
the attainment window with it), and the day a ruleset version comes into
force. Between two change dates every input of the engine is the same, so the
verdict is too: the timeline evaluates on change dates only, never day by day.

It evaluates on fewer still. Certifications reach the engine as the number of
people counted in each people set, and no score changes past a set's *cap*:
the largest gate need, or count at which a rate or target reaches its cap,
that any path sets on it (see :func:`.timeline_dates.people_caps`). So a
change date that only moves a count above that cap cannot change a score;
the timeline evaluates where the capped counts, the ruleset version or
(with customer data) the month change, once per capped counts and month,
with no more people in a set than its cap, and with the month's customer
data measured once (see :meth:`_Builder.evaluate`):
each evaluation costs the same however big the partner. Each segment's
verdict is then the evaluation on its first day, and tests check segments
against :func:`mwrules.evaluate` day by day.

*Can attain* applies the ruleset's attainment window (``scoring.window_months``):
a partner that is not enrolled attains the designation on a day when it met
the pass rule on some day from the first day of the month ``window_months - 1``
months before through that day. The first days of the range look back that
far, before the range starts.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import os
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .. import codes
from .._evaluation.evaluate import evaluate_with
from .._input import documents as _documents
from .._input.customers import day_month, month_index, month_text
from .._input.partner import read_document
from .._input.sections import metrics_for, with_metrics
from .._input.tenant_facts import Eligibility, UsageMonths
from .._rulesets.versions import RulesetChoice
from ..errors import InputError, Problem
from ..limits import DEFAULT_LIMITS, Limits, checked_limits
from ..model import Partner
from ..ruleset import Ruleset
from ..verdict import RulesetRef, Verdict
from .timeline_causes import CAUSES_SHOWN, Event, certification_causes, certification_events, gate_causes
from .timeline_dates import _ONE_DAY, _levels, _month_starts, _Period, _periods, window_start
from .timeline_segments import MonthScores, PathScore, Segment, Timeline


__all__ = [
    "CAUSES_SHOWN",
    "EARLIEST",
    "LATEST",
    "MonthScores",
    "PathScore",
    "Segment",
    "Timeline",
    "a_year_after",
    "outside_days",
    "timeline",
    "timeline_of",
    "window_start",
]

#: The days a timeline may cover (its window looks back months before the start; a day after it is a change date)
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(9998, 12, 31)


def timeline(
    partner: Partner | Mapping[str, Any] | str | os.PathLike[str],
    start: datetime.date,
    end: datetime.date,
    *,
    ruleset: Ruleset | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Timeline:
    """The partner's verdict on every day from *start* through *end*, as segments.

    *partner* is what :func:`mwrules.evaluate` takes; its ``as_of`` is not
    used. Each day is evaluated under the ruleset version in force that day
    (by default Modern Work's; ``ruleset="modern-work@2026-01"`` or a loaded
    ruleset pins one). Metrics given as numbers are taken as constant over
    the range; customer data moves on with the month.

    >>> t = timeline(
    ...     {"partner_id": "contoso", "people": [
    ...         {"id": "p1", "certifications": [{"name": "MS-102", "expires": "2027-06-30"}]},
    ...         {"id": "p2", "certifications": [{"name": "MS-700"}]}],
    ...      "metrics": {"smb": {"net_customer_adds": 6, "usage_growth": {"cpor": 400, "csp": 0},
    ...                          "deployments": {"cpor": 3, "csp": 0}}}},
    ...     datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))
    >>> for s in t.segments:
    ...     print(s.start, s.end, s.qualified, float(s.score), s.can_attain)
    2027-01-01 2027-06-30 True 71.0 True
    2027-07-01 2027-11-30 False 56.0 True
    2027-12-01 2027-12-31 False 56.0 False
    >>> t.segments[1].cause
    'Enterprise Administrator Expert stops counting after it expires on 2027-06-30, for 1 person: 1 loses advanced'

    Raises:
        InputError: the partner is not valid under a version in force in the
            range, *end* is before *start*, the range is longer than
            ``limits.max_timeline_days``, or no version is in force on some
            day of it.
    """
    for name, value in (("start", start), ("end", end)):
        if type(value) is not datetime.date:
            msg = f"{name} must be a datetime.date, not {type(value).__name__}"
            raise TypeError(msg)
    checked_limits(limits)
    return timeline_of(_source(partner, limits), start, end, ruleset=ruleset, limits=limits)


def timeline_of(
    source: Partner | _documents.Document,
    start: datetime.date,
    end: datetime.date,
    *,
    ruleset: Ruleset | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    warned: bool = True,
) -> Timeline:
    """:func:`timeline` of a partner or a parsed document (the command line's way in).

    Not *warned*: the timeline has no warnings, for a caller that reads its
    segments alone (a plan by a day): they cost two full evaluations more.
    """
    problems = _range_problems(start, end, limits)
    if problems:
        raise InputError(problems, what="the timeline's range")
    with _documents.paused_gc():
        return _Builder(_periods(source, ruleset, start, end, limits), start, end).timeline(warned=warned)


def a_year_after(day: datetime.date) -> datetime.date:
    """The day before the same day a year later, at most :data:`LATEST` (the default end of a range).

    >>> a_year_after(datetime.date(2026, 11, 28)), a_year_after(datetime.date(2028, 2, 29))
    (datetime.date(2027, 11, 27), datetime.date(2029, 2, 28))
    >>> a_year_after(datetime.date(9999, 6, 1))  # past LATEST: the range is refused for its start alone
    datetime.date(9998, 12, 31)
    """
    if day.year >= LATEST.year:
        return LATEST
    try:
        return min(day.replace(year=day.year + 1) - _ONE_DAY, LATEST)
    except ValueError:  # 29 February
        return min(day.replace(year=day.year + 1, day=28), LATEST)


def outside_days(days: Iterable[tuple[str, datetime.date]], covering: str) -> list[Problem]:
    """A problem for each of the named *days* outside :data:`EARLIEST` through :data:`LATEST`, the days *covering*."""
    return [
        Problem(where, f"{day} is outside the days {covering}, {EARLIEST} through {LATEST}", code=codes.DATE_RANGE)
        for where, day in days
        if not EARLIEST <= day <= LATEST
    ]


def _range_problems(start: datetime.date, end: datetime.date, limits: Limits) -> list[Problem]:
    outside = outside_days((("start", start), ("end", end)), "a timeline covers")
    if outside:
        return outside
    if end < start:
        return [Problem("end", f"{end} is before the start, {start}", "swap the two dates", code=codes.DATE_RANGE)]
    days = (end - start).days + 1
    if days > limits.max_timeline_days:
        message = f"the range is {days:,} days, more than the limit of {limits.max_timeline_days:,} days"
        return [
            Problem(
                "end",
                message,
                "shorten the range, or raise the limit: --limit timeline-days=N (Limits(max_timeline_days=N))",
                code=codes.LIMIT,
            )
        ]
    return []


def _source(
    partner: Partner | Mapping[str, Any] | str | os.PathLike[str], limits: Limits
) -> Partner | _documents.Document:
    if isinstance(partner, str | os.PathLike):
        return read_document(partner, limits=limits)
    if isinstance(partner, Partner):
        return partner
    return _documents.Document(partner)


@attrs.define
class _Piece:
    """Days *first* through *last*, on which every input of the engine is the same."""

    first: datetime.date
    last: datetime.date
    period: int  # index into the periods, -1: no version in force (before the range only)
    verdict: Verdict | None
    can_attain: bool = False


class _Builder:
    def __init__(self, periods: list[_Period], start: datetime.date, end: datetime.date) -> None:
        self.periods = periods
        self.start = start
        self.end = end
        self.levels = [_levels(period) for period in periods]
        self.evaluations = 0
        #: (period index, month) and the measures of its customer data, as metrics (see :meth:`evaluate`)
        self.measured: tuple[tuple[int, int] | None, Mapping[str, Mapping[str, Any]]] = (None, {})
        self.usage_months: dict[int, UsageMonths] = {}
        #: per period, the eligibility of the tenant facts measured so far (see :meth:`evaluate`)
        self.eligibility: dict[int, Eligibility] = {}
        #: the months of customer data the days before the range need and no usage row holds (see :meth:`attainment`)
        self.lookback_without_data: set[int] = set()

    def uses_months(self, period: _Period) -> bool:
        """Whether the customer data measures a metric of *period* (the month then matters)."""
        ruleset = period.ruleset
        return (
            period.partner.customers is not None
            and ruleset.customer_data is not None
            and bool(ruleset.derived_metrics())
        )

    def evaluate(self, index: int, day: datetime.date, people: set[int] | None = None) -> Verdict:
        """The verdict on *day*; with *people*, the scores of those people only (see :meth:`pieces`).

        With *people*, the customer data is measured once per month: the
        month's later evaluations take the measures of its first as given
        metrics, so that a change of certifications costs nothing in
        proportion to the customer data. And a tenant-month measured as M
        is not decided again as the month M + months_back is compared with:
        the rules' eligibility of its facts is kept (see
        :class:`~mwrules._input.tenant_facts.Eligibility`).
        """
        self.evaluations += 1
        period = self.periods[index]
        partner = period.partner
        if people is None:  # for its warnings alone (see warnings): the trace would cost time and memory
            return _verdict_on(partner, period.ruleset, period.reason, day, traced=False)
        levels = self.levels[index]
        chosen = tuple(levels.holding_on(partner.people[person], person, day) for person in sorted(people))
        partner = attrs.evolve(partner, people=chosen)
        month = (index, day_month(day)) if self.uses_months(period) else None
        if month is not None and self.measured[0] == month:
            partner = attrs.evolve(with_metrics(partner, period.ruleset.id, self.measured[1]), customers=None)
        elif month is not None:
            partner = attrs.evolve(partner, customers=self.usage(index).measured_on(period.ruleset, day))
        # Untraced: a trace would keep the engine's firings alive for as long as the piece (a
        # segment reads its own verdict, in full): without it, memory does not grow with the months
        tenants = partner.customers is not None  # their eligibility, decided once for the range
        with self.eligibility.setdefault(index, Eligibility()).reused() if tenants else contextlib.nullcontext():
            verdict = _verdict_on(partner, period.ruleset, period.reason, day, traced=False)
        if month is not None and self.measured[0] != month:
            self.measured = (month, _measures(verdict, period.ruleset, metrics_for(partner, period.ruleset.id)[0]))
        return verdict

    def usage(self, index: int) -> UsageMonths:
        """The customer data of ``periods[index]``, by month (built when first needed)."""
        customers = self.periods[index].partner.customers or ()
        found = self.usage_months.get(id(customers))
        if found is None:
            found = self.usage_months[id(customers)] = UsageMonths(customers)
        return found

    def pieces(self) -> list[_Piece]:
        """The range and the window before it, cut where an input of the engine may change."""
        pieces: list[_Piece] = []
        lookback = self.periods[0].first if self.periods else self.start
        for index, period in enumerate(self.periods):
            if pieces and period.first > pieces[-1].last + _ONE_DAY:  # no version in force before the range
                pieces.append(_Piece(pieces[-1].last + _ONE_DAY, period.first - _ONE_DAY, -1, None))
            elif not pieces and period.first > lookback:
                pieces.append(_Piece(lookback, period.first - _ONE_DAY, -1, None))
            levels = self.levels[index]
            cuts = {period.first, *levels.deltas, *_month_starts(period.first, period.last)}
            window_from = period.ruleset.scoring.window_from
            for day in (self.start, window_from):
                if day is not None and period.first <= day <= period.last:
                    cuts.add(day)
            days = sorted(day for day in cuts if period.first <= day <= period.last)
            counts = dict.fromkeys(levels.caps, 0)
            # Per level, the people counted at it (in the order they came)
            counted: dict[str, dict[int, None]] = {level: {} for level in levels.caps}
            months = self.uses_months(period)
            signature: tuple[Any, ...] | None = None
            verdict: Verdict | None = None
            # The verdicts of the signatures seen (of the current month, with customer data)
            seen: dict[tuple[Any, ...], Verdict] = {}
            for position, day in enumerate(days):
                for level, change in levels.deltas.get(day, {}).items():
                    counts[level] += change
                for level, person, change in levels.people.get(day, ()):
                    if change > 0:
                        counted[level][person] = None
                    else:
                        del counted[level][person]
                now = (
                    day_month(day) if months else None,
                    tuple(min(count, levels.caps[level]) for level, count in counts.items()),
                )
                if now != signature and now in seen:
                    signature, verdict = now, seen[now]
                elif now != signature:
                    if signature is not None and now[0] != signature[0]:
                        seen.clear()  # a new month: the verdicts of the last one no longer recur
                    # A level's points stop growing at its cap, so the first cap people
                    # counted at each level give every score: the others (and the people
                    # counted at no level) are left out, and an evaluation costs at most
                    # the sum of the caps in people whatever the partner's size (the
                    # segment's own verdict is evaluated in full when read)
                    chosen = {
                        person
                        for level, people in counted.items()
                        for person in itertools.islice(people, levels.caps[level])
                    }
                    signature, verdict = now, self.evaluate(index, day, chosen)
                    seen[now] = verdict
                last = days[position + 1] - _ONE_DAY if position + 1 < len(days) else period.last
                pieces.append(_Piece(day, last, index, verdict))
        return pieces

    def timeline(self, *, warned: bool = True) -> Timeline:
        pieces = self.pieces()
        self.attainment(pieces)
        segments: list[Segment] = []
        key: tuple[Any, ...] | None = None
        for position, piece in enumerate(pieces):
            if piece.last < self.start:
                continue
            verdict = piece.verdict
            assert verdict is not None  # noqa: S101 - every day of the range has a version (checked)
            now = (piece.period, _scores(verdict), piece.can_attain)
            if now == key:
                segments[-1] = attrs.evolve(segments[-1], end=piece.last)
                continue
            key = now
            period = self.periods[piece.period]
            ruleset = period.ruleset
            segment = Segment(
                start=piece.first,
                end=piece.last,
                qualified=verdict.qualified,
                path=verdict.path,
                score=verdict.score,
                can_attain=piece.can_attain,
                cause="start of the range" if not segments else self.cause(pieces, position),
                ruleset=RulesetRef(ruleset.id, ruleset.version, period.reason),
                paths={path_id: PathScore(result.score, result.qualified) for path_id, result in verdict.paths.items()},
                pass_line=ruleset.scoring.min_total_points,
                max_score=ruleset.scoring.total_points,
                evaluate=functools.partial(_verdict_on, period.partner, ruleset, period.reason, piece.first),
            )
            segments.append(segment)
        partner = self.periods[-1].partner
        return Timeline(
            partner_id=partner.partner_id,
            start=self.start,
            end=self.end,
            segments=tuple(segments),
            months_without_data=self.months_without_data(),
            warnings=self.warnings(pieces) if warned else (),
            evaluations=self.evaluations,
        )

    def attainment(self, pieces: list[_Piece]) -> None:
        """Set each piece's can_attain: the pass rule met on some day of the window before it.

        A day before the range whose customer data is missing (its month M, or
        the month M is compared with) is not taken to meet the pass rule: counted
        as 0, a missing earlier month would make a net gain of the whole of M.
        Its months are kept for the warnings.
        """
        last_met: datetime.date | None = None
        for piece in pieces:
            met = piece.verdict is not None and piece.verdict.qualified
            if piece.last < self.start and piece.period >= 0 and self.uses_months(self.periods[piece.period]):
                missing = self.months_needed(piece.period, piece.first) - self.present
                self.lookback_without_data |= missing
                met = met and not missing
            if met:
                piece.can_attain = True
                last_met = piece.last
                continue
            if piece.period < 0:
                continue
            scoring = self.periods[piece.period].ruleset.scoring
            if scoring.window_from is not None and piece.first < scoring.window_from:
                continue
            piece.can_attain = last_met is not None and last_met >= window_start(piece.first, scoring.window_months)

    def cause(self, pieces: list[_Piece], position: int) -> str:
        """What changed on the first day of ``pieces[position]``."""
        piece, before = pieces[position], pieces[position - 1]
        day = piece.first
        period = self.periods[piece.period]
        ruleset = period.ruleset
        causes = []
        if before.period != piece.period:
            causes.append(f"ruleset {ruleset} comes into force")
        if ruleset.scoring.window_from == day:
            causes.append(f"the {ruleset.scoring.window_months}-month attainment window applies from {day}")
        moved = _scores(piece.verdict) != _scores(before.verdict)  # else the data that moved changed nothing
        if moved and day.day == 1 and self.uses_months(period):
            data = ruleset.customer_data
            assert data is not None  # noqa: S101 - uses_months says so
            month = day_month(day) - data.reference_month_lag
            missing = [month_text(each) for each in (month, month - data.months_back) if each not in self.present]
            unsaid = f"; no usage rows for {' and '.join(missing)}, counted as 0" if missing else ""
            causes.append(
                f"month {month_text(month)} of customer data (against {month_text(month - data.months_back)}{unsaid})"
            )
        if moved:  # what a version counts changes too on its first day: what the certifications did is named beside
            events = self.certification_events(piece.period, day)
            same = before.period == piece.period
            gates, named = gate_causes(ruleset, before.verdict, piece.verdict, events) if same else ([], set())
            causes += gates
            causes += certification_causes([event for event in events if event not in named])
        if not piece.can_attain and before.can_attain and not (before.verdict and before.verdict.qualified):
            last_met = next(
                earlier.last for earlier in reversed(pieces[:position]) if earlier.verdict and earlier.verdict.qualified
            )
            causes.append(
                f"the {ruleset.scoring.window_months}-month attainment window no longer reaches {last_met}, "
                "the last day the pass rule was met"
            )
        return "; ".join(causes) or "the verdict changes"

    def certification_events(self, index: int, day: datetime.date) -> list[Event]:
        """The certification events of *day* under version *index* (:func:`.timeline_causes.certification_events`)."""
        return certification_events(self.levels[index], self.periods[index].ruleset, day)

    def months_needed(self, index: int, day: datetime.date) -> set[int]:
        """The months of customer data that ``periods[index]`` reads on *day*: its month M and the one compared."""
        data = self.periods[index].ruleset.customer_data
        assert data is not None  # noqa: S101 - only asked of a period whose customer data counts (uses_months)
        month = day_month(day) - data.reference_month_lag
        return {month, month - data.months_back}

    @functools.cached_property
    def present(self) -> frozenset[int]:
        """The months the partner's usage rows are in (every period has the partner's customers)."""
        customers = self.periods[-1].partner.customers if self.periods else None
        return frozenset(month_index(row.month) for customer in customers or () for row in customer.usage)

    def months_without_data(self) -> tuple[str, ...]:
        """The months the range needs (each day's month M and the one compared) that no usage row holds."""
        needed: set[int] = set()
        for index, period in enumerate(self.periods):
            first = max(period.first, self.start)
            if not self.uses_months(period) or first > period.last:
                continue
            for day in (first, *_month_starts(first, period.last)):
                needed |= self.months_needed(index, day)
        return tuple(month_text(month) for month in sorted(needed - self.present))

    def warnings(self, pieces: list[_Piece]) -> tuple[str, ...]:
        """What the evaluations on the first and the last day both warn of, naming no day; the months without data.

        A warning about a certification's dates names the day (or depends on it
        only one way: a retired certification, once past its date, stays past
        it), so what both ends give holds on every day of the range.
        """
        ends = [next(piece for piece in pieces if piece.last >= self.start), pieces[-1]]
        verdicts = [self.evaluate(ends[0].period, self.start), self.evaluate(ends[1].period, self.end)]
        last = set(verdicts[1].warnings)
        found = [
            warning
            for warning in verdicts[0].warnings
            if warning in last and str(self.start) not in warning and str(self.end) not in warning
        ]
        missing = self.months_without_data()
        if missing:
            found.append(
                f"$.customers: no usage rows for {_month_runs(missing)}; the customer metrics count those months as 0"
            )
        # Only while the range has not met the rule itself do the days before it decide 'can attain'
        before = tuple(month_text(month) for month in sorted(self.lookback_without_data))
        if before and not (ends[0].verdict and ends[0].verdict.qualified):
            found.append(
                f"$.customers: no usage rows for {_month_runs(before)}, which the days of the attainment window "
                f"before {self.start} need; such a day is not taken to meet the pass rule, so 'can attain' counts "
                "only the days before the range whose customer data is given"
            )
        return tuple(found)


def _verdict_on(partner: Partner, ruleset: Ruleset, reason: str, day: datetime.date, *, traced: bool = True) -> Verdict:
    return evaluate_with(attrs.evolve(partner, as_of=day), RulesetChoice(ruleset, reason), traced=traced)


def _measures(verdict: Verdict, ruleset: Ruleset, given: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The metrics of *verdict*, the given ones and those measured from customer data, as a partner gives them."""
    metrics = {path_id: dict(given.get(path_id, {})) for path_id in verdict.paths}
    for path_id, result in verdict.paths.items():
        for metric in result.metrics.values():
            if metric.derived:
                inputs = metric.inputs
                single = ruleset.metric(metric.metric).measure == "count"
                metrics[path_id][metric.metric] = inputs["value"] if single else dict(inputs)
    return metrics


def _scores(verdict: Verdict | None) -> tuple[Any, ...]:
    """What a segment keeps the same: the verdict and every path's score."""
    if verdict is None:
        return ()
    paths = tuple((path_id, result.score, result.qualified) for path_id, result in verdict.paths.items())
    return (verdict.qualified, verdict.path, paths)


def _month_runs(months: tuple[str, ...]) -> str:
    """Months as runs: ``2027-01 to 2027-10 (10 months), 2028-03``."""
    indexes = [month_index(month) for month in months]
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return ", ".join(
        month_text(first) if first == last else f"{month_text(first)} to {month_text(last)} ({last - first + 1} months)"
        for first, last in runs
    )
