"""Proto <-> domain for the evaluation service: the only place messages are built or read."""

from __future__ import annotations

from servicehall.evaluation.v1 import evaluation_pb2
from services.evaluation.models import WindowDailyThroughput


def throughput_message(row: WindowDailyThroughput) -> evaluation_pb2.WindowThroughput:
    return evaluation_pb2.WindowThroughput(
        department_code=row.department_code,
        window_code=row.window_code,
        day=row.day.isoformat(),
        cases_received=row.cases_received,
    )
