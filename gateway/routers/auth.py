"""Sign-in and tokens: staff with local accounts (and TOTP), department systems with client
credentials (RFC 6749 §4.4), and the public keys the services verify tokens with."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from gateway.dependencies import SignedIn, TokenService
from gateway.errors import PROBLEM_JSON, PROBLEM_REF, problem
from gateway.identity import accounts, clients
from gateway.routing import GatewayRoute
from gateway.schemas.identity import PasswordChange, SignIn, StaffTokenOut
from gateway.settings import GatewaySettings
from shared.timeutil import utcnow

router = APIRouter(tags=["sign-in"], route_class=GatewayRoute)

OAUTH_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
}
_REFUSALS = {
    "wrong": (401, "the staff id, the password or the one-time code is wrong"),
    "otp_required": (401, "this account needs a one-time code (TOTP) as well"),
    "otp_not_enrolled": (403, "this account needs a second factor; an administrator enrols it"),
}


@router.post(
    "/api/v1/auth/sign-in",
    response_model=StaffTokenOut,
)
async def sign_in(body: SignIn, request: Request, tokens: TokenService) -> StaffTokenOut | JSONResponse:
    settings: GatewaySettings = request.app.state.settings
    outcome = await tokens.write(
        lambda session: accounts.sign_in(
            session,
            body.staff_id,
            body.password,
            body.otp_code,
            utcnow(),
            lock_after=settings.sign_in_failures_before_lock,
        )
    )
    if outcome.refusal == "locked":
        return problem(
            429,
            "too many failed sign-ins for this staff id; try again later",
            headers={"Retry-After": str(outcome.retry_after_seconds)},
        )
    if outcome.profile is None:
        status, detail = _REFUSALS[outcome.refusal]
        errors = [{"field": "otp_code", "message": "required"}] if outcome.refusal == "otp_required" else None
        return problem(status, detail, errors)
    token, ttl = await tokens.for_staff(outcome.profile)
    profile = outcome.profile
    return StaffTokenOut(
        access_token=token,
        expires_in=ttl,
        staff_id=profile.staff_id,
        department_code=profile.department_code,
        roles=sorted(profile.roles),
    )


@router.post("/api/v1/auth/password", status_code=204)
async def change_password(body: PasswordChange, principal: SignedIn, tokens: TokenService) -> None:
    await tokens.write(
        lambda session: accounts.change_own_password(
            session, principal.caller, utcnow(), body.current_password, body.new_password
        )
    )


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    # RFC 6749 §5.2: OAuth clients expect this shape, not a problem body.
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="servicehall"'
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


@router.post(
    "/oauth/token",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["grant_type"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["client_credentials"]},
                            "client_id": {"type": "string", "maxLength": 60},
                            "client_secret": {"type": "string", "maxLength": 200},
                        },
                    }
                }
            },
            "required": True,
        }
    },
    # RFC 6749 §5.2 fixes the shape of these errors: OAuth libraries read `error`, not a problem.
    responses={
        **{
            status: {"description": what, "content": {"application/json": {"schema": OAUTH_ERROR}}}
            for status, what in ((400, "invalid_request, unsupported_grant_type"), (401, "invalid_client"))
        },
        429: {"description": "Too many requests", "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}},
    },
)
async def issue_client_token(
    request: Request,
    tokens: TokenService,
    # Documented as bounded but checked here: an oversized header is an OAuth invalid_request,
    # not the gateway's validation problem, so OAuth clients read every refusal the same way.
    authorization: Annotated[
        str, Header(json_schema_extra={"maxLength": 1024}, description="Basic client_id:client_secret")
    ] = "",
) -> JSONResponse:
    """A department system's token (client credentials, secret in Basic auth or the form)."""
    if len(authorization) > 1024:
        return _oauth_error(400, "invalid_request", "the Authorization header is longer than 1024 characters")
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return _oauth_error(400, "invalid_request", "send application/x-www-form-urlencoded")
    body = await request.body()
    try:
        # RFC 6749 §3.2: unknown parameters are ignored; the body limit bounds how many there are.
        form = {key: values[0] for key, values in parse_qs(body.decode("utf-8", "strict")).items()}
    except (UnicodeDecodeError, ValueError):
        return _oauth_error(400, "invalid_request", "the form is not readable")
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "only client_credentials")
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return _oauth_error(401, "invalid_client", "unreadable Basic credentials")
    if not client_id or not secret or len(client_id) > 60 or len(secret) > 200:
        return _oauth_error(401, "invalid_client", "client authentication failed")
    client = await tokens.write(lambda session: clients.authenticate_client(session, client_id, secret, utcnow()))
    if client is None:
        return _oauth_error(401, "invalid_client", "client authentication failed")
    token, ttl = await tokens.for_system(client)
    return JSONResponse(
        {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "scope": " ".join(client.scopes)},
        headers={"Cache-Control": "no-store"},
    )


@router.get("/.well-known/jwks.json")
async def jwks(tokens: TokenService) -> JSONResponse:
    """The public signing keys. Services fetch them again on an unknown key id, so a short
    cache suffices and a rotation is seen within it."""
    return JSONResponse(await tokens.jwks(), headers={"Cache-Control": "public, max-age=60"})


@router.get("/.well-known/oauth-authorization-server")
async def authorization_server(request: Request) -> dict[str, object]:
    """RFC 8414 metadata, so a department system's OAuth library finds the token endpoint."""
    settings: GatewaySettings = request.app.state.settings
    base = str(request.base_url).rstrip("/")
    return {
        "issuer": settings.auth_issuer,
        "token_endpoint": f"{base}/oauth/token",
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }
