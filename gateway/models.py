"""The gateway's own tables: who may sign in (accounts, department systems), the keys that
sign their tokens, pending single sign-ons, idempotency records and the audit log.

They live in the gateway's database (GATEWAY_DATABASE_URL), shared by its replicas, so a
lockout, a rotated key or a stored answer holds whichever replica a request reaches.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import BigId
from shared.timeutil import utcnow


class Base(DeclarativeBase):
    pass


class Account(Base):
    """A local staff account (the embedded default; with single sign-on the issuer's)."""

    __tablename__ = "accounts"

    staff_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    department_code: Mapped[str] = mapped_column(sa.String(20))
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    password_hash: Mapped[str] = mapped_column(sa.String(200))  # Argon2id, parameters inside
    password_changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    totp_secret: Mapped[str] = mapped_column(sa.String(64), default="")  # base32; empty = not enrolled
    # The last TOTP time step accepted: a code is good once, not for its whole 30 s.
    totp_last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    disabled: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's declarative hook)


class SignInAttempts(Base):
    """Failures per login name, kept whether or not the account exists (no enumeration)."""

    __tablename__ = "sign_in_attempts"

    login: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_failure_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class AccountChange(Base):
    """Append-only (database triggers): every change to an account or a client, and by whom."""

    __tablename__ = "account_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(60))
    action: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(60), index=True)  # staff id or client:<id>
    details: Mapped[dict[str, object]] = mapped_column(sa.JSON, default=dict)


class SystemClient(Base):
    """A department system (OAuth2 client credentials), scoped to departments and RPCs."""

    __tablename__ = "system_clients"

    client_id: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    departments: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    scopes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    secret_hash: Mapped[str] = mapped_column(sa.String(200))
    # After a rotation the previous secret keeps working until then, so the system can
    # switch without an outage.
    previous_secret_hash: Mapped[str] = mapped_column(sa.String(200), default="")
    previous_valid_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's declarative hook)


class SigningKeyRecord(Base):
    """An ES256 key pair. The newest not retired signs; all not yet expired are published."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    private_pem: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    # Stops signing then; stays published until its last token has expired.
    retired_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class PendingSignOn(Base):
    """Between the redirect to the OpenID provider and its callback: state, nonce, PKCE."""

    __tablename__ = "pending_sign_ons"

    state: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    nonce: Mapped[str] = mapped_column(sa.String(100))
    code_verifier: Mapped[str] = mapped_column(sa.String(200))
    redirect_uri: Mapped[str] = mapped_column(sa.String(400))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)


class IdempotencyRecord(Base):
    """The answer to a POST made with an Idempotency-Key, kept 24 h (IETF draft semantics)."""

    __tablename__ = "idempotency_records"

    principal: Mapped[str] = mapped_column(sa.String(80), primary_key=True)  # whose key it is
    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))  # sha256 of method, path and body
    state: Mapped[str] = mapped_column(sa.String(20))  # in_flight | done
    status_code: Mapped[int] = mapped_column(sa.Integer, default=0)
    headers: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    body: Mapped[bytes] = mapped_column(sa.LargeBinary, default=b"")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)


class AuditEntry(Base):
    """Append-only (database triggers): every staff and system request through the gateway."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(60), index=True)
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    department_code: Mapped[str] = mapped_column(sa.String(20), default="")
    method: Mapped[str] = mapped_column(sa.String(10))
    route: Mapped[str] = mapped_column(sa.String(200))  # the template, e.g. /api/v1/cases/{case_number}
    case_number: Mapped[str] = mapped_column(sa.String(40), default="", index=True)
    status_code: Mapped[int] = mapped_column(sa.Integer)
    client_address: Mapped[str] = mapped_column(sa.String(64), default="")
    trace_id: Mapped[str] = mapped_column(sa.String(32), default="")
