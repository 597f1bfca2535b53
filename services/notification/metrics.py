from prometheus_client import Counter

NOTICES_CREATED = Counter("servicehall_notices_created_total", "Notices made for applicants", ["channel"])
NOTICES_DELIVERED = Counter(
    "servicehall_notices_delivered_total",
    "Delivery attempts by outcome: sent, retrying (failed, will be tried again), failed (given up)",
    ["channel", "outcome"],
)
