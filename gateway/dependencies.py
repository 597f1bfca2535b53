"""Typed dependencies for the routers: the service stubs and the `Caller` that calls them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from gateway.clients import Caller, Metadata, ServiceClients
from shared.auth import DEPARTMENT, QUERY_CODE, ROLES, STAFF_ID


def _clients(request: Request) -> ServiceClients:
    clients: ServiceClients = request.app.state.clients  # opened by the app's lifespan
    return clients


def _caller_metadata(
    x_staff_id: Annotated[str, Header(max_length=40, description="staff id (set by the hall's sign-on proxy)")] = "",
    x_department: Annotated[str, Header(max_length=20, description="the staff member's department code")] = "",
    x_roles: Annotated[
        str, Header(max_length=200, description="comma-separated roles, e.g. window_staff,cashier")
    ] = "",
    x_query_code: Annotated[str, Header(max_length=64, description="an applicant's query code for the case")] = "",
) -> Metadata:
    """Who is calling, forwarded to the services as gRPC metadata; the services decide.
    Values gRPC metadata cannot carry (non-ASCII, control characters) are dropped."""
    pairs = ((STAFF_ID, x_staff_id), (DEPARTMENT, x_department), (ROLES, x_roles), (QUERY_CODE, x_query_code))
    return tuple(
        (key, value.strip()) for key, value in pairs if value.strip() and value.isascii() and value.isprintable()
    )


Clients = Annotated[ServiceClients, Depends(_clients)]
CallerMetadata = Annotated[Metadata, Depends(_caller_metadata)]


def _call(clients: Clients, metadata: CallerMetadata) -> Caller:
    return Caller(metadata=metadata, timeout=clients.timeout)


def _public_call(clients: Clients) -> Caller:
    # No identity headers are declared or forwarded: the route is for anyone (catalog, fee standards).
    return Caller(metadata=(), timeout=clients.timeout)


# A route that acts for the caller takes `call: Call`; one anyone may read takes `call: PublicCall`.
Call = Annotated[Caller, Depends(_call)]
PublicCall = Annotated[Caller, Depends(_public_call)]
