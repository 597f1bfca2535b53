"""Local single-node Apache Kafka broker (KRaft) from Maven Central jars.

See :mod:`tools.kafka.broker`; ``python -m tools.kafka start|stop|status``.
"""

from tools.kafka.broker import KafkaBroker, ensure_jars

__all__ = ["KafkaBroker", "ensure_jars"]
