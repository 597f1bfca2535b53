"""Department systems: OAuth2 client credentials. A client is scoped to its departments,
the roles it acts in and the RPCs it may call; its secret is stored as an Argon2id hash,
shown once, and rotated with an overlap so the system can switch without an outage."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from gateway.identity.accounts import aware_utc, record_change, require_administrator, validated_roles
from gateway.identity.passwords import hash_password, verify_password
from gateway.models import SystemClient
from shared.auth import Caller
from shared.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound

ROTATION_OVERLAP = timedelta(hours=24)


def _validated_scopes(scopes: list[str]) -> list[str]:
    """`package.Service/Method` or `package.Service/*`: nothing wider."""
    bad = [s for s in scopes if s.count("/") != 1 or not s.startswith("servicehall.") or s.endswith("/")]
    if bad or not scopes:
        raise InvalidArgument(
            "scopes name RPCs", [FieldViolation("scopes", "each is package.Service/Method or package.Service/*")]
        )
    return sorted(set(scopes))


def register_client(
    session: Session,
    caller: Caller,
    now: datetime,
    *,
    client_id: str,
    name: str,
    departments: list[str],
    roles: list[str],
    scopes: list[str],
) -> tuple[SystemClient, str]:
    require_administrator(caller)
    if session.get(SystemClient, client_id) is not None:
        raise AlreadyExists(f"client {client_id} exists")
    if not departments:
        raise InvalidArgument("a client acts for a department", [FieldViolation("departments", "at least one")])
    secret = secrets.token_urlsafe(32)
    client = SystemClient(
        client_id=client_id,
        name=name,
        departments=sorted(set(departments)),
        roles=validated_roles(roles),
        scopes=_validated_scopes(scopes),
        secret_hash=hash_password(secret),
        created_at=now,
    )
    session.add(client)
    record_change(
        session,
        caller,
        "client_registered",
        f"client:{client_id}",
        now,
        departments=client.departments,
        roles=client.roles,
        scopes=client.scopes,
    )
    session.flush()
    return client, secret


def rotate_secret(session: Session, caller: Caller, now: datetime, client_id: str) -> tuple[SystemClient, str]:
    require_administrator(caller)
    client = session.get(SystemClient, client_id)
    if client is None:
        raise NotFound(f"no client {client_id}")
    secret = secrets.token_urlsafe(32)
    client.previous_secret_hash, client.previous_valid_until = client.secret_hash, now + ROTATION_OVERLAP
    client.secret_hash = hash_password(secret)
    record_change(session, caller, "client_secret_rotated", f"client:{client_id}", now)
    return client, secret


def authenticate_client(session: Session, client_id: str, secret: str, now: datetime) -> SystemClient | None:
    client = session.get(SystemClient, client_id)
    if client is None or client.disabled:
        verify_password(None, secret)  # as slow as a known client: no enumeration by timing
        return None
    if verify_password(client.secret_hash, secret):
        return client
    overlap = client.previous_valid_until is not None and aware_utc(client.previous_valid_until) > now
    if overlap and verify_password(client.previous_secret_hash, secret):
        return client
    return None
