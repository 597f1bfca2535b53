"""Window throughput as a Prometheus counter read from the database at scrape time, so it
survives restarts and agrees with the gRPC API."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from services.evaluation import throughput
from services.evaluation.settings import EvaluationSettings
from shared.runtime import Runtime


class WindowThroughputCollector(Collector):
    def __init__(self, runtime: Runtime[EvaluationSettings]) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "servicehall_window_cases_received",
            "Applications received per window (all time)",
            labels=["department", "window"],
        )
        with self.runtime.session_factory() as session:
            for department, window, count in throughput.totals_by_window(session):
                family.add_metric([department, window], count)
        yield family


def collectors(runtime: Runtime[EvaluationSettings]) -> list[Collector]:
    return [WindowThroughputCollector(runtime)]
