from pydantic import Field

from shared.config import ServiceSettings


class EvaluationSettings(ServiceSettings):
    service_name: str = "evaluation"
    grpc_port: int = Field(50054, ge=0, le=65535)
    metrics_port: int = Field(9104, ge=0, le=65535)
