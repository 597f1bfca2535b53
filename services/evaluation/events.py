"""Events the evaluation service writes: none yet (appraisals and bulletins will publish)."""

from __future__ import annotations

PUBLISHES: list[str] = []
