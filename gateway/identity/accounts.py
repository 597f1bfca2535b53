"""Local staff accounts: sign-in (password, then TOTP for the privileged roles), lockout
with backoff, and their administration by the `administrator` role, every change audited.

The use cases take the session and the verified caller; what they return, the routers
turn into answers. A sign-in that fails still commits (the failure is counted), so it
returns an outcome instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from gateway.identity.passwords import hash_password, needs_rehash, password_problem, verify_password
from gateway.models import Account, AccountChange, SignInAttempts
from shared.auth import KNOWN_ROLES, Caller
from shared.db import table_of, upsert
from shared.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound, PermissionDenied

# Who holds money, approvals, the whole hall or the accounts proves it twice (TOTP).
SECOND_FACTOR_ROLES = frozenset({"manager", "cashier", "approver", "efficiency_office", "administrator"})
LOCK_FIRST_SECONDS = 30
LOCK_LONGEST_SECONDS = 15 * 60
TOTP_ISSUER = "servicehall"


@dataclass(frozen=True)
class StaffProfile:
    """Who signed in, as the token will say."""

    staff_id: str
    department_code: str
    roles: frozenset[str]
    amr: tuple[str, ...]


@dataclass(frozen=True)
class SignInOutcome:
    profile: StaffProfile | None = None
    # Why not, for the answer: wrong (the same for an unknown login), otp_required, locked.
    refusal: str = ""
    retry_after_seconds: int = 0


def needs_second_factor(roles: frozenset[str] | list[str]) -> bool:
    return bool(SECOND_FACTOR_ROLES.intersection(roles))


def sign_in(
    session: Session, login: str, password: str, otp_code: str, now: datetime, *, lock_after: int
) -> SignInOutcome:
    # The row exists before anyone reads it, and is locked by whoever counts (no lost failure).
    session.execute(upsert(session, table_of(SignInAttempts)).values(login=login, failures=0).on_conflict_do_nothing())
    attempts = session.get(SignInAttempts, login, with_for_update=True)
    assert attempts is not None
    if attempts.locked_until is not None and aware_utc(attempts.locked_until) > now:
        return SignInOutcome(refusal="locked", retry_after_seconds=_seconds_until(attempts.locked_until, now))
    account = session.get(Account, login)
    password_ok = verify_password(account.password_hash if account else None, password)
    if account is None or account.disabled or not password_ok:
        return _failed(attempts, now, lock_after)
    if needs_second_factor(account.roles):
        if not account.totp_secret:
            return SignInOutcome(refusal="otp_not_enrolled")
        if not otp_code:
            # The password was right; the answer says only that a code is needed.
            return SignInOutcome(refusal="otp_required")
        step = _accepted_totp_step(account.totp_secret, otp_code, now)
        if step is None or step <= account.totp_last_step:
            return _failed(attempts, now, lock_after)
        account.totp_last_step = step
    attempts.failures, attempts.locked_until = 0, None
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    amr = ("pwd", "otp") if needs_second_factor(account.roles) else ("pwd",)
    return SignInOutcome(profile=StaffProfile(account.staff_id, account.department_code, frozenset(account.roles), amr))


def _failed(attempts: SignInAttempts, now: datetime, lock_after: int) -> SignInOutcome:
    session = object_session(attempts)
    assert session is not None
    # An increment in the database, not in Python: parallel failures each count.
    attempts.failures = session.execute(
        sa.update(SignInAttempts)
        .where(SignInAttempts.login == attempts.login)
        .values(failures=SignInAttempts.failures + 1, last_failure_at=now)
        .returning(SignInAttempts.failures)
    ).scalar_one()
    if attempts.failures >= lock_after:
        seconds = min(LOCK_FIRST_SECONDS * 2 ** (attempts.failures - lock_after), LOCK_LONGEST_SECONDS)
        attempts.locked_until = now + timedelta(seconds=seconds)
    return SignInOutcome(refusal="wrong")


def _accepted_totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step the code belongs to (this one or one either side, for clock drift)."""
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.at(candidate * totp.interval), code.strip()):
            return candidate
    return None


def aware_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((aware_utc(moment) - now).total_seconds() + 0.999))


# ---- administration (role administrator) -------------------------------------------------


def require_administrator(caller: Caller) -> None:
    if caller.kind != "staff" or not caller.has_role("administrator"):
        raise PermissionDenied("this needs the role administrator")


def validated_roles(roles: list[str]) -> list[str]:
    unknown = sorted(set(roles) - KNOWN_ROLES)
    if unknown:
        raise InvalidArgument("unknown roles", [FieldViolation("roles", f"unknown: {', '.join(unknown)}")])
    return sorted(set(roles))


