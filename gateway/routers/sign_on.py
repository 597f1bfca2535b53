"""Single sign-on (OpenID Connect, authorization code with PKCE) when OIDC_ISSUER is set:
the browser is sent to the issuer, comes back with a code, and leaves with a staff token
whose roles and department come from the issuer's mapped claims (gateway/identity/oidc.py).
What must survive between the two requests (state, nonce, PKCE verifier) is kept in the
gateway's database, once: a replayed callback finds nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.orm import Session

from gateway.dependencies import TokenService
from gateway.errors import problem
from gateway.identity.accounts import StaffProfile, aware_utc
from gateway.identity.oidc import IssuerUnavailable, OidcSignOn, PendingSignOn, SignOnRefused
from gateway.models import PendingSignOn as PendingRow
from gateway.routing import GatewayRoute
from gateway.schemas.identity import StaffTokenOut
from shared.timeutil import utcnow

router = APIRouter(prefix="/api/v1/auth/oidc", tags=["sign-in"], route_class=GatewayRoute)
PENDING_FOR = timedelta(minutes=10)


def sign_on_of(request: Request) -> OidcSignOn | None:
    sign_on: OidcSignOn | None = getattr(request.app.state, "sign_on", None)
    return sign_on


@router.get(
    "/login",
    status_code=302,
    response_model=None,
    responses={302: {"description": "to the OpenID provider (404 when single sign-on is off)"}},
)
async def login(request: Request, tokens: TokenService) -> RedirectResponse | JSONResponse:
    sign_on = sign_on_of(request)
    if sign_on is None:
        return problem(404, "single sign-on is not configured (OIDC_ISSUER)")
    url, pending = await sign_on.begin()

    def keep(session: Session) -> None:
        session.execute(sa.delete(PendingRow).where(PendingRow.created_at < utcnow() - PENDING_FOR))
        session.add(
            PendingRow(
                state=pending.state,
                nonce=pending.nonce,
                code_verifier=pending.code_verifier,
                redirect_uri=pending.redirect_uri,
                created_at=utcnow(),
            )
        )

    await tokens.write(keep)
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


@router.get("/callback", response_model=StaffTokenOut)
async def callback(
    request: Request,
    tokens: TokenService,
    code: Annotated[str, Query(min_length=1, max_length=2048, pattern=r"^[\x21-\x7e]+$")],
    state: Annotated[str, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")],
) -> StaffTokenOut | JSONResponse:
    sign_on = sign_on_of(request)
    if sign_on is None:
        return problem(404, "single sign-on is not configured (OIDC_ISSUER)")

    def take(session: Session) -> PendingSignOn | None:
        row = session.get(PendingRow, state, with_for_update=True)
        if row is None:
            return None
        session.delete(row)  # once: a replayed callback finds nothing
        if aware_utc(row.created_at) < utcnow() - PENDING_FOR:
            return None
        return PendingSignOn(
            state=row.state, nonce=row.nonce, code_verifier=row.code_verifier, redirect_uri=row.redirect_uri
        )

    pending = await tokens.write(take)
    if pending is None:
        return problem(401, "this sign-on is unknown or expired; start again")
    try:
        profile = await sign_on.finish(pending, code=code, state=state)
    except IssuerUnavailable:
        return problem(503, "the sign-on provider does not answer; try again", headers={"Retry-After": "5"})
    except SignOnRefused as refused:
        return problem(401, f"the sign-on was refused: {refused}")
    staff = StaffProfile(profile.staff_id, profile.department_code, profile.roles, ("oidc",))
    token, ttl = await tokens.for_staff(staff)
    return StaffTokenOut(
        access_token=token,
        expires_in=ttl,
        staff_id=staff.staff_id,
        department_code=staff.department_code,
        roles=sorted(staff.roles),
    )
