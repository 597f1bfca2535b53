"""Database access shared by every service: engine, sessions, migrations, outbox tables.

Each service owns its database and its models; what is common here is how an engine is
made (SQLite pragmas, tracing), the two tables of the event machinery (outbox, processed
events) and how Alembic is run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_random_exponential

from shared.clock import SYSTEM_CLOCK, Clock, session_info
from shared.errors import FailedPrecondition
from shared.masking import mask_free_text
from shared.timeutil import utcnow

T = TypeVar("T")

# Integer primary keys that autoincrement on SQLite and are 64-bit on PostgreSQL.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


# ("service", "table.column") of every column declared free text; tests check none is missing.
FREE_TEXT_COLUMNS: set[tuple[str, str]] = set()


def free_text(service: str, *attributes: Any) -> None:
    """Declare model attributes free text: whatever is set on them, by a constructor or an
    assignment, is masked at once (shared.masking.mask_free_text). Masking when the value is set,
    not when it is written, keeps the unmasked text out of the answer and the event that the
    same transaction builds from the row."""
    for attribute in attributes:
        (column,) = attribute.property.columns
        FREE_TEXT_COLUMNS.add((service, f"{column.table.name}.{column.name}"))
        event.listen(attribute, "set", _masked_on_set, retval=True)


def _masked_on_set(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    return mask_free_text(value) if isinstance(value, str) else value


def make_engine(url: str, **kwargs: Any) -> Engine:
    _instrument_sqlalchemy()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True, **kwargs)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the outbox relay read while a request writes; busy_timeout waits instead of
    # failing when two threads write at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _instrument_sqlalchemy() -> None:
    """Trace every engine made from now on (the instrumentor wraps create_engine once per
    process; instrumenting engine by engine would silently skip all but the first)."""
    instrumentor = SQLAlchemyInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(enable_commenter=False)


def make_session_factory(engine: Engine, clock: Clock = SYSTEM_CLOCK) -> sessionmaker[Session]:
    """Sessions of one service; each carries `clock` (shared.clock.now(session) reads it)."""
    return sessionmaker(engine, expire_on_commit=False, info=session_info(clock))


@contextmanager
def transaction(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back (and write nothing) on any error."""
    with session_factory() as session, session.begin():
        yield session


def table_of(model: type[Any]) -> sa.Table:
    """A mapped class's Table (typed: `Model.__table__` is only a FromClause to mypy)."""
    table = model.__table__
    assert isinstance(table, sa.Table)
    return table


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def upsert(session: Session, table: sa.Table) -> Any:
    """An INSERT that supports on_conflict_do_update, for the session's database.

    Counters and sequences are bumped with one upsert statement, never read-modify-write,
    so concurrent writers cannot lose an update."""
    return (postgresql.insert if is_postgresql(session) else sqlite.insert)(table)


class OutboxMessageMixin:
    """An event waiting to be published; written in the same transaction as the change."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    event_type: Mapped[str] = mapped_column(sa.String(200))
    topic: Mapped[str] = mapped_column(sa.String(200))
    partition_key: Mapped[str] = mapped_column(sa.String(200))
    # The serialized EventEnvelope, exactly as it will be published.
    envelope: Mapped[bytes] = mapped_column(sa.LargeBinary)
    # W3C trace context of the request that wrote the event, carried into the Kafka headers.
    trace_headers: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)


class ProcessedEventMixin:
    """An event this service has applied; its id makes a redelivery a no-op."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(200))
    event_type: Mapped[str] = mapped_column(sa.String(200))
    processed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


def create_event_tables(op: Any) -> None:
    """Called from every service's first migration: the outbox and processed-event tables."""
    op.create_table(
        "outbox_messages",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("partition_key", sa.String(200), nullable=False),
        sa.Column("envelope", sa.LargeBinary, nullable=False),
        sa.Column("trace_headers", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_outbox_messages_published_at", "outbox_messages", ["published_at"])
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )


def drop_event_tables(op: Any) -> None:
    op.drop_table("processed_events")
    op.drop_index("ix_outbox_messages_published_at", table_name="outbox_messages")
    op.drop_table("outbox_messages")


def make_append_only(op: Any, table: str) -> None:
    """History that cannot be rewritten: the database itself refuses UPDATE and DELETE on
    the table (a trigger on PostgreSQL and on SQLite). For migrations."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def drop_append_only(op: Any, table: str) -> None:
    """Undo make_append_only (before dropping the table or in a downgrade)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def migrate(database_url: str, migrations_dir: Path, revision: str = "head") -> None:
    """Upgrade a service's database with its own Alembic scripts (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    # Passed as an attribute, not an option: a password may contain '%'.
    config.attributes["database_url"] = database_url
    command.upgrade(config, revision)


def run_migrations_online(target_metadata: sa.MetaData) -> None:
    """The body of every service's migrations/env.py."""
    url = context.config.attributes.get("database_url")
    if not url:
        raise RuntimeError("run migrations through shared.db.migrate (the service's `migrate` command)")
    engine = sa.create_engine(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def _write_conflict(error: BaseException) -> bool:
    """A race another transaction won: a stale optimistic version, a serialization failure
    or deadlock, SQLite busy, or a unique key the winner wrote first."""
    if isinstance(error, (StaleDataError, IntegrityError)):
        return True
    if isinstance(error, OperationalError) and "locked" in str(error).lower():
        return True
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    return isinstance(error, DBAPIError) and code in ("40001", "40P01")


def run_in_transaction(session_factory: sessionmaker[Session], work: Callable[[Session], T], *, attempts: int = 5) -> T:
    """work(session) in one transaction: the only way the services write.

    Retried from the start when it loses a race (see _write_conflict), so the loser sees the
    winner's result instead of overwriting it or failing. A unique key still clashing after
    the last attempt is not a race any more: it answers FAILED_PRECONDITION."""

    @retry(
        retry=retry_if_exception(_write_conflict),
        stop=stop_after_attempt(attempts),
        wait=wait_random_exponential(multiplier=0.01, max=0.2),
        reraise=True,
    )
    def once() -> T:
        with transaction(session_factory) as session:
            return work(session)

    try:
        return once()
    except IntegrityError:
        raise FailedPrecondition("a concurrent change got there first; read again") from None


def read_only(session_factory: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """work(session) in a session that writes nothing (rolled back at the end)."""
    with session_factory() as session:
        return work(session)
