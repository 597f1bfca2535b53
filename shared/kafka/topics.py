"""Topic names (contracts between services, like the protos) and their explicit creation.

Each service publishes to its own topic; every consumer group reads the topics it needs.
Auto-creation is off on the broker: a topic exists because a service created it at start-up.
"""

from __future__ import annotations

import logging

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

log = logging.getLogger(__name__)

CASES_EVENTS = "servicehall.cases.v1"
# The cases service's topics for one reader each: what that reader needs of the applicant
# (docs/security.md, Personal data). servicehall.cases.v1 carries no personal data.
APPLICANT_NOTICES = "servicehall.cases.applicant-notices.v1"  # notification: whom to tell, how
FEE_ASSESSMENTS = "servicehall.cases.fee-assessments.v1"  # fees: accepted cases, the payer's name
FEES_EVENTS = "servicehall.fees.v1"
ATTENDANCE_EVENTS = "servicehall.attendance.v1"
EVALUATION_EVENTS = "servicehall.evaluation.v1"
NOTIFICATION_EVENTS = "servicehall.notification.v1"


def dead_letter_topic(service_name: str) -> str:
    """Where a service's consumer puts what it could not decode or apply."""
    return f"servicehall.deadletter.{service_name}"


def ensure_topics(bootstrap_servers: str, topics: list[str], partitions: int, replication_factor: int) -> None:
    """Create the topics that do not exist yet; existing ones are left as they are."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="servicehall-admin")
    try:
        existing = set(admin.list_topics())
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        for topic in missing:
            try:
                admin.create_topics([NewTopic(topic, partitions, replication_factor)])
                log.info("created topic", extra={"topic": topic, "partitions": partitions})
            except TopicAlreadyExistsError:
                pass  # another replica won the race
    finally:
        admin.close()
