from pydantic import Field

from shared.config import ServiceSettings


class AttendanceSettings(ServiceSettings):
    service_name: str = "attendance"
    grpc_port: int = Field(50053, ge=0, le=65535)
    metrics_port: int = Field(9103, ge=0, le=65535)
    # A terminal's clock may run ahead a little; more than this is refused.
    max_clock_skew_seconds: int = Field(300, ge=0)
    # The hall's departments: a punch's department is a metric label only when it is one of
    # these, else "other" (made-up codes must not mint time series).
    departments: frozenset[str] = frozenset(
        {"AIC", "STAX", "LTAX", "LAND", "TRANS", "PSB", "QTS", "FIN", "HCB", "PLAN", "ZY"}
    )
