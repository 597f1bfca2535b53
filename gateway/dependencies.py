"""Typed dependencies for the routers."""

from typing import Annotated

from fastapi import Depends, Header, Request

from gateway.clients import ServiceClients
from shared.auth import DEPARTMENT, QUERY_CODE, ROLES, STAFF_ID


def _clients(request: Request) -> ServiceClients:
    return request.app.state.clients


def _caller_metadata(
    x_staff_id: Annotated[str, Header(max_length=40, description="staff id (set by the hall's sign-on proxy)")] = "",
    x_department: Annotated[str, Header(max_length=20, description="the staff member's department code")] = "",
    x_roles: Annotated[str, Header(max_length=200, description="comma-separated roles, e.g. window_staff,cashier")] = "",
    x_query_code: Annotated[str, Header(max_length=64, description="an applicant's query code for the case")] = "",
) -> tuple[tuple[str, str], ...]:
    """Who is calling, forwarded to the services as gRPC metadata; the services decide.
    Values gRPC metadata cannot carry (non-ASCII, control characters) are dropped."""
    pairs = ((STAFF_ID, x_staff_id), (DEPARTMENT, x_department), (ROLES, x_roles), (QUERY_CODE, x_query_code))
    return tuple(
        (key, value.strip()) for key, value in pairs if value.strip() and value.isascii() and value.isprintable()
    )


Clients = Annotated[ServiceClients, Depends(_clients)]
CallerMetadata = Annotated[tuple[tuple[str, str], ...], Depends(_caller_metadata)]
