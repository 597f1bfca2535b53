"""The attendance service's Prometheus metrics."""

from __future__ import annotations

from prometheus_client import Counter

PUNCHES_RECORDED = Counter("servicehall_attendance_punches_total", "Fingerprint punches recorded", ["department"])
