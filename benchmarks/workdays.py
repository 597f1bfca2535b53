"""3. The working-day calendar (pure CPU, in this process): building
WorkingDayCalendar.seeded(2004, 2029), and deadline() calls.

seeded() is memoised (an lru_cache on shared.workdays._seeded); the build is timed with the
cache cleared before each build. The first build of the process also imports
chinese_calendar and holidays and is reported on its own row.
deadline() is timed per call for several limits (working days) from start days spread over
2005-2027, without pauses and with two closed pauses; the calls/s column comes from a
separate untimed loop over the same inputs (no perf_counter around each call).
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta

from benchmarks.common import Summary, table

FIRST, LAST = 2004, 2029


@dataclass
class Row:
    name: str
    calls: int
    summary: Summary
    per_second: float


def _inputs(rng: random.Random, limit: int, pauses: bool, count: int) -> list[tuple[date, int, list]]:
    span = (date(2027, 12, 31) - date(2005, 1, 1)).days
    inputs = []
    for _ in range(count):
        start = date(2005, 1, 1) + timedelta(days=rng.randrange(span))
        chosen = []
        if pauses:
            first = start + timedelta(days=rng.randrange(1, 10))
            second = first + timedelta(days=rng.randrange(5, 20))
            chosen = [
                (first, first + timedelta(days=rng.randrange(0, 5))),
                (second, second + timedelta(days=rng.randrange(0, 10))),
            ]
        inputs.append((start, limit, chosen))
    return inputs


def run(*, builds: int = 10, calls: int = 5000) -> tuple[list[Row], list[Row]]:
    """(build rows, deadline rows)."""
    from shared import workdays  # noqa: PLC0415 (the first build's imports are part of what is measured)

    build_rows = []
    already = {"chinese_calendar", "holidays"} & set(sys.modules)
    workdays._seeded.cache_clear()
    started = time.perf_counter()
    calendar = workdays.WorkingDayCalendar.seeded(FIRST, LAST)
    first = time.perf_counter() - started
    build_rows.append(
        Row(
            "first build (imports chinese_calendar, holidays)" if not already else "first build",
            1,
            Summary.of([first]),
            1 / first,
        )
    )
    samples = []
    for _ in range(builds):
        workdays._seeded.cache_clear()
        started = time.perf_counter()
        calendar = workdays.WorkingDayCalendar.seeded(FIRST, LAST)
        samples.append(time.perf_counter() - started)
    build_rows.append(Row("rebuild (cache cleared)", builds, Summary.of(samples), builds / sum(samples)))
    started = time.perf_counter()
    for _ in range(calls):
        workdays.WorkingDayCalendar.seeded(FIRST, LAST)
    cached = time.perf_counter() - started
    build_rows.append(Row("seeded() again (memoised, lru_cache hit)", calls, Summary.of([]), calls / cached))

    rng = random.Random(20041)
    deadline_rows = []
    cases = [(f"limit {n}", n, False) for n in (0, 1, 5, 20, 60)] + [("limit 20, two closed pauses", 20, True)]
    for name, limit, pauses in cases:
        inputs = _inputs(rng, limit, pauses, calls)
        deadline = calendar.deadline
        for start, n, p in inputs[:200]:  # warm-up
            deadline(start, n, p)
        samples = []
        for start, n, p in inputs:
            t0 = time.perf_counter()
            deadline(start, n, p)
            samples.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for start, n, p in inputs:
            deadline(start, n, p)
        untimed = time.perf_counter() - t0
        deadline_rows.append(Row(name, calls, Summary.of(samples), calls / untimed))
    return build_rows, deadline_rows


def render(build_rows: list[Row], deadline_rows: list[Row]) -> str:
    builds = table(
        ["seeded(2004, 2029)", "builds", "min ms", "median ms", "p95 ms", "p99 ms", "max ms", "per s"],
        [[r.name, str(r.calls), *r.summary.cells(1e3, 2), f"{r.per_second:,.0f}"] for r in build_rows],
    )
    deadlines = table(
        ["deadline()", "calls", "min µs", "median µs", "p95 µs", "p99 µs", "max µs", "calls/s"],
        [[r.name, str(r.calls), *r.summary.cells(1e6, 1), f"{r.per_second:,.0f}"] for r in deadline_rows],
    )
    return builds + "\n\n" + deadlines
