"""Administration of who may sign in (role administrator): accounts, department systems,
signing keys; and the audit logs, read by the efficiency office. Every change is recorded
in the append-only account_changes table by the use cases in gateway/identity/."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from gateway.audit import list_entries
from gateway.dependencies import SignedIn, TokenService
from gateway.errors import PROBLEM_JSON, PROBLEM_REF
from gateway.idempotency import IdempotencyKey
from gateway.identity import accounts, clients, keys
from gateway.identity.accounts import require_administrator
from gateway.models import Account, SystemClient
from gateway.routing import GatewayRoute
from gateway.schemas.base import LINE_PATTERN
from gateway.schemas.identity import (
    AccountChangeOut,
    AccountIn,
    AccountOut,
    AccountPatch,
    AuditEntryOut,
    AuditPage,
    ClientIn,
    ClientOut,
    KeyRotated,
    PasswordReset,
)
from shared.timeutil import shanghai_time, utcnow

router = APIRouter(prefix="/api/v1", tags=["administration"], route_class=GatewayRoute)
StaffIdPath = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]


def _account_out(account: Account, *, with_secret: bool = False) -> AccountOut:
    return AccountOut(
        staff_id=account.staff_id,
        display_name=account.display_name,
        department_code=account.department_code,
        roles=list(account.roles),
        disabled=account.disabled,
        second_factor=bool(account.totp_secret),
        totp_provisioning_uri=accounts.provisioning_uri(account) if with_secret and account.totp_secret else "",
    )


def _client_out(client: SystemClient, secret: str = "") -> ClientOut:
    return ClientOut(
        client_id=client.client_id,
        name=client.name,
        departments=list(client.departments),
        roles=list(client.roles),
        scopes=list(client.scopes),
        client_secret=secret,
    )


@router.get("/admin/accounts", response_model=list[AccountOut])
async def list_accounts(principal: SignedIn, tokens: TokenService) -> list[AccountOut]:
    found = await tokens.read(lambda session: accounts.list_accounts(session, principal.caller))
    return [_account_out(a) for a in found]


@router.post("/admin/accounts", status_code=status.HTTP_201_CREATED, response_model=AccountOut)
async def create_account(body: AccountIn, principal: SignedIn, tokens: TokenService) -> AccountOut:
    def work(session):  # type: ignore[no-untyped-def]
        account = accounts.create_account(
            session,
            principal.caller,
            utcnow(),
            staff_id=body.staff_id,
            display_name=body.display_name,
            department_code=body.department_code,
            roles=list(body.roles),
            password=body.password,
        )
        return _account_out(account, with_secret=True)

    return await tokens.write(work)


@router.patch("/admin/accounts/{staff_id}", response_model=AccountOut)
async def update_account(
    staff_id: StaffIdPath, body: AccountPatch, principal: SignedIn, tokens: TokenService
) -> AccountOut:
    def work(session):  # type: ignore[no-untyped-def]
        account = accounts.update_account(
            session,
            principal.caller,
            utcnow(),
            staff_id,
            roles=list(body.roles) if body.roles is not None else None,
            department_code=body.department_code,
            disabled=body.disabled,
        )
        return _account_out(account, with_secret=True)

    return await tokens.write(work)


@router.post("/admin/accounts/{staff_id}/password", status_code=204)
async def reset_password(staff_id: StaffIdPath, body: PasswordReset, principal: SignedIn, tokens: TokenService) -> None:
    await tokens.write(lambda s: accounts.reset_password(s, principal.caller, utcnow(), staff_id, body.password))


@router.post("/admin/accounts/{staff_id}/totp", response_model=AccountOut)
async def reenroll_totp(staff_id: StaffIdPath, principal: SignedIn, tokens: TokenService) -> AccountOut:
    return await tokens.write(
        lambda s: _account_out(accounts.reenroll_totp(s, principal.caller, utcnow(), staff_id), with_secret=True)
    )


@router.get("/admin/account-changes", response_model=list[AccountChangeOut])
async def account_changes(
    principal: SignedIn,
    tokens: TokenService,
    subject: Annotated[str, Query(max_length=60, pattern=LINE_PATTERN)] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AccountChangeOut]:
    found = await tokens.read(lambda s: accounts.list_changes(s, principal.caller, subject=subject, limit=limit))
    return [
        AccountChangeOut(at=shanghai_time(c.at), actor=c.actor, action=c.action, subject=c.subject, details=c.details)
        for c in found
    ]


@router.post("/admin/clients", status_code=status.HTTP_201_CREATED, response_model=ClientOut)
async def register_client(body: ClientIn, principal: SignedIn, tokens: TokenService) -> ClientOut:
    def work(session):  # type: ignore[no-untyped-def]
        client, secret = clients.register_client(
            session,
            principal.caller,
            utcnow(),
            client_id=body.client_id,
            name=body.name,
            departments=list(body.departments),
            roles=list(body.roles),
            scopes=list(body.scopes),
        )
        return _client_out(client, secret)

    return await tokens.write(work)


@router.post("/admin/clients/{client_id}/secret", response_model=ClientOut)
async def rotate_client_secret(client_id: StaffIdPath, principal: SignedIn, tokens: TokenService) -> ClientOut:
    def work(session):  # type: ignore[no-untyped-def]
        client, secret = clients.rotate_secret(session, principal.caller, utcnow(), client_id)
        return _client_out(client, secret)

    return await tokens.write(work)


@router.post(
    "/admin/signing-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=KeyRotated,
    # No body, but a missing or malformed Idempotency-Key is a 400 all the same.
    responses={400: {"description": "Bad request", "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}},
)
async def rotate_signing_key(principal: SignedIn, tokens: TokenService, _key: IdempotencyKey) -> KeyRotated:
    """A new key signs from now on; the old one stays published until its tokens expire."""

    def work(session):  # type: ignore[no-untyped-def]
        require_administrator(principal.caller)
        kid = keys.rotate(session, utcnow())
        accounts.record_change(session, principal.caller, "signing_key_rotated", f"key:{kid}", utcnow())
        return KeyRotated(kid=kid)

    return await tokens.write(work)


@router.get("/audit-entries", response_model=AuditPage)
async def audit_entries(
    principal: SignedIn,
    tokens: TokenService,
    actor: Annotated[str, Query(max_length=60, pattern=LINE_PATTERN)] = "",
    case_number: Annotated[str, Query(max_length=40, pattern=LINE_PATTERN)] = "",
    before: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    """Every request staff and department systems made through the gateway, newest first
    (efficiency office only)."""
    entries = await tokens.read(
        lambda s: list_entries(s, principal.caller, actor=actor, case_number=case_number, before=before, limit=limit)
    )
    return AuditPage(
        entries=[
            AuditEntryOut(
                at=shanghai_time(e.at),
                actor=e.actor,
                roles=list(e.roles),
                department_code=e.department_code,
                method=e.method,
                route=e.route,
                case_number=e.case_number,
                status_code=e.status_code,
                client_address=e.client_address,
                trace_id=e.trace_id,
            )
            for e in entries
        ],
        next_before=entries[-1].id if len(entries) == limit else 0,
    )
