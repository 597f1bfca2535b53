"""Fee standards in force, read from the database at scrape time (amount metrics come with
collection: payments and receipts)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from services.fees import domain
from shared.service import Runtime
from shared.timeutil import shanghai_day, utcnow


class FeeStandardsCollector(Collector):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "servicehall_fee_standards_in_force", "Fee standards in force today", labels=["department", "fee_type"]
        )
        with self.runtime.session_factory() as session:
            standards = domain.standards_in_force(session, on=shanghai_day(utcnow()))
        for (department, fee_type), count in sorted(Counter((s.department_code, s.fee_type) for s in standards).items()):
            family.add_metric([department, fee_type], count)
        yield family


def collectors(runtime: Runtime) -> list[Collector]:
    return [FeeStandardsCollector(runtime)]