def _new_password(password: str, staff_id: str) -> str:
    problem = password_problem(password, staff_id)
    if problem:
        raise InvalidArgument("the password is refused", [FieldViolation("password", problem)])
    return hash_password(password)


def record_change(session: Session, caller: Caller, action: str, subject: str, now: datetime, **details: Any) -> None:
    session.add(AccountChange(at=now, actor=caller.staff_id, action=action, subject=subject, details=details))


def provisioning_uri(account: Account) -> str:
    """What an authenticator app scans (otpauth://...); shown once, when it is enrolled."""
    return pyotp.TOTP(account.totp_secret).provisioning_uri(name=account.staff_id, issuer_name=TOTP_ISSUER)


def create_account(
    session: Session,
    caller: Caller,
    now: datetime,
    *,
    staff_id: str,
    display_name: str,
    department_code: str,
    roles: list[str],
    password: str,
) -> Account:
    require_administrator(caller)
    if session.get(Account, staff_id) is not None:
        raise AlreadyExists(f"account {staff_id} exists")
    account = Account(
        staff_id=staff_id,
        display_name=display_name,
        department_code=department_code,
        roles=validated_roles(roles),
        password_hash=_new_password(password, staff_id),
        password_changed_at=now,
        totp_secret=pyotp.random_base32() if needs_second_factor(roles) else "",
        created_at=now,
    )
    session.add(account)
    record_change(
        session, caller, "account_created", staff_id, now, department_code=department_code, roles=account.roles
    )
    session.flush()
    return account


def update_account(
    session: Session,
    caller: Caller,
    now: datetime,
    staff_id: str,
    *,
    roles: list[str] | None = None,
    department_code: str | None = None,
    disabled: bool | None = None,
) -> Account:
    require_administrator(caller)
    account = _account(session, staff_id)
    changes: dict[str, Any] = {}
    if roles is not None:
        account.roles = changes["roles"] = validated_roles(roles)
        if needs_second_factor(account.roles) and not account.totp_secret:
            account.totp_secret = pyotp.random_base32()
            changes["totp"] = "enrolled"
    if department_code is not None:
        account.department_code = changes["department_code"] = department_code
    if disabled is not None:
        if staff_id == caller.staff_id and disabled:
            raise InvalidArgument("an administrator does not disable their own account")
        account.disabled = changes["disabled"] = disabled
    record_change(session, caller, "account_updated", staff_id, now, **changes)
    return account


def reset_password(session: Session, caller: Caller, now: datetime, staff_id: str, password: str) -> None:
    require_administrator(caller)
    account = _account(session, staff_id)
    account.password_hash = _new_password(password, staff_id)
    account.password_changed_at = now
    session.execute(sa.delete(SignInAttempts).where(SignInAttempts.login == staff_id))
    record_change(session, caller, "password_reset", staff_id, now)


def reenroll_totp(session: Session, caller: Caller, now: datetime, staff_id: str) -> Account:
    """A new second-factor secret (a lost phone): the old codes stop working at once."""
    require_administrator(caller)
    account = _account(session, staff_id)
    account.totp_secret = pyotp.random_base32()
    account.totp_last_step = 0
    record_change(session, caller, "totp_reenrolled", staff_id, now)
    return account


def change_own_password(session: Session, caller: Caller, now: datetime, current: str, new: str) -> None:
    if caller.kind != "staff":
        raise PermissionDenied("staff only")
    account = session.get(Account, caller.staff_id)
    if account is None or not verify_password(account.password_hash, current):
        raise InvalidArgument("the current password is wrong", [FieldViolation("current_password", "wrong")])
    account.password_hash = _new_password(new, caller.staff_id)
    account.password_changed_at = now
    record_change(session, caller, "password_changed", caller.staff_id, now)


def list_accounts(session: Session, caller: Caller) -> list[Account]:
    require_administrator(caller)
    return list(session.scalars(sa.select(Account).order_by(Account.staff_id)))


def list_changes(session: Session, caller: Caller, *, subject: str = "", limit: int = 100) -> list[AccountChange]:
    """Administrators and the efficiency office read who changed which account."""
    if caller.kind != "staff" or not caller.has_role("administrator", "efficiency_office"):
        raise PermissionDenied("this needs the role administrator or efficiency_office")
    query = sa.select(AccountChange).order_by(AccountChange.id.desc()).limit(limit)
    if subject:
        query = query.where(AccountChange.subject == subject)
    return list(session.scalars(query))


def _account(session: Session, staff_id: str) -> Account:
    account = session.get(Account, staff_id)
    if account is None:
        raise NotFound(f"no account {staff_id}")
    return account
