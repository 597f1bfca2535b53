"""Domain metrics of the cases service (labels are bounded: department and case kind)."""

from prometheus_client import Counter

CASES_SUBMITTED = Counter(
    "servicehall_cases_submitted_total", "Applications received", ["department", "case_kind"]
)
