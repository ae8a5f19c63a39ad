"""The goals of issue 12 and 16, judged side by side for stock and patched copier.

Why one table: the goals are only comparable when they come from one run
under one load, and the patch column shows how much of a miss is copier's
per-file cost rather than ours. A bench is not a test: a miss is reported,
never raised.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# A measured figure, or the sentence that says why there is none.
Figure = float | str


@dataclass(frozen=True)
class Goal:
    """One line of the report: what is compared, its upper bound, and the unit."""

    label: str
    limit: float | None  # None: reported for comparison, no goal
    unit: str = "x"  # "x" for a ratio, "s" for seconds


@dataclass
class GoalRow:
    """A goal and what each copier variant measured for it."""

    goal: Goal
    measured: dict[str, Figure] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # the same ratio in CPU seconds


def verdict(value: Figure, limit: float | None) -> str:
    """PASS or MISS against an upper bound; ``-`` without a goal or a figure."""
    if limit is None or isinstance(value, str):
        return "-"
    return "PASS" if value <= limit else "MISS"


def show(value: Figure, unit: str) -> str:
    """A figure as the table shows it: ``1.23x``, ``0.41 s`` or the reason it is missing."""
    if isinstance(value, str):
        return value
    return f"{value:.2f}x" if unit == "x" else f"{value:.2f} s"


def format_table(rows: Iterable[Sequence[str]], header: Sequence[str]) -> str:
    """A Markdown table, readable in a terminal and pasteable into docs/benchmarks.md."""
    table = [list(header), *[list(row) for row in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = [
        "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"
        for row in table
    ]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)


def goals_table(rows: Sequence[GoalRow], variants: Sequence[str]) -> str:
    """Goal, then measured and verdict for each variant, one line per goal.

    The verdict judges wall time, what users wait for; the CPU ratio beside it
    hardly moves when other jobs share the machine, so it shows the noise.
    """
    header = ["goal", "limit"]
    for variant in variants:
        header += [variant, "verdict"]
    body = []
    for row in rows:
        limit = "-" if row.goal.limit is None else f"≤ {show(row.goal.limit, row.goal.unit)}"
        line = [row.goal.label, limit]
        for variant in variants:
            value = row.measured.get(variant, "not timed")
            shown = show(value, row.goal.unit)
            if variant in row.cpu:
                shown += f" (CPU {show(row.cpu[variant], row.goal.unit)})"
            line += [shown, verdict(value, row.goal.limit)]
        body.append(line)
    return format_table(body, header)


def medians_table(medians: Mapping[str, Mapping[str, float]], variants: Sequence[str]) -> str:
    """Median wall seconds of every timed case, one column per variant."""
    names = list(dict.fromkeys(name for per in medians.values() for name in per))
    body = [
        [name, *(f"{medians[v][name]:.2f} s" if name in medians[v] else "-" for v in variants)]
        for name in names
    ]
    return format_table(body, ["case (median wall time)", *variants])


def save_json(path: Path, data: object) -> None:
    """Keep the raw samples, so a surprising median can be looked into later."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


def peers_table(rows: Sequence[tuple[str, Mapping[str, Figure], Mapping[str, float]]]) -> str:
    """Ours and each peer template: copy and update over trivial, side by side (wall, CPU)."""
    body = []
    for name, wall, cpu in rows:
        cells = [name]
        for kind in ("copy", "update"):
            shown = show(wall[kind], "x")
            if kind in cpu:
                shown += f" (CPU {show(cpu[kind], 'x')})"
            cells.append(shown)
        body.append(cells)
    return format_table(body, ["template", "copy over trivial", "update over trivial"])
