from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.config import default_sqlite_url


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    http_host: str = "127.0.0.1"
    http_port: int = Field(8080, ge=0, le=65535)
    cases_addr: str = "127.0.0.1:50051"
    fees_addr: str = "127.0.0.1:50052"
    attendance_addr: str = "127.0.0.1:50053"
    evaluation_addr: str = "127.0.0.1:50054"
    notification_addr: str = "127.0.0.1:50055"
    # Deadline of every gRPC call the gateway makes.
    grpc_timeout_seconds: float = Field(5.0, gt=0)
    # Deadline of each service's health check behind /readyz (a probe must answer quickly).
    readiness_timeout_seconds: float = Field(1.0, gt=0)
    # Larger request bodies are refused with 413 before they are read.
    max_body_bytes: int = Field(64 * 1024, gt=0)
    otel_exporter_otlp_endpoint: str = ""
    log_level: str = "INFO"

    # The gateway's own database: accounts, clients, signing keys, idempotency, audit.
    gateway_database_url: str = ""
    auth_issuer: str = "servicehall"
    staff_token_seconds: int = Field(15 * 60, gt=0, le=3600)
    system_token_seconds: int = Field(10 * 60, gt=0, le=3600)
    # A retired key stays published this long after its last token could have been signed.
    key_retire_grace_seconds: int = Field(3600, ge=0)
    # Sign-in: after this many wrong attempts the login name is locked, 30 s doubling to 15 min.
    sign_in_failures_before_lock: int = Field(5, ge=1)
    # Single sign-on: the OIDC_* variables, read by gateway.identity.oidc.OidcSettings.

    # Idempotency-Key records (docs/security.md#idempotency): kept this long; a request still
    # in flight after in_flight seconds is taken to be abandoned (its replica died).
    idempotency_ttl_seconds: int = Field(24 * 3600, gt=0)
    idempotency_in_flight_seconds: float = Field(60.0, gt=0)

    # Rate limits per client (docs/security.md#limits): requests per window, in memory per replica.
    rate_limits_enabled: bool = True
    rate_limit_window_seconds: float = Field(60.0, gt=0)
    # Per client and route; generous, since the hall's kiosks and Wi-Fi share one address.
    rate_limit_requests: int = Field(300, ge=1)
    # Per client: sign-in and /oauth/token (the per-login lockout comes on top).
    rate_limit_sign_in_requests: int = Field(20, ge=1)
    # Per client, over every request with X-Query-Code (the per-case lockout comes on top).
    rate_limit_query_code_requests: int = Field(30, ge=1)
    # Clients tracked at most; the least recently seen is forgotten first.
    rate_limit_max_clients: int = Field(10_000, ge=1)

    def resolved_database_url(self) -> str:
        return self.gateway_database_url or default_sqlite_url("gateway")
