"""Sign-in, tokens, accounts, department systems and the audit log, over HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from gateway.schemas.base import FILLED_LINE_PATTERN, LINE_PATTERN, Strict

StaffId = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
DepartmentCode = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[A-Z0-9_-]+$")]
Role = Literal[
    "window_staff", "chief_representative", "manager", "cashier", "approver", "efficiency_office", "administrator"
]
Password = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=LINE_PATTERN)]
Scope = Annotated[
    str, StringConstraints(min_length=3, max_length=160, pattern=r"^servicehall\.[A-Za-z0-9_.]+/(\*|[A-Za-z]+)$")
]


class SignIn(Strict):
    staff_id: StaffId
    password: Password
    otp_code: Annotated[str, StringConstraints(max_length=10, pattern=r"^[0-9]*$")] = ""


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="seconds")


class StaffTokenOut(TokenOut):
    staff_id: str
    department_code: str
    roles: list[str]


class PasswordChange(Strict):
    current_password: Password
    new_password: Password


class AccountIn(Strict):
    staff_id: StaffId
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=FILLED_LINE_PATTERN)]
    department_code: DepartmentCode
    roles: Annotated[list[Role], Field(min_length=1, max_length=7)]
    password: Password


class AccountPatch(Strict):
    roles: Annotated[list[Role], Field(min_length=1, max_length=7)] | None = None
    department_code: DepartmentCode | None = None
    disabled: bool | None = None


class PasswordReset(Strict):
    password: Password


class AccountOut(BaseModel):
    staff_id: str
    display_name: str
    department_code: str
    roles: list[str]
    disabled: bool
    second_factor: bool = Field(description="TOTP enrolled")
    # Shown once, when a secret is made: what the staff member's authenticator app scans.
    totp_provisioning_uri: str = ""


class AccountChangeOut(BaseModel):
    at: datetime
    actor: str
    action: str
    subject: str
    details: dict[str, object]


class ClientIn(Strict):
    client_id: StaffId
    name: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=FILLED_LINE_PATTERN)]
    departments: Annotated[list[DepartmentCode], Field(min_length=1, max_length=20)]
    roles: Annotated[list[Role], Field(default_factory=list, max_length=7)]
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=100)]


class ClientOut(BaseModel):
    client_id: str
    name: str
    departments: list[str]
    roles: list[str]
    scopes: list[str]
    # Shown once: store it in the department system's secret store.
    client_secret: str = ""


class KeyRotated(BaseModel):
    kid: str


class AuditEntryOut(BaseModel):
    at: datetime
    actor: str
    roles: list[str]
    department_code: str
    method: str
    route: str
    case_number: str
    status_code: int
    client_address: str
    trace_id: str


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]
    # Pass as `before` for the next (older) page; 0 when there is none.
    next_before: int
