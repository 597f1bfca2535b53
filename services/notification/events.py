"""Events the notification service writes: none yet (delivery outcomes may follow)."""

from __future__ import annotations

PUBLISHES: list[str] = []
