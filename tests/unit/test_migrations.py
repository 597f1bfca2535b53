"""Each service's migrations build exactly what its models describe: Alembic's autogenerate
(what `make migration` runs) finds nothing to do on a database at head."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.identity import GATEWAY_DB

SERVICES = ["cases", "fees", "attendance", "evaluation", "notification", "gateway"]


@pytest.mark.parametrize("service", SERVICES)
def test_the_models_and_the_migrations_agree(migrated_database, service):
    if service == "gateway":  # the gateway's own database: accounts, keys, idempotency, audit
        definition, metadata = GATEWAY_DB, importlib.import_module("gateway.models").Base.metadata
    else:
        definition = importlib.import_module(f"services.{service}.server").DEFINITION
        metadata = importlib.import_module(f"services.{service}.models").Base.metadata
    engine = sa.create_engine(migrated_database(definition))
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    assert differences == [], f"{service}: models and migrations differ; run make migration"
