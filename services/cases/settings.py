from pydantic import Field

from shared.config import ServiceSettings


class CasesSettings(ServiceSettings):
    service_name: str = "cases"
    grpc_port: int = Field(50051, ge=0, le=65535)
    metrics_port: int = Field(9101, ge=0, le=65535)
    # Prefix of case numbers when an item has no department prefix (the center's own items).
    center_prefix: str = "ZY"
    # Electronic supervision: warn when this many working days or fewer are left.
    supervision_warning_days: int = Field(1, ge=0, le=10)
    # How often each replica scans (seconds; 0 = only on RunSupervisionScan). Safe with
    # several replicas: each level is raised once per case by a unique key.
    supervision_scan_seconds: float = Field(300, ge=0)
