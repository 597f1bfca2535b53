"""Password hashes (Argon2id, argon2-cffi's defaults per RFC 9106) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()  # argon2id, 64 MiB, 3 passes: ~50 ms, costly to guess offline
MIN_LENGTH = 12
MAX_LENGTH = 128  # long enough for passphrases, short enough that hashing cannot be a DoS
# Verified against a wrong password when the account does not exist, so an unknown login
# costs as long to refuse as a known one (no enumeration by timing).
_DUMMY_HASH = _HASHER.hash("not a password of anyone's")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def password_problem(password: str, staff_id: str) -> str | None:
    """Why a new password is refused, or None. Length first (NIST SP 800-63B); three of four
    character classes, as the MLPS 2.0 (等保) assessments of government systems ask."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return f"a password has {MIN_LENGTH} to {MAX_LENGTH} characters"
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    if sum(classes) < 3:
        return "a password mixes three of: lower case, upper case, digits, other characters"
    if staff_id and staff_id.lower() in password.lower():
        return "a password does not contain the staff id"
    return None
