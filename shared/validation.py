"""Checks of identifiers every service meets: resident ID card, mobile phone, e-mail."""

from __future__ import annotations

import re
from datetime import date

from shared.errors import FieldViolation, InvalidArgument
from shared.timeutil import shanghai_day, utcnow

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_FORMAT = re.compile(r"^\d{17}[\dX]$")
_PHONE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def id_card_problem(number: str) -> str | None:
    """Why an 18-character resident ID card number is invalid (GB 11643-1999), or None."""
    if not _ID_FORMAT.match(number):
        return "must be 18 characters: 17 digits and a check digit (0-9 or X)"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "contains an impossible date of birth"
    if born.year < 1900 or born > shanghai_day(utcnow()):  # a Beijing day, whatever the host's zone
        return "contains an impossible date of birth"
    checksum = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True)) % 11
    if number[17] != _ID_CHECK[checksum]:
        return "check digit does not match"
    return None


def is_mobile_phone(number: str) -> bool:
    return bool(_PHONE.match(number))


def is_email(address: str) -> bool:
    return len(address) <= 200 and bool(_EMAIL.match(address))


def parse_day(value: str, field: str = "day") -> date:
    """A YYYY-MM-DD request field, or INVALID_ARGUMENT naming it."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidArgument(f"{field} must be YYYY-MM-DD", [FieldViolation(field, "must be YYYY-MM-DD")]) from None
