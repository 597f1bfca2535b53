from prometheus_client import Counter

PUNCHES_RECORDED = Counter("servicehall_attendance_punches_total", "Fingerprint punches recorded", ["department"])
