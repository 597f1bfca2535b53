"""The local Kafka broker (tools/kafka) against a real client: topic creation,
idempotent produce with acks=all, consume, and a restart on the same data dir."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

from tests.support import free_port, read_topic
from tools.kafka.broker import KafkaBroker, ensure_jars, probe

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def libs_dir() -> Path:
    return ensure_jars(REPO_ROOT)


@pytest.fixture
def broker(tmp_path: Path, libs_dir: Path):
    b = KafkaBroker(tmp_path / "kafka", free_port(), free_port(), libs_dir, log_file=tmp_path / "kafka.out")
    yield b
    b.stop()


def test_produce_consume_and_restart(broker: KafkaBroker):
    broker.format()
    meta = (broker.log_dir / "meta.properties").read_text()
    assert "cluster.id=" in meta

    broker.start(timeout=90)
    assert broker.is_running() and broker.pid
    assert broker.bootstrap_servers == f"127.0.0.1:{broker.port}"
    info = probe("127.0.0.1", broker.port)
    assert info["brokers"] == [(1, "127.0.0.1", broker.port)]

    topic = "servicehall.test.events"
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap_servers, request_timeout_ms=30000)
    try:
        created = admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
        assert [(t["name"], t["error_code"], t["num_partitions"]) for t in created["topics"]] == [(topic, 0, 3)]
        described = admin.describe_topics([topic])
        assert len(described) == 1 and described[0]["error_code"] == 0
        assert sorted(p["partition_index"] for p in described[0]["partitions"]) == [0, 1, 2]
    finally:
        admin.close()

    producer = KafkaProducer(bootstrap_servers=broker.bootstrap_servers, acks="all", enable_idempotence=True)
    try:
        sent = producer.send(topic, key=b"case-42", value=b'{"event":"created"}').get(timeout=30)
        producer.flush()
    finally:
        producer.close()
    assert sent.topic == topic and sent.partition in (0, 1, 2) and sent.offset == 0

    def check(records):
        assert len(records) == 1, records
        rec = records[0]
        assert (rec.key, rec.value) == (b"case-42", b'{"event":"created"}')
        assert (rec.partition, rec.offset) == (sent.partition, sent.offset)

    check(read_topic(broker.bootstrap_servers, topic, expect=1))

    # auto.create.topics.enable=false: a consumer of an unknown topic must not create it
    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap_servers)
    try:
        assert topic in consumer.topics()
        end = consumer.end_offsets([TopicPartition(topic, sent.partition)])
        assert end[TopicPartition(topic, sent.partition)] == 1
    finally:
        consumer.close()

    first_pid = broker.pid
    broker.stop()
    assert not broker.is_running() and broker.pid is None
    broker.stop()  # idempotent
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", broker.port), timeout=2).close()

    # same data dir, same port: nothing is reformatted and the record is still there
    broker.format()
    assert (broker.log_dir / "meta.properties").read_text() == meta
    broker.start(timeout=90)
    assert broker.is_running() and broker.pid != first_pid
    check(read_topic(broker.bootstrap_servers, topic, expect=1))


def test_start_reports_a_broker_that_cannot_start(tmp_path: Path, libs_dir: Path):
    port, cport = free_port(), free_port()
    # a data dir that belongs to another node id: Kafka refuses to start and exits
    b = KafkaBroker(tmp_path / "kafka", port, cport, libs_dir, log_file=tmp_path / "kafka.out")
    b.format()
    meta = b.log_dir / "meta.properties"
    meta.write_text(meta.read_text().replace("node.id=1", "node.id=7"))
    try:
        with pytest.raises(RuntimeError, match=r"exited with code(?s:.*)Stored node id 7"):
            b.start(timeout=60)
        assert not b.is_running()
    finally:
        b.stop()


def test_start_refuses_a_busy_port(tmp_path: Path, libs_dir: Path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        b = KafkaBroker(tmp_path / "kafka", s.getsockname()[1], free_port(), libs_dir)
        with pytest.raises(RuntimeError, match="already in use"):
            b.start(timeout=30)
        assert not b.is_running()
