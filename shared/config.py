"""Settings read from environment variables (pydantic-settings).

Settings objects are built by the entry points and passed down; nothing reads the
environment at import time, so tests construct settings directly.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"


def default_sqlite_url(service_name: str) -> str:
    """The embedded default: one SQLite file per service under the git-ignored data folder."""
    return f"sqlite:///{DATA_DIR / f'{service_name}.db'}"


class ServiceSettings(BaseSettings):
    """What every gRPC service needs. Each service subclasses it to set its defaults."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = Field("service", description="Short name: cases, fees, ...")
    grpc_host: str = Field("127.0.0.1", description="Interface the gRPC server binds")
    grpc_port: int = Field(0, ge=0, le=65535, description="0 picks a free port (tests)")
    metrics_port: int = Field(0, ge=0, le=65535, description="Prometheus /metrics; 0 = off")
    database_url: str = Field("", description="SQLAlchemy URL; empty = SQLite under data/")
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092")
    kafka_topic_partitions: int = Field(3, ge=1)
    kafka_replication_factor: int = Field(1, ge=1)
    outbox_poll_seconds: float = Field(0.2, gt=0, description="Relay poll interval")
    otel_exporter_otlp_endpoint: str = Field("", description="OTLP gRPC endpoint; empty = no export")
    log_level: str = Field("INFO")
    shutdown_grace_seconds: float = Field(10.0, ge=0, description="In-flight calls get this long on SIGTERM")
    auth_issuer: str = Field("servicehall", description="The `iss` every token must carry")
    auth_jwks_url: str = Field("", description="The gateway's JWKS (/.well-known/jwks.json)")
    auth_jwks: str = Field("", description="A JWKS given inline instead of the URL (tests, make up)")
    grpc_reflection: bool = Field(False, description="Server reflection (describes the API to anyone)")

    def resolved_database_url(self) -> str:
        return self.database_url or default_sqlite_url(self.service_name)
