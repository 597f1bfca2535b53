"""The signing keys: the newest one not retired signs; every key that may still have an
unexpired token out is published in the JWKS, so rotation needs no downtime:

1. `rotate` adds a key and retires the old one (it signs no more);
2. the services meet a token with the new key id, fetch the JWKS again and find it;
3. a retired key leaves the JWKS once its last token has expired (plus a grace).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from gateway.models import SigningKeyRecord
from shared.identity import SigningKey, jwks_of


def signing_key(session: Session, now: datetime) -> SigningKey:
    """The key that signs now; the first call on an empty database makes one."""
    record = session.scalars(
        sa.select(SigningKeyRecord)
        .where(SigningKeyRecord.retired_at.is_(None))
        .order_by(SigningKeyRecord.created_at.desc())
        .limit(1)
    ).first()
    if record is None:
        return _add_key(session, now)
    return SigningKey.from_pem(record.kid, record.private_pem)


def install(session: Session, key: SigningKey, now: datetime) -> None:
    """Take a key made elsewhere (tests; a key from a vault) as the one that signs."""
    for record in session.scalars(sa.select(SigningKeyRecord).where(SigningKeyRecord.retired_at.is_(None))):
        record.retired_at = now
    session.add(SigningKeyRecord(kid=key.kid, private_pem=key.private_pem(), created_at=now))


def rotate(session: Session, now: datetime) -> str:
    for record in session.scalars(sa.select(SigningKeyRecord).where(SigningKeyRecord.retired_at.is_(None))):
        record.retired_at = now
    return _add_key(session, now).kid


def published(session: Session, now: datetime, *, longest_token_seconds: int, grace_seconds: int) -> dict[str, Any]:
    """The JWKS: every key not retired, or retired so recently a token it signed may live."""
    cutoff = now - timedelta(seconds=longest_token_seconds + grace_seconds)
    records = session.scalars(
        sa.select(SigningKeyRecord)
        .where(sa.or_(SigningKeyRecord.retired_at.is_(None), SigningKeyRecord.retired_at > cutoff))
        .order_by(SigningKeyRecord.created_at.desc())
    ).all()
    if not records:
        signing_key(session, now)
        return published(session, now, longest_token_seconds=longest_token_seconds, grace_seconds=grace_seconds)
    return jwks_of(SigningKey.from_pem(r.kid, r.private_pem) for r in records)


def _add_key(session: Session, now: datetime) -> SigningKey:
    key = SigningKey.generate()
    session.add(SigningKeyRecord(kid=key.kid, private_pem=key.private_pem(), created_at=now))
    session.flush()
    return key
