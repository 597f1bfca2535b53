from pydantic import Field

from shared.config import ServiceSettings


class FeesSettings(ServiceSettings):
    service_name: str = "fees"
    grpc_port: int = Field(50052, ge=0, le=65535)
    metrics_port: int = Field(9102, ge=0, le=65535)
