"""Submissions made with an idempotency key: a retry of the same request by the same caller
returns the case the first one made, never a second case.

The gateway passes the client's Idempotency-Key down because its own record cannot tell
what happened when its deadline fired first: the service may have committed the case. Keys
are scoped by caller (a staff id, client:<id>, or `anonymous` for the gateway's own calls,
whose keys the gateway requires to be random UUIDs), so one caller's key is never another's.

The query code is shown once and kept only as a digest, yet the retry needs it again (the
first answer never arrived). It is kept sealed with a pad derived from the key, which only
the caller has (the key is stored as its sha256), so the database alone still does not
reveal it. It is not reissued instead: its digest already travelled to fees and
notification in the case's events.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from sqlalchemy.orm import Session

from services.cases.models import Case, SubmissionKey
from shared.auth import Caller
from shared.clock import now
from shared.errors import AlreadyExists, FieldViolation, InvalidArgument

MAX_KEY = 100
CODE_SPACE = 10**6  # query codes are six digits


def owner_of(caller: Caller) -> str:
    return caller.staff_id if caller.is_staff else "anonymous"


def _pad(key: str, case_number: str) -> int:
    digest = hmac.new(key.encode(), f"query-code:{case_number}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % CODE_SPACE


def submit_once(
    session: Session,
    caller: Caller,
    *,
    key: str,
    fingerprint: str,
    submit: Callable[[], tuple[Case, str]],
) -> tuple[Case, str, bool]:
    """(case, query code, replayed). Without a key, just submit()."""
    if not key:
        case, code = submit()
        return case, code, False
    if len(key) > MAX_KEY or not key.isprintable():
        problem = FieldViolation("idempotency_key", f"at most {MAX_KEY} printable characters")
        raise InvalidArgument("the idempotency key is invalid", [problem])
    owner, key_sha256 = owner_of(caller), hashlib.sha256(key.encode()).hexdigest()
    found = session.get(SubmissionKey, (owner, key_sha256))
    if found is None:
        case, code = submit()
        sealed = (int(code) + _pad(key, case.case_number)) % CODE_SPACE
        # A concurrent twin inserts the same primary key: the loser's transaction is retried
        # (shared.db.run_in_transaction) and then takes the branch below.
        session.add(
            SubmissionKey(
                owner=owner,
                key_sha256=key_sha256,
                request_fingerprint=fingerprint,
                case_id=case.id,
                sealed_query_code=f"{sealed:06d}",
                created_at=now(session),
            )
        )
        session.flush()
        return case, code, False
    if not hmac.compare_digest(found.request_fingerprint, fingerprint):
        raise AlreadyExists("this idempotency key was already used for a different submission; use a new key")
    case = session.get_one(Case, found.case_id)
    unsealed = (int(found.sealed_query_code) - _pad(key, case.case_number)) % CODE_SPACE
    return case, f"{unsealed:06d}", True
