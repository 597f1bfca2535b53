"""What a service is made of, and how every service is run.

Each service declares a ServiceDefinition (its settings, models, servicers, topics, event
handlers, seed data); `python -m services.<name> serve|migrate|seed` runs it through here,
so start-up and shutdown behave the same in all five.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from prometheus_client import REGISTRY, start_http_server
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared.config import ServiceSettings
from shared.db import OutboxMessageMixin, ProcessedEventMixin, make_engine, make_session_factory, migrate, transaction
from shared.grpc_server import ObservedServer, Registration, create_server
from shared.kafka.consumer import EventConsumer, Handler
from shared.kafka.outbox import OutboxRelay
from shared.kafka.producer import make_producer
from shared.kafka.topics import dead_letter_topic, ensure_topics
from shared.logging import configure_logging
from shared.telemetry import setup_tracing, shutdown_tracing

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """The live resources of one service process, handed to its servicers."""

    settings: ServiceSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    relay: OutboxRelay | None = None

    def events_written(self) -> None:
        """Tell the relay a commit added outbox rows, so it publishes without waiting a poll."""
        if self.relay is not None:
            self.relay.wake()


@dataclass(frozen=True)
class Servicer:
    """One gRPC service a process serves: the generated add_*_to_server, the servicer class
    (built with the Runtime) and the full protobuf service name (for health and reflection)."""

    add_to_server: Callable[[Any, Any], None]
    servicer_class: Callable[[Runtime], Any]
    service_name: str


@dataclass(frozen=True)
class PeriodicJob:
    """Work a service does on a timer in a background thread (e.g. the supervision scan).
    interval(settings) in seconds; 0 switches the job off."""

    name: str
    run: Callable[[Runtime], Any]
    interval: Callable[[ServiceSettings], float]


class _JobThread:
    def __init__(self, job: PeriodicJob, runtime: Runtime, interval: float) -> None:
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


@dataclass
class ServiceDefinition:
    """What a service is, declared once in its server.py.

    `models` is the service's models module (it defines OutboxMessage and ProcessedEvent);
    `events` is its events module (PUBLISHES, CONSUMES, HANDLERS). Migrations live in the
    `migrations` folder beside the models."""

    name: str
    settings_class: type[ServiceSettings]
    models: ModuleType
    events: ModuleType
    servicers: list[Servicer]
    seed: Callable[[Session], int] | None = None
    # Prometheus collectors that read the service's database at scrape time.
    collectors: Callable[[Runtime], list[Any]] = lambda runtime: []
    jobs: list[PeriodicJob] = field(default_factory=list)

    @property
    def migrations_dir(self) -> Path:
        return Path(self.models.__file__).parent / "migrations"

    @property
    def outbox_model(self) -> type[OutboxMessageMixin]:
        return self.models.OutboxMessage

    @property
    def processed_model(self) -> type[ProcessedEventMixin]:
        return self.models.ProcessedEvent

    @property
    def publishes(self) -> list[str]:
        return list(self.events.PUBLISHES)

    @property
    def consumes(self) -> list[str]:
        return list(self.events.CONSUMES)

    @property
    def handlers(self) -> dict[str, Handler]:
        return dict(self.events.HANDLERS)

    def create_server(self, settings: ServiceSettings) -> tuple[ObservedServer, int]:
        """A server not yet started, bound to settings.grpc_port (0 = any free port)."""
        return build_server(self, build_runtime(self, settings))


def build_runtime(definition: ServiceDefinition, settings: ServiceSettings) -> Runtime:
    engine = make_engine(settings.resolved_database_url())
    return Runtime(settings=settings, engine=engine, session_factory=make_session_factory(engine))


def build_server(definition: ServiceDefinition, runtime: Runtime) -> tuple[ObservedServer, int]:
    registrations = [
        Registration(s.add_to_server, s.servicer_class(runtime), s.service_name) for s in definition.servicers
    ]
    return create_server(runtime.settings, registrations)


class RunningService:
    """A started service: gRPC server, outbox relay, consumer. Used by `serve` and by tests."""

    def __init__(self, definition: ServiceDefinition, settings: ServiceSettings, *, kafka: bool = True) -> None:
        self.definition = definition
        self.settings = settings
        self.kafka = kafka
        self.runtime = build_runtime(definition, settings)
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
            producer_factory = lambda: make_producer(settings.kafka_bootstrap_servers, f"servicehall-{definition.name}")  # noqa: E731
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
                    topics=definition.consumes,
                    handlers=definition.handlers,
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


async def serve(definition: ServiceDefinition, settings: ServiceSettings) -> None:
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


def run_seed(definition: ServiceDefinition, settings: ServiceSettings) -> int:
    if definition.seed is None:
        return 0
    runtime = build_runtime(definition, settings)
    try:
        with transaction(runtime.session_factory) as session:
            return definition.seed(session)
    finally:
        runtime.engine.dispose()


def main(definition: ServiceDefinition, argv: list[str] | None = None) -> None:
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
