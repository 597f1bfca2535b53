from pydantic import Field

from shared.config import ServiceSettings


class AttendanceSettings(ServiceSettings):
    service_name: str = "attendance"
    grpc_port: int = Field(50053, ge=0, le=65535)
    metrics_port: int = Field(9103, ge=0, le=65535)
    # A terminal's clock may run ahead a little; more than this is refused.
    max_clock_skew_seconds: int = Field(300, ge=0)
