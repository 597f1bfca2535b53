"""Who is calling: staff, a department system, or an applicant (case number + query code).

The services never take an identity on trust: the interceptor of shared/grpc_server.py
verifies the caller's signed token (shared/identity.py) and puts the resulting `Caller`
in a context variable for the call; `caller_of(context)` reads it. Only the applicant's
query code travels as plain metadata (`x-query-code`), and the cases service checks it,
with a lockout, against the case. What each caller may do is decided in the use cases.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
from dataclasses import dataclass, field

import grpc

from shared.errors import PermissionDenied

AUTHORIZATION = "authorization"  # "Bearer <token>"
QUERY_CODE = "x-query-code"
# Where the gateway saw the request come from, for the audit log; a claim, not a proof.
CLIENT_ADDRESS = "x-client-address"

# 窗口工作人员, 首席代表, 中心管理人员, 收费员, 审批人 (waivers, refunds, extensions), 县效能办,
# and the administrator of accounts (the gateway's; no service grants it anything).
KNOWN_ROLES = frozenset(
    {"window_staff", "chief_representative", "manager", "cashier", "approver", "efficiency_office", "administrator"}
)
# Who reads every department's matters (and decides none of them for being so).
OVERSIGHT_ROLES = ("manager", "efficiency_office")


@dataclass(frozen=True)
class Caller:
    staff_id: str = ""  # the actor: a staff id, or client:<id> for a department system
    department_code: str = ""  # a staff member's department (the first, for a system)
    roles: frozenset[str] = field(default_factory=frozenset)
    query_code: str = ""
    kind: str = ""  # staff | system | anonymous (default: staff when staff_id is set)
    departments: frozenset[str] = field(default_factory=frozenset)
    client_address: str = ""

    def __post_init__(self) -> None:
        # One department given either way fills the other, so tests and tokens read alike.
        departments = self.departments | ({self.department_code} if self.department_code else set())
        object.__setattr__(self, "departments", frozenset(departments))
        if not self.department_code and departments:
            object.__setattr__(self, "department_code", sorted(departments)[0])
        if not self.kind:
            object.__setattr__(self, "kind", "staff" if self.staff_id else "anonymous")

    @property
    def is_staff(self) -> bool:
        """Acts for the hall: a signed-in staff member or a department system."""
        return self.kind in ("staff", "system") and bool(self.staff_id)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def acts_for(self, department_code: str) -> bool:
        return department_code in self.departments

    def require_role(self, *roles: str) -> None:
        if not self.is_staff or not self.has_role(*roles):
            raise PermissionDenied(f"this needs one of the roles: {', '.join(roles)}")

    def require_department(self, department_code: str) -> None:
        """Staff act on their own department's matters; managers on every department's."""
        if not self.is_staff:
            raise PermissionDenied("staff only")
        if self.has_role(*OVERSIGHT_ROLES):
            return
        if not self.acts_for(department_code):
            raise PermissionDenied("staff act only on their own department's cases")


ANONYMOUS = Caller()
_current: contextvars.ContextVar[Caller] = contextvars.ContextVar("servicehall_caller", default=ANONYMOUS)


def set_current_caller(caller: Caller) -> contextvars.Token[Caller]:
    return _current.set(caller)


def reset_current_caller(token: contextvars.Token[Caller]) -> None:
    _current.reset(token)


def current_caller() -> Caller:
    return _current.get()


def caller_of(context: grpc.aio.ServicerContext) -> Caller:
    """Who is calling a servicer method, as the interceptor verified it (every service's
    servicers read it this way; without the interceptor it is anonymous)."""
    return _current.get()


def metadata_value(metadata: object, key: str) -> str:
    for item_key, value in metadata or ():  # type: ignore[attr-defined]
        if item_key == key:
            return value.decode() if isinstance(value, bytes) else str(value)
    return ""


def query_code_digest(case_number: str, query_code: str) -> str:
    """What other services keep instead of the query code itself (sha256 of both)."""
    return hashlib.sha256(f"{case_number}:{query_code}".encode()).hexdigest()


def query_code_matches(case_number: str, query_code: str, digest: str) -> bool:
    return bool(query_code) and hmac.compare_digest(query_code_digest(case_number, query_code), digest)
