from pydantic import Field

from shared.config import ServiceSettings


class NotificationSettings(ServiceSettings):
    service_name: str = "notification"
    grpc_port: int = Field(50055, ge=0, le=65535)
    metrics_port: int = Field(9105, ge=0, le=65535)
