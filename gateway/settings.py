from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    # Larger request bodies are refused with 413 before they are read.
    max_body_bytes: int = Field(64 * 1024, gt=0)
    otel_exporter_otlp_endpoint: str = ""
    log_level: str = "INFO"
