"""Typed dependencies for the routers: the service stubs and the `Caller` that calls them.

Who is calling is proven by a bearer token (docs/security.md), verified here before a
route runs and verified again by the service it calls, which is what decides. A route
takes one of three callers:

- `StaffCall`: staff or a department system only; without a valid token, 401;
- `Call`: staff, or anybody (an applicant with `X-Query-Code`): the gateway then calls
  with its own token, which grants nothing by itself;
- `PublicCall`: anybody (the catalog, fee standards): always the gateway's own token.

An invalid token is 401 on every route: a client that sends one expects to be someone.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.exceptions import HTTPException

from gateway.clients import Caller, Metadata, ServiceClients
from gateway.identity.tokens import Tokens
from shared.auth import AUTHORIZATION, CLIENT_ADDRESS, QUERY_CODE
from shared.identity import InvalidToken, Verified

BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="servicehall"'}


def _clients(request: Request) -> ServiceClients:
    clients: ServiceClients = request.app.state.clients  # opened by the app's lifespan
    return clients


def _tokens(request: Request) -> Tokens:
    tokens: Tokens = request.app.state.tokens
    return tokens


Clients = Annotated[ServiceClients, Depends(_clients)]
TokenService = Annotated[Tokens, Depends(_tokens)]


def not_signed_in(detail: str = "sign in first: this needs a valid bearer token") -> HTTPException:
    return HTTPException(401, detail, headers=BEARER_CHALLENGE)


async def _principal(
    request: Request,
    tokens: TokenService,
    authorization: Annotated[
        str, Header(max_length=4096, description="`Bearer <token>` from sign-in or /oauth/token")
    ] = "",
) -> Verified | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise not_signed_in("the Authorization header is not `Bearer <token>`")
    try:
        verified = await tokens.verify(token.strip())
    except InvalidToken:
        raise not_signed_in("the bearer token is not valid (expired, or not ours)") from None
    request.state.principal = verified  # for the audit log and the rate limits
    request.state.bearer = token.strip()
    return verified


Principal = Annotated[Verified | None, Depends(_principal)]


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


def _as_staff(request: Request, clients: ServiceClients) -> Caller:
    metadata: Metadata = (
        (AUTHORIZATION, f"Bearer {request.state.bearer}"),
        (CLIENT_ADDRESS, _address(request)),
    )
    return Caller(metadata=metadata, timeout=clients.timeout)


def _staff_call(request: Request, clients: Clients, principal: Principal) -> Caller:
    if principal is None or principal.caller.kind not in ("staff", "system"):
        raise not_signed_in()
    return _as_staff(request, clients)


async def _call(
    request: Request,
    clients: Clients,
    tokens: TokenService,
    principal: Principal,
    x_query_code: Annotated[
        str, Header(max_length=64, description="an applicant's query code for the case (no sign-in)")
    ] = "",
) -> Caller:
    if principal is not None and principal.caller.kind in ("staff", "system"):
        return _as_staff(request, clients)
    metadata: list[tuple[str, str]] = [
        (AUTHORIZATION, f"Bearer {await tokens.for_gateway()}"),
        (CLIENT_ADDRESS, _address(request)),
    ]
    code = x_query_code.strip()
    if code and code.isascii() and code.isprintable():  # what metadata cannot carry is no code
        metadata.append((QUERY_CODE, code))
    return Caller(metadata=tuple(metadata), timeout=clients.timeout)


async def _public_call(request: Request, clients: Clients, tokens: TokenService) -> Caller:
    metadata = ((AUTHORIZATION, f"Bearer {await tokens.for_gateway()}"), (CLIENT_ADDRESS, _address(request)))
    return Caller(metadata=metadata, timeout=clients.timeout)


# A route for staff only takes `call: StaffCall`; one an applicant may use too, `call: Call`;
# one anyone may read, `call: PublicCall`.
StaffCall = Annotated[Caller, Depends(_staff_call)]
Call = Annotated[Caller, Depends(_call)]
PublicCall = Annotated[Caller, Depends(_public_call)]


def _signed_in(principal: Principal) -> Verified:
    if principal is None:
        raise not_signed_in()
    return principal


# For the gateway's own routes (administration, audit): the verified caller itself.
SignedIn = Annotated[Verified, Depends(_signed_in)]
