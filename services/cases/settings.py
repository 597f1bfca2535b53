from pydantic import Field

from shared.config import ServiceSettings


class CasesSettings(ServiceSettings):
    service_name: str = "cases"
    grpc_port: int = Field(50051, ge=0, le=65535)
    metrics_port: int = Field(9101, ge=0, le=65535)
    # Prefix of case numbers when an item has no department prefix (the center's own items).
    center_prefix: str = "ZY"
