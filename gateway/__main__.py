"""`python -m gateway`: serve the HTTP gateway with uvicorn."""

import uvicorn

from gateway.app import create_app
from gateway.settings import GatewaySettings
from shared.logging import configure_logging
from shared.telemetry import setup_tracing

settings = GatewaySettings()
configure_logging("gateway", settings.log_level)
setup_tracing("gateway", settings.otel_exporter_otlp_endpoint)
uvicorn.run(
    create_app(settings),
    host=settings.http_host,
    port=settings.http_port,
    log_config=None,  # keep our JSON logging
    timeout_graceful_shutdown=10,
)
