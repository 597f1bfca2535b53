"""Events over Kafka: envelope, topics, producer, transactional outbox relay, consumer."""
