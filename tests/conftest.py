"""Fixtures for every test layer.

Databases: with TEST_DATABASE_URL (PostgreSQL; CI sets it) each test database is a fresh
PostgreSQL database created and dropped here; without it, a SQLite file in tmp_path.
Kafka: a real broker from tools/kafka, started once per session on free ports.
"""

from __future__ import annotations

import os
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.support import free_port
from tools.kafka.broker import KafkaBroker, ensure_jars

REPO_ROOT = Path(__file__).resolve().parent.parent

class Databases:
    """Fresh databases, one per service: PostgreSQL when TEST_DATABASE_URL is set, else SQLite."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.server_url = os.environ.get("TEST_DATABASE_URL", "")
        self.created: list[str] = []

    def make(self, name: str) -> str:
        if not self.server_url:
            return f"sqlite:///{self.folder / f'{name}-{uuid.uuid4().hex[:6]}.db'}"
        database = f"sh_test_{name}_{uuid.uuid4().hex[:10]}"
        self._admin(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        return make_url(self.server_url).set(database=database).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        """Drop the scratch databases. A failure here is cleanup, not a test result: it is
        retried (an autovacuum worker may hold the database a moment), then reported."""
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


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """make(name) -> the URL of a new, empty database for one service."""
    databases = Databases(tmp_path)
    yield databases.make
    databases.drop_all()


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
async def start_service(database_url: Callable[[str], str]):
    """start(definition, kafka=None|bootstrap) -> a RunningService on port 0 with a migrated,
    seeded database of its own. Without kafka the events stay in the outbox."""
    from shared.db import migrate
    from shared.runtime import RunningService, run_seed

    started: list[RunningService] = []

    async def start(definition, *, kafka: str | None = None, **overrides) -> RunningService:
        url = database_url(definition.name)
        migrate(url, definition.migrations_dir)
        options = {
            "database_url": url,
            "grpc_port": 0,
            "metrics_port": 0,
            "kafka_bootstrap_servers": kafka or "",
            "outbox_poll_seconds": 0.05,
            "shutdown_grace_seconds": 1,
        }
        settings = definition.settings_class(**{**options, **overrides})
        run_seed(definition, settings)
        service = RunningService(definition, settings, kafka=kafka is not None)
        await service.start()
        started.append(service)
        return service

    yield start
    for service in reversed(started):
        await service.stop()
