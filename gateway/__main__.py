"""`python -m gateway [serve|migrate|seed-demo]`: serve the HTTP gateway with uvicorn, migrate
its database, or add the demo accounts `make up` prints."""

import argparse
from pathlib import Path

import uvicorn

from gateway.app import create_app
from gateway.demo import seed_demo_accounts
from gateway.identity.oidc import OidcSettings
from gateway.settings import GatewaySettings
from shared.db import migrate
from shared.logging import configure_logging
from shared.telemetry import setup_tracing

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

parser = argparse.ArgumentParser(prog="gateway")
parser.add_argument("command", nargs="?", default="serve", choices=["serve", "migrate", "seed-demo"])
command = parser.parse_args().command
settings = GatewaySettings()
configure_logging("gateway", settings.log_level)
if command == "migrate":
    migrate(settings.resolved_database_url(), MIGRATIONS)
elif command == "seed-demo":
    for line in seed_demo_accounts(settings):
        print(line)
else:
    setup_tracing("gateway", settings.otel_exporter_otlp_endpoint)
    uvicorn.run(
        create_app(settings, OidcSettings()),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,  # keep our JSON logging
        timeout_graceful_shutdown=10,
    )
