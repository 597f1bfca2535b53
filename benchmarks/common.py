"""What every benchmark shares: sample statistics, Markdown tables, free ports, a time limit."""

from __future__ import annotations

import math
import socket
from dataclasses import dataclass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted, non-empty list (p in 0..100)."""
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Summary:
    """min/median/p95/p99/max of a sample of durations (seconds)."""

    count: int
    minimum: float
    median: float
    p95: float
    p99: float
    maximum: float

    @classmethod
    def of(cls, samples: list[float]) -> Summary:
        if not samples:
            nan = float("nan")
            return cls(0, nan, nan, nan, nan, nan)
        ordered = sorted(samples)
        return cls(
            len(ordered),
            ordered[0],
            percentile(ordered, 50),
            percentile(ordered, 95),
            percentile(ordered, 99),
            ordered[-1],
        )

    def cells(self, unit: float = 1e3, digits: int = 1) -> list[str]:
        """min, median, p95, p99, max scaled by unit (1e3: ms, 1e6: µs)."""
        values = (self.minimum, self.median, self.p95, self.p99, self.maximum)
        return ["–" if math.isnan(v) else f"{v * unit:.{digits}f}" for v in values]


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" if i == 0 else "---:" for i in range(len(header))) + " |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
