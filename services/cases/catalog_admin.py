"""The operator's command for the item catalog:

    python -m services.cases.catalog_admin FILE

imports a catalog file (YAML; the rules are in services.cases.catalog) into the database of
the environment's settings (DATABASE_URL), in one transaction: an invalid file writes nothing
and every problem is printed with its field.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.cases.catalog import import_catalog
from services.cases.settings import CasesSettings
from shared.db import make_engine, make_session_factory, run_in_transaction
from shared.errors import DomainError


def main(argv: list[str] | None = None) -> int:
    """python -m services.cases.catalog_admin FILE: import a catalog file (settings from the env)."""
    parser = argparse.ArgumentParser(prog="services.cases.catalog_admin", description="Import an item catalog (YAML).")
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    engine = make_engine(CasesSettings().resolved_database_url())
    try:
        written = run_in_transaction(make_session_factory(engine), lambda session: import_catalog(session, args.file))
    except DomainError as error:
        print(f"{error}", file=sys.stderr)
        for violation in error.violations:
            print(f"  {violation.field}: {violation.description}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"{written} row(s) written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
