"""Fixtures for every test layer.

Databases: with TEST_DATABASE_URL (PostgreSQL; CI sets it) each test database is a fresh
PostgreSQL database created and dropped here; without it, a SQLite file. Migrations run once
per service and session (see Databases).
Kafka: a real broker from tools/kafka, started once per session on free ports.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from gateway.identity import keys as signing_keys
from services.cases.server import DEFINITION as CASES
from services.fees.server import DEFINITION as FEES
from services.notification.server import DEFINITION as NOTIFICATION
from shared.clock import SYSTEM_CLOCK, Clock, ShiftedClock, session_info
from shared.db import make_engine, make_session_factory, migrate, transaction
from shared.runtime import RunningService, ServiceDefinition, run_seed
from shared.timeutil import utcnow
from tests.cases_hall import Hall, build_hall
from tests.identity import GATEWAY_DB, TEST_JWKS, TEST_KEY
from tests.support import free_port
from tools.kafka.broker import KafkaBroker, ensure_jars

REPO_ROOT = Path(__file__).resolve().parent.parent


class Databases:
    """Scratch databases for one test session: PostgreSQL when TEST_DATABASE_URL is set, else
    SQLite files. A service's database is migrated (and, for a started service, seeded) once
    per session into a template; every test gets a copy of it (CREATE DATABASE ... TEMPLATE
    on PostgreSQL, a file copy on SQLite), which costs a fraction of running the migrations."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.server_url = os.environ.get("TEST_DATABASE_URL", "")
        self.created: list[str] = []
        self.templates: dict[tuple[str, bool], str] = {}
        self.shared_engines: dict[tuple[str, bool], sa.Engine] = {}

    def make(self, name: str) -> str:
        """A new, empty database."""
        if not self.server_url:
            return f"sqlite:///{self.folder / f'{name}-{uuid.uuid4().hex[:6]}.db'}"
        return self._create(name, "")

    def copy_of_migrated(self, definition: ServiceDefinition[Any], *, seeded: bool = False) -> str:
        """A new database holding the service's schema at head (and its seed data if asked)."""
        template = self.templates.get((definition.name, seeded))
        if template is None:
            template = self.make(f"tpl_{definition.name}")
            migrate(template, definition.migrations_dir)
            if seeded:
                run_seed(definition, definition.settings_class(database_url=template))
            if not self.server_url:
                # Everything into the main file, so that a plain copy of it is the whole database.
                engine = sa.create_engine(template)
                with engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                engine.dispose()
            self.templates[(definition.name, seeded)] = template
        if not self.server_url:
            copy = self.folder / f"{definition.name}-{uuid.uuid4().hex[:6]}.db"
            shutil.copyfile(make_url(template).database or "", copy)
            return f"sqlite:///{copy}"
        return self._create(definition.name, make_url(template).database or "")

    def shared_engine(self, definition: ServiceDefinition[Any], *, seeded: bool) -> sa.Engine:
        """An engine on one migrated database per service that tests share by each working
        inside a transaction rolled back at its end (PostgreSQL only, see rolled_back)."""
        key = (definition.name, seeded)
        engine = self.shared_engines.get(key)
        if engine is None:
            engine = self.shared_engines[key] = make_engine(self.copy_of_migrated(definition, seeded=seeded))
        return engine

    def _create(self, name: str, template: str) -> str:
        database = f"sh_test_{name}_{uuid.uuid4().hex[:10]}"
        self._admin(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.created.append(database)
        return make_url(self.server_url).set(database=database).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        """Drop the scratch databases. A failure here is cleanup, not a test result: it is
        retried (an autovacuum worker may hold the database a moment), then reported."""
        for engine in self.shared_engines.values():
            engine.dispose()
        for database in self.created:
            for attempt in range(5):
                try:
                    self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                    break
                except sa.exc.DBAPIError as error:
                    if attempt == 4:
                        warnings.warn(f"could not drop test database {database}: {error.orig}", stacklevel=1)
                    time.sleep(0.5)
        self.created.clear()

    def _admin(self, statement: str) -> None:
        engine = sa.create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(sa.text(statement))
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    databases = Databases(tmp_path_factory.mktemp("databases"))
    yield databases
    databases.drop_all()


@pytest.fixture
def database_url(databases: Databases) -> Callable[[str], str]:
    """make(name) -> the URL of a new, empty database for one service."""
    return databases.make


@pytest.fixture
def migrated_database(databases: Databases) -> Callable[..., str]:
    """copy(definition, seeded=False) -> the URL of a new database already at the service's
    head revision (migrated once per session)."""
    return databases.copy_of_migrated


@pytest.fixture
def gateway_database_url(databases: Databases) -> str:
    """A gateway database at head whose signing key is the test key (tests/identity.py)."""
    url = databases.copy_of_migrated(GATEWAY_DB)  # type: ignore[arg-type]
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            signing_keys.install(session, TEST_KEY, utcnow())
    finally:
        engine.dispose()
    return url


@pytest.fixture
def clock() -> ShiftedClock:
    """The test's clock: the database fixtures below hand it to every session they make."""
    return ShiftedClock()


def service_sessions(
    request: pytest.FixtureRequest, databases: Databases, definition: ServiceDefinition[Any], clock: Clock
) -> Iterator[sessionmaker[Session]]:
    """Sessions of one service's database at head (with its seed data when the test is marked
    `seeded`), every change undone after the test.

    PostgreSQL: all sessions share one connection inside an outer transaction; the code's own
    transactions become SAVEPOINTs (join_transaction_mode="create_savepoint"), so a commit or
    a rollback in the code behaves as usual and the outer rollback leaves the shared database
    as it was. Code that needs two connections at once (threads racing, a second replica)
    cannot share one: such a test is marked `own_database` and gets a copy of its own.
    SQLite's driver does not nest transactions without changing how it begins them, so there
    every test gets a copy (a file copy of the migrated template)."""
    seeded = request.node.get_closest_marker("seeded") is not None
    if not databases.server_url or request.node.get_closest_marker("own_database") is not None:
        engine = make_engine(databases.copy_of_migrated(definition, seeded=seeded))
        yield make_session_factory(engine, clock)
        engine.dispose()
        return
    connection = databases.shared_engine(definition, seeded=seeded).connect()
    outer = connection.begin()
    yield sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False, info=session_info(clock)
    )
    outer.rollback()
    connection.close()


