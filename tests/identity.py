"""Tokens for tests: signed with a test key whose JWKS the services under test are given
(tests/conftest.py start_service) and which the test gateway databases hold, so a test
calls as a real, verified caller instead of typing headers."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import grpc

from shared.identity import SigningKey, issue_token, jwks_of

ISSUER = "servicehall"
TEST_KEY = SigningKey.generate("test-key")
TEST_JWKS = json.dumps(jwks_of([TEST_KEY]))
# What tests/conftest.Databases needs to migrate the gateway's database like a service's.
GATEWAY_DB = SimpleNamespace(
    name="gateway",
    migrations_dir=Path(__file__).resolve().parent.parent / "gateway" / "migrations",
    seed=None,
    settings_class=None,
)

Metadata = tuple[tuple[str, str], ...]


def token(
    kind: str,
    subject: str,
    *,
    departments: tuple[str, ...] | list[str] = (),
    roles: tuple[str, ...] | list[str] = (),
    scopes: tuple[str, ...] | list[str] = (),
    # Modules build their callers' headers once, at collection: a token must outlive the whole
    # run (a full `make test` takes longer than a production token's ten minutes).
    ttl_seconds: int = 6 * 3600,
    key: SigningKey = TEST_KEY,
    **extra: Any,
) -> str:
    return issue_token(
        key,
        issuer=ISSUER,
        subject=subject,
        kind=kind,
        departments=departments,
        roles=roles,
        scopes=scopes,
        ttl_seconds=ttl_seconds,
        **extra,
    )


def staff_token(department: str, *roles: str, staff_id: str | None = None) -> str:
    return token(
        "staff",
        staff_id or f"{department.lower()}-01",
        departments=[department] if department else [],
        roles=roles or ("window_staff",),
    )


def staff_headers(department: str, *roles: str, staff_id: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff_token(department, *roles, staff_id=staff_id)}"}


def staff_metadata(department: str, *roles: str, staff_id: str | None = None) -> Metadata:
    return (("authorization", f"Bearer {staff_token(department, *roles, staff_id=staff_id)}"),)


def system_metadata(client_id: str, departments: list[str], roles: list[str], scopes: list[str]) -> Metadata:
    signed = token("system", client_id, departments=departments, roles=roles, scopes=scopes)
    return (("authorization", f"Bearer {signed}"),)


def applicant_metadata(query_code: str = "") -> Metadata:
    """What the gateway sends for an applicant: its own token, and the query code if any."""
    pairs: list[tuple[str, str]] = [("authorization", f"Bearer {token('gateway', 'gateway')}")]
    if query_code:
        pairs.append(("x-query-code", query_code))
    return tuple(pairs)


class _AsGateway(grpc.aio.UnaryUnaryClientInterceptor):  # type: ignore[misc]
    """Adds the gateway's token to a call that carries no authorization of its own."""

    async def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        metadata = list(details.metadata or ())
        if not any(key == "authorization" for key, _ in metadata):
            metadata.append(("authorization", f"Bearer {token('gateway', 'gateway')}"))
        return await continuation(details._replace(metadata=tuple(metadata)), request)


def gateway_channel(address: str) -> grpc.aio.Channel:
    """A channel that calls like the gateway does for an anonymous person or an applicant
    (a call given its own metadata, a staff token say, keeps it). Tests of the refusals of
    unauthenticated calls use a plain channel."""
    return grpc.aio.insecure_channel(address, interceptors=[_AsGateway()])
