"""What a service is made of, and how every service is run.

Each service declares a ServiceDefinition (its settings, event tables, servicers, topics,
event handlers, seed data) in its server.py; `python -m services.<name> serve|migrate|seed`
runs it through here, so start-up and shutdown behave the same in all five. Servicers get a
Runtime: typed settings, the clock, and the one way to read and write (`read`, `write`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from prometheus_client import REGISTRY, start_http_server
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import SYSTEM_CLOCK, Clock
from shared.config import ServiceSettings
from shared.db import (
    OutboxMessageMixin,
    ProcessedEventMixin,
    make_engine,
    make_session_factory,
    migrate,
    read_only,
    run_in_transaction,
    transaction,
)
from shared.grpc_server import ObservedServer, Registration, create_server
from shared.kafka.consumer import EventConsumer, Handler
from shared.kafka.outbox import OutboxRelay
from shared.kafka.producer import make_producer
from shared.kafka.topics import dead_letter_topic, ensure_topics
from shared.logging import configure_logging
from shared.telemetry import setup_tracing, shutdown_tracing

log = logging.getLogger(__name__)

SettingsT = TypeVar("SettingsT", bound=ServiceSettings)
T = TypeVar("T")


@dataclass
class Runtime(Generic[SettingsT]):
    """The live resources of one service process, handed to its servicers and jobs."""

    settings: SettingsT
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock = SYSTEM_CLOCK
    relay: OutboxRelay | None = None

    async def write(self, work: Callable[[Session], T]) -> T:
        """work(session) in a worker thread, in one transaction retried when it loses a race
        (shared.db.run_in_transaction); then the relay is woken for the events it wrote."""
        result = await asyncio.to_thread(run_in_transaction, self.session_factory, work)
        self.events_written()
        return result

    async def write_each(self, work: Callable[[sessionmaker[Session]], T]) -> T:
        """Work that commits in several transactions of its own (a scan over many cases, each
        case one unit, so that one case's conflict does not undo the others): a worker thread
        with the session factory, then the relay is woken. Each unit goes through
        shared.db.run_in_transaction."""
        result = await asyncio.to_thread(work, self.session_factory)
        self.events_written()
        return result

    async def read(self, work: Callable[[Session], T]) -> T:
        """work(session) in a worker thread, writing nothing."""
        return await asyncio.to_thread(read_only, self.session_factory, work)

    def events_written(self) -> None:
        """Tell the relay a commit added outbox rows, so it publishes without waiting a poll."""
        if self.relay is not None:
            self.relay.wake()


@dataclass(frozen=True)
class Servicer(Generic[SettingsT]):
    """One gRPC service a process serves: the generated add_*_to_server, the servicer class
    (built with the Runtime) and the full protobuf service name (for health and reflection)."""

    add_to_server: Callable[[Any, Any], None]
    servicer_class: Callable[[Runtime[SettingsT]], Any]
    service_name: str


@dataclass(frozen=True)
class PeriodicJob(Generic[SettingsT]):
    """Work a service does on a timer in a background thread (e.g. the supervision scan).
    interval(settings) in seconds; 0 switches the job off."""

    name: str
    run: Callable[[Runtime[SettingsT]], Any]
    interval: Callable[[SettingsT], float]


class _JobThread:
    def __init__(self, job: PeriodicJob[Any], runtime: Runtime[Any], interval: float) -> None:
        self.job, self.runtime, self.interval = job, runtime, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=job.name, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.job.run(self.runtime)
                self.runtime.events_written()
            except Exception:
                log.exception("periodic job failed; next run as scheduled", extra={"job": self.job.name})

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)


def _no_collectors(runtime: Runtime[Any]) -> list[Any]:
    return []


@dataclass(frozen=True)
class ServiceDefinition(Generic[SettingsT]):
    """What a service is, declared once in its server.py, each part typed.

    `publishes`: the topics its outbox writes to; `consumes`: topic -> its handlers, keyed by
    the payload's full protobuf name (the service's handlers.py). `outbox_model` and
    `processed_model` are its tables of the event machinery (shared.db mixins)."""

    name: str
    settings_class: type[SettingsT]
    migrations_dir: Path
    outbox_model: type[OutboxMessageMixin]
    processed_model: type[ProcessedEventMixin]
    servicers: Sequence[Servicer[SettingsT]]
    publishes: Sequence[str] = ()
    consumes: Sequence[str] = ()
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    seed: Callable[[Session], int] | None = None
    # Prometheus collectors that read the service's database at scrape time.
    collectors: Callable[[Runtime[SettingsT]], list[Any]] = _no_collectors
    jobs: Sequence[PeriodicJob[SettingsT]] = ()

    def create_server(self, settings: SettingsT) -> tuple[ObservedServer, int]:
        """A server not yet started, bound to settings.grpc_port (0 = any free port)."""
        return build_server(self, build_runtime(self, settings))


def build_runtime(
    definition: ServiceDefinition[SettingsT], settings: SettingsT, clock: Clock = SYSTEM_CLOCK
) -> Runtime[SettingsT]:
    engine = make_engine(settings.resolved_database_url())
    return Runtime(settings=settings, engine=engine, session_factory=make_session_factory(engine, clock), clock=clock)


def build_server(definition: ServiceDefinition[SettingsT], runtime: Runtime[SettingsT]) -> tuple[ObservedServer, int]:
    registrations = [
        Registration(s.add_to_server, s.servicer_class(runtime), s.service_name) for s in definition.servicers
    ]
    return create_server(runtime.settings, registrations)


class RunningService(Generic[SettingsT]):
    """A started service: gRPC server, outbox relay, consumer. Used by `serve` and by tests."""

    def __init__(
        self,
        definition: ServiceDefinition[SettingsT],
        settings: SettingsT,
        *,
        kafka: bool = True,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.definition = definition
        self.settings = settings
        self.kafka = kafka
        self.runtime = build_runtime(definition, settings, clock)
        self.server, self.port = build_server(definition, self.runtime)
        self.consumer: EventConsumer | None = None
        self._collectors: list[Any] = []
        self._jobs: list[_JobThread] = []

    async def start(self) -> None:
        settings, definition = self.settings, self.definition
        if self.kafka:
            topics = [*definition.publishes, *definition.consumes]
            if definition.consumes:
                topics.append(dead_letter_topic(definition.name))
            # Topics first: the broker does not auto-create them.
            await asyncio.to_thread(
                ensure_topics,
                settings.kafka_bootstrap_servers,
                topics,
                settings.kafka_topic_partitions,
                settings.kafka_replication_factor,
            )

            def producer_factory() -> Any:
                return make_producer(settings.kafka_bootstrap_servers, f"servicehall-{definition.name}")

            if definition.publishes:
                # Made now so that a producer that is not acks=all+idempotent stops the start.
                producer = await asyncio.to_thread(producer_factory)
                self.runtime.relay = OutboxRelay(
                    service_name=definition.name,
                    session_factory=self.runtime.session_factory,
                    model=definition.outbox_model,
                    producer_factory=producer_factory,
                    poll_seconds=settings.outbox_poll_seconds,
                    producer=producer,
                )
                self.runtime.relay.start()
            if definition.consumes:
                self.consumer = EventConsumer(
                    service_name=definition.name,
                    bootstrap_servers=settings.kafka_bootstrap_servers,
                    topics=list(definition.consumes),
                    handlers=dict(definition.handlers),
                    session_factory=self.runtime.session_factory,
                    processed_model=definition.processed_model,
                    producer_factory=producer_factory,
                )
                self.consumer.start()
        for collector in definition.collectors(self.runtime):
            REGISTRY.register(collector)
            self._collectors.append(collector)
        for job in definition.jobs:
            interval = job.interval(settings)
            if interval > 0:
                self._jobs.append(_JobThread(job, self.runtime, interval))
        await self.server.server.start()
        await self.server.set_serving(True)
        log.info("serving", extra={"grpc_port": self.port, "metrics_port": settings.metrics_port})

    async def stop(self) -> None:
        """Graceful: NOT_SERVING first (load balancers stop sending), in-flight calls finish,
        then the consumer stops and the relay publishes what is left and flushes."""
        await self.server.set_serving(False)
        await self.server.server.stop(self.settings.shutdown_grace_seconds)
        for job in self._jobs:
            await asyncio.to_thread(job.stop)
        if self.consumer is not None:
            await asyncio.to_thread(self.consumer.stop)
        if self.runtime.relay is not None:
            await asyncio.to_thread(self.runtime.relay.stop)
        for collector in self._collectors:
            REGISTRY.unregister(collector)
        self._collectors.clear()
        self.runtime.engine.dispose()


async def serve(definition: ServiceDefinition[SettingsT], settings: SettingsT) -> None:
    if settings.metrics_port:
        start_http_server(settings.metrics_port, addr=settings.grpc_host)
    service = RunningService(definition, settings)
    await service.start()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()
    log.info("shutting down")
    await service.stop()
    shutdown_tracing()


def run_seed(definition: ServiceDefinition[SettingsT], settings: SettingsT) -> int:
    if definition.seed is None:
        return 0
    runtime = build_runtime(definition, settings)
    try:
        with transaction(runtime.session_factory) as session:
            return definition.seed(session)
    finally:
        runtime.engine.dispose()


def main(definition: ServiceDefinition[Any], argv: list[str] | None = None) -> None:
    """`python -m services.<name> serve|migrate|seed`."""
    parser = argparse.ArgumentParser(prog=f"services.{definition.name}")
    parser.add_argument("command", choices=["serve", "migrate", "seed"])
    command = parser.parse_args(argv).command
    settings = definition.settings_class()  # read from the environment here, at the entry point
    configure_logging(definition.name, settings.log_level)
    if command == "migrate":
        migrate(settings.resolved_database_url(), definition.migrations_dir)
        log.info("database migrated")
    elif command == "seed":
        log.info("seeded", extra={"rows": run_seed(definition, settings)})
    else:
        setup_tracing(definition.name, settings.otel_exporter_otlp_endpoint)
        asyncio.run(serve(definition, settings))
