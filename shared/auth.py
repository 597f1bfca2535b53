"""Who is calling: staff (id, department, roles) or an applicant (case number + query code).

The identity travels as gRPC metadata, set by the gateway from the HTTP headers of the same
names (X-Staff-Id, ...) or by a department system. Authenticating those headers (SSO, mTLS)
happens in front of the platform; the services trust them and enforce what each caller may
do, so a rule holds whichever way a request comes in.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field

import grpc

from shared.errors import PermissionDenied

STAFF_ID = "x-staff-id"
DEPARTMENT = "x-department"
ROLES = "x-roles"  # comma-separated
QUERY_CODE = "x-query-code"
METADATA_KEYS = (STAFF_ID, DEPARTMENT, ROLES, QUERY_CODE)

# 窗口工作人员, 首席代表, 中心管理人员, 收费员, 审批人 (waivers, refunds, extensions), 县效能办
KNOWN_ROLES = frozenset({"window_staff", "chief_representative", "manager", "cashier", "approver", "efficiency_office"})


@dataclass(frozen=True)
class Caller:
    staff_id: str = ""
    department_code: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    query_code: str = ""

    @property
    def is_staff(self) -> bool:
        return bool(self.staff_id)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def require_role(self, *roles: str) -> None:
        if not self.is_staff or not self.has_role(*roles):
            raise PermissionDenied(f"this needs one of the roles: {', '.join(roles)}")

    def require_department(self, department_code: str) -> None:
        """Staff act on their own department's matters; managers on every department's."""
        if not self.is_staff:
            raise PermissionDenied("staff only")
        if self.has_role("manager", "efficiency_office"):
            return
        if self.department_code != department_code:
            raise PermissionDenied("staff act only on their own department's cases")


def caller_from_metadata(metadata: Iterable[tuple[str, str | bytes]] | None) -> Caller:
    values: dict[str, str] = {}
    for key, value in metadata or ():
        if key in METADATA_KEYS:
            values[key] = value.decode() if isinstance(value, bytes) else value
    roles = frozenset(r.strip() for r in values.get(ROLES, "").split(",") if r.strip() in KNOWN_ROLES)
    return Caller(
        staff_id=values.get(STAFF_ID, "").strip()[:40],
        department_code=values.get(DEPARTMENT, "").strip()[:20],
        roles=roles,
        query_code=values.get(QUERY_CODE, "").strip()[:12],
    )


def caller_of(context: grpc.aio.ServicerContext) -> Caller:
    """Who is calling a servicer method (every service's servicers read it this way)."""
    return caller_from_metadata(context.invocation_metadata())


def query_code_digest(case_number: str, query_code: str) -> str:
    """What other services keep instead of the query code itself (sha256 of both)."""
    return hashlib.sha256(f"{case_number}:{query_code}".encode()).hexdigest()


def query_code_matches(case_number: str, query_code: str, digest: str) -> bool:
    return bool(query_code) and hmac.compare_digest(query_code_digest(case_number, query_code), digest)