@pytest.fixture
def cases_db(
    request: pytest.FixtureRequest, databases: Databases, clock: ShiftedClock
) -> Iterator[sessionmaker[Session]]:
    """The cases service's database (see service_sessions)."""
    yield from service_sessions(request, databases, CASES, clock)


@pytest.fixture
def hall(cases_db: sessionmaker[Session]) -> Hall:
    """cases_db holding the small hand-made catalog of tests/cases_hall.py."""
    return build_hall(cases_db)


@pytest.fixture
def fees_db(
    request: pytest.FixtureRequest, databases: Databases, clock: ShiftedClock
) -> Iterator[sessionmaker[Session]]:
    """The fees service's database (see service_sessions)."""
    yield from service_sessions(request, databases, FEES, clock)


@pytest.fixture
def notification_db(
    request: pytest.FixtureRequest, databases: Databases, clock: ShiftedClock
) -> Iterator[sessionmaker[Session]]:
    """The notification service's database (see service_sessions)."""
    yield from service_sessions(request, databases, NOTIFICATION, clock)


@pytest.fixture(scope="session")
def kafka_libs() -> Path:
    return ensure_jars(REPO_ROOT)


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory, kafka_libs: Path) -> Iterator[KafkaBroker]:
    """One real broker for the session's integration and end-to-end tests."""
    data = tmp_path_factory.mktemp("kafka")
    broker = KafkaBroker(data / "data", free_port(), free_port(), kafka_libs, log_file=data / "kafka.out")
    broker.format()
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture
async def start_service(databases: Databases) -> AsyncIterator[Callable[..., Awaitable[RunningService[Any]]]]:
    """start(definition, kafka=None|bootstrap, clock=SYSTEM_CLOCK, **settings) -> a
    RunningService on port 0 with a migrated, seeded database of its own. Without kafka the
    events stay in the outbox."""
    started: list[RunningService[Any]] = []

    async def start(
        definition: ServiceDefinition[Any], *, kafka: str | None = None, clock: Clock = SYSTEM_CLOCK, **overrides: Any
    ) -> RunningService[Any]:
        url = databases.copy_of_migrated(definition, seeded=True)
        options = {
            "database_url": url,
            "grpc_port": 0,
            "metrics_port": 0,
            "kafka_bootstrap_servers": kafka or "",
            "outbox_poll_seconds": 0.05,
            "shutdown_grace_seconds": 1,
            "auth_jwks": TEST_JWKS,  # tokens of tests/identity.py
        }
        settings = definition.settings_class(**{**options, **overrides})
        service = RunningService(definition, settings, kafka=kafka is not None, clock=clock)
        await service.start()
        started.append(service)
        return service

    yield start
    for service in reversed(started):
        await service.stop()
