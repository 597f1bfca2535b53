from prometheus_client import Counter

NOTICES_CREATED = Counter("servicehall_notices_created_total", "Notices made for applicants", ["channel"])
