"""The one way this project makes a Kafka producer: acks=all and idempotent, verified."""

from __future__ import annotations

from kafka import KafkaProducer


class UnsafeProducerConfig(RuntimeError):
    pass


def make_producer(bootstrap_servers: str, client_id: str) -> KafkaProducer:
    producer = KafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        # A broker that is down must not hold the outbox relay for a minute.
        max_block_ms=5000,
        request_timeout_ms=10000,
        delivery_timeout_ms=30000,
    )
    check_effective_config(producer)
    return producer


def check_effective_config(producer: KafkaProducer) -> None:
    """kafka-python silently downgrades idempotence in some cases; refuse to run then."""
    config = producer.config
    if config["acks"] not in (-1, "all") or not config["enable_idempotence"]:
        producer.close(timeout=1)
        raise UnsafeProducerConfig(
            f"producer is not acks=all+idempotent (acks={config['acks']}, idempotence={config['enable_idempotence']})"
        )
