"""`make migration service=NAME msg="..."`: a new Alembic revision of one service.

Alembic's autogenerate compares the service's models with a database at head. That database
is a scratch SQLite file migrated here, so no server is needed; the revision is numbered
after the service's last one (0001, 0002, ...) and written to its migrations/versions/.
Read the result before committing it: autogenerate cannot see renames, and a change that
needs PostgreSQL-only DDL (triggers, functions) is written by hand (see shared.db)."""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from shared.db import migrate
from shared.runtime import ServiceDefinition


def definition_of(service: str) -> ServiceDefinition[Any]:
    module = importlib.import_module(f"services.{service}.server")
    definition = module.DEFINITION
    assert isinstance(definition, ServiceDefinition)
    return definition


def next_revision_id(config: Config) -> str:
    heads = ScriptDirectory.from_config(config).get_heads()
    numbers = [int(head) for head in heads if head.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def migrations_dir_of(name: str) -> Path:
    """A service's migrations, or the gateway's (its accounts, keys, idempotency records)."""
    if name == "gateway":
        return Path(__file__).resolve().parent.parent / "gateway" / "migrations"
    return definition_of(name).migrations_dir


def new_revision(service: str, message: str) -> Path:
    migrations_dir = migrations_dir_of(service)
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'head.db'}"
        migrate(url, migrations_dir)
        config = Config()
        config.set_main_option("script_location", str(migrations_dir))
        config.attributes["database_url"] = url
        # Alembic names the file <rev>_<slug>.py, like the hand-written ones: 0004_what_changes.py.
        script = command.revision(config, message=message, autogenerate=True, rev_id=next_revision_id(config))
        assert script is not None and not isinstance(script, list)
        return Path(script.path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools.migration", description=__doc__.splitlines()[0])
    parser.add_argument("service", help="cases, fees, attendance, evaluation, notification or gateway")
    parser.add_argument("message", help="what the revision changes")
    options = parser.parse_args(argv)
    print(new_revision(options.service, options.message))
    return 0


if __name__ == "__main__":
    sys.exit(main())
