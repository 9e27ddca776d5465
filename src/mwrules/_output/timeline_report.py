"""Timelines as people read them: a table of segments, a chart per month, and a plot for reports."""

from __future__ import annotations

import datetime
import re
import sys
import warnings
from pathlib import Path

from .. import codes
from .._tools.timeline import Timeline
from ..errors import InputError, Problem
from ..verdict import format_points


#: The width of the monthly chart's bars, in characters, for the most points a path can score
CHART_WIDTH = 50
#: The plot formats --plot writes, by file suffix
PLOT_FORMATS = (".png", ".svg")


def timeline_to_text(timeline: Timeline, *, unicode: bool = True) -> str:
    """*timeline* as a table of its segments and a bar chart of the best path's score per month."""
    days = (timeline.end - timeline.start).days + 1
    qualified = sum(segment.days for segment in timeline.segments if segment.qualified)
    lines = [
        f"{timeline.partner_id}, {timeline.start} to {timeline.end}: meets the pass rule on {qualified} of "
        f"{days} days; {_attainable(timeline)}.",
        "",
    ]
    header = ("from", "to", "days", "ruleset", "path", "score", "qualified", "can attain", "cause")
    rows = [
        (
            str(segment.start),
            str(segment.end),
            str(segment.days),
            segment.ruleset.version,
            segment.path,
            format_points(segment.score),
            "yes" if segment.qualified else "no",
            "yes" if segment.can_attain else "no",
            segment.cause,
        )
        for segment in timeline.segments
    ]
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header) - 1)]
    right = {2, 5}  # numbers
    for row in (header, *rows):
        cells = [
            cell.rjust(width) if column in right else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines += ["", *_chart(timeline, unicode=unicode)]
    if timeline.warnings:
        lines += ["", "Warnings:"] + [f"  {warning}" for warning in timeline.warnings]
    return "\n".join(lines)


def _attainable(timeline: Timeline) -> str:
    """When a partner that is not enrolled can attain the designation, in words."""
    spans = [segment for segment in timeline.segments if segment.can_attain]
    if not spans:
        return "it cannot attain the designation on any day (not enrolled)"
    if len(spans) == len(timeline.segments):
        return "it can attain the designation on every day (not enrolled)"
    runs: list[list[datetime.date]] = []
    for segment in spans:
        if runs and segment.start == runs[-1][1] + datetime.timedelta(days=1):
            runs[-1][1] = segment.end
        else:
            runs.append([segment.start, segment.end])
    text = ", ".join(f"{first} to {last}" for first, last in runs)
    return f"it can attain the designation (not enrolled) from {text}"


def _chart(timeline: Timeline, *, unicode: bool) -> list[str]:
    full, part, line, empty = ("█", "░", "│", " ") if unicode else ("#", "-", "|", " ")
    months = timeline.months()
    if not months:
        return []
    most = max(month.max_score for month in months)
    scale = CHART_WIDTH / most

    def at(points: object) -> int:
        return round(float(points) * scale)  # type: ignore[arg-type]

    lines = [f"Best path's score per month ({full} lowest, {part} up to the highest; {line} the pass line):"]
    # A ruler: 0, the pass line of the first month, and the most points
    first = months[0]
    ruler = [" "] * (CHART_WIDTH + 1)
    ruler[at(first.pass_line)] = line
    label = format_points(first.pass_line)
    start = max(0, at(first.pass_line) - len(label))
    ruler[start : start + len(label)] = label
    ruler[0] = "0"
    most_label = format_points(most)
    ruler[CHART_WIDTH + 1 - len(most_label) :] = most_label
    lines.append(f"{'':7}  {''.join(ruler)}")
    for month in months:
        low, high, mark = at(month.lowest), at(month.highest), at(month.pass_line)
        bar = [full] * low + [part] * (high - low) + [empty] * (CHART_WIDTH - high)
        if mark < len(bar) and bar[mark] == empty:
            bar[mark] = line
        elif mark >= len(bar):
            bar.append(line)
        score = format_points(month.lowest)
        if month.highest != month.lowest:
            score += f"-{format_points(month.highest)}"
        if month.qualified_days == month.days:
            state = "qualified"
        elif month.qualified_days:
            state = f"qualified {month.qualified_days} of {month.days} days"
        else:
            state = "can attain" if month.can_attain else "-"
        lines.append(f"{month.month}  {''.join(bar)}  {score:>11}  {state}")
    return lines


def plot(timeline: Timeline, target: str | Path) -> Path:
    """Draw the best path's score over the range against the pass line, into a PNG or SVG file.

    Needs matplotlib (``pip install 'mwrules[plot]'``).

    Raises:
        InputError: *target* is not a .png or .svg file name, or matplotlib is missing.
    """
    path = Path(target)
    if path.is_dir():  # '.' has no name to read a format from ("cannot tell the format of ''")
        problem = Problem(
            "--plot",
            f"{str(target)!r} is a folder, and --plot names the file to draw",
            f"name a file in it, e.g. {path / 'timeline.png'}",
            code=codes.INVALID_VALUE,
        )
        raise InputError([problem], what="--plot")
    if path.suffix.lower() not in PLOT_FORMATS:
        raise InputError(
            [
                Problem(
                    "--plot",
                    f"cannot tell the format of {path.name!r}",
                    f"name the file {path.stem}.png or {path.stem}.svg",
                    code=codes.INVALID_VALUE,
                )
            ],
            what="--plot",
        )
    try:
        # An optional extra, imported only to plot; a Figure of its own, not pyplot: pyplot's
        # machinery for windows costs a quarter of a second to import, and a file needs none of it
        import matplotlib.dates as mdates  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError:
        raise InputError(
            [Problem("--plot", "plotting needs matplotlib", "pip install 'mwrules[plot]'", code=codes.INVALID_VALUE)],
            what="--plot",
        ) from None
    days, scores, lines, attain = [], [], [], []
    for segment in timeline.segments:
        for day in (segment.start, segment.end + datetime.timedelta(days=1)):
            days.append(day)
            scores.append(float(segment.score))
            lines.append(float(segment.pass_line))
            attain.append(segment.can_attain)
    x = mdates.date2num(days)  # type: ignore[no-untyped-call]  # matplotlib.dates is not annotated
    figure = Figure(figsize=(10, 4), layout="constrained")
    axes = figure.subplots()
    axes.step(x, scores, where="post", label="best path's score", color="#1f6feb", linewidth=2)
    axes.step(x, lines, where="post", label="pass line", color="#d1242f", linestyle="--", linewidth=1)
    top = max(float(segment.max_score) for segment in timeline.segments)
    axes.fill_between(x, 0, top, where=attain, step="post", color="#2da44e", alpha=0.12, label="can attain")
    axes.set_ylim(0, top)
    axes.set_xlim(float(x[0]), float(x[-1]))
    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]  # as above
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.set_ylabel("points")
    # As written: between two $ matplotlib reads math ('Cash$ $olutions' was a ParseException)
    axes.set_title(f"{timeline.partner_id}: {timeline.start} to {timeline.end}", parse_math=False)
    axes.legend(loc="lower left")
    axes.grid(axis="y", alpha=0.3)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            figure.savefig(path)
    except OSError as error:
        problem = Problem("--plot", f"cannot write {str(path)!r}: {error.strerror or error}", code=codes.UNREADABLE)
        raise InputError([problem], what="--plot") from None
    _say_missing_glyphs(caught)
    return path


#: matplotlib's words for a character its font cannot draw (a box is drawn instead)
_MISSING_GLYPH = re.compile(r"Glyph (\d+) .*missing from")


def _say_missing_glyphs(caught: list[warnings.WarningMessage]) -> None:
    """Say in one line which characters of the plot's text (an emoji, CJK in a partner id) are drawn as boxes.

    matplotlib warns once a character, as a Python warning that shows a line
    of mwrules' source; other warnings go on as they came.
    """
    missing: dict[str, None] = {}
    for warning in caught:
        found = _MISSING_GLYPH.search(str(warning.message))
        if found:
            missing[chr(int(found[1]))] = None
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    if missing:
        shown = ", ".join(repr(character) for character in missing)
        sys.stderr.write(f"warning: --plot: the font has no glyph for {shown}: drawn as boxes\n")
