"""Domain metrics of the cases service. Labels are bounded: department, case kind, status,
supervision level; never a case number or a person. Counters move only after a commit."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session

from services.cases import clock, lifecycle
from services.cases.models import Case
from services.cases.settings import CasesSettings
from shared.runtime import Runtime
from shared.timeutil import as_utc, shanghai_day

CASES_SUBMITTED = Counter("servicehall_cases_submitted_total", "Applications received", ["department", "case_kind"])
CASE_TRANSITIONS = Counter(
    "servicehall_case_transitions_total",
    "Cases entering a state (accepted, concluded, ...)",
    ["department", "case_kind", "status"],
)
PROCESSING_DAYS = Histogram(
    "servicehall_case_processing_working_days",
    "Working days from acceptance to conclusion",
    ["department"],
    buckets=(0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60),
)
PROCESSING_SECONDS = Histogram(
    "servicehall_case_processing_seconds",
    "Seconds from receipt to conclusion",
    ["department"],
    buckets=(60, 600, 1800, 3600, 4 * 3600, 86400, 3 * 86400, 7 * 86400, 15 * 86400, 30 * 86400, 60 * 86400),
)


@dataclass(frozen=True)
class Outcome:
    department: str
    case_kind: str
    status: str
    seconds: float | None = None
    working_days: int | None = None

    def record(self) -> None:
        CASE_TRANSITIONS.labels(self.department, self.case_kind, self.status).inc()
        if self.seconds is not None:
            PROCESSING_SECONDS.labels(self.department).observe(self.seconds)
        if self.working_days is not None:
            PROCESSING_DAYS.labels(self.department).observe(self.working_days)


def outcomes(session: Session, case: Case) -> list[Outcome]:
    """The moves this transaction made, to be recorded after it commits."""
    result: list[Outcome] = []
    # lifecycle.move notes each move in session.info; taken here so that each is counted once.
    for case_id, status in session.info.pop("transitions", []):
        row = case if case_id == case.id else session.get(Case, case_id)
        if row is None:
            continue
        ended = row.concluded_at if status in (lifecycle.CONCLUDED, lifecycle.DENIED) else None
        result.append(
            Outcome(
                row.department_code,
                row.case_kind,
                status,
                seconds=(as_utc(ended) - as_utc(row.submitted_at)).total_seconds() if ended is not None else None,
                working_days=clock.working_days_used(row, shanghai_day(ended)) if ended is not None else None,
            )
        )
    return result


class CaseStateCollector(Collector):
    """Open cases by supervision level and the on-site completion rate, from the database."""

    def __init__(self, runtime: Runtime[CasesSettings]) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[GaugeMetricFamily]:
        open_cases = GaugeMetricFamily(
            "servicehall_cases_open", "Open cases by supervision level", labels=["department", "supervision_level"]
        )
        on_site = GaugeMetricFamily(
            "servicehall_instant_cases_on_site_ratio",
            "Share of concluded instant cases concluded on the day they were received",
            labels=["department"],
        )
        with self.runtime.session_factory() as session:
            rows = session.execute(
                sa.select(Case.department_code, Case.supervision_level, sa.func.count())
                .where(Case.status.in_(sorted(lifecycle.OPEN)))
                .group_by(Case.department_code, Case.supervision_level)
            )
            for department, level, count in rows:
                open_cases.add_metric([department, level], count)
            concluded = session.execute(
                sa.select(Case.department_code, Case.submitted_at, Case.concluded_at).where(
                    Case.case_kind == "instant", Case.status == lifecycle.CONCLUDED
                )
            ).all()
        total: Tally[str] = Tally()
        same_day: Tally[str] = Tally()
        for department, submitted, ended in concluded:
            total[department] += 1
            same_day[department] += shanghai_day(submitted) == shanghai_day(ended)
        for department in sorted(total):
            on_site.add_metric([department], same_day[department] / total[department])
        yield open_cases
        yield on_site


def collectors(runtime: Runtime[CasesSettings]) -> list[Collector]:
    return [CaseStateCollector(runtime)]
