"""Masking of personal identifiers (ID card and phone numbers, e-mail addresses).

Applied wherever personal data could leave the database: logs, span attributes, metric
labels, error messages and API responses that do not need the full value; and to every
free-text field a person types, before it is stored (`mask_free_text`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

# Digits as people type them: ASCII or full-width (０-９, from Chinese input methods).
_DIGIT = "0-9\uff10-\uff19"
_FOLD = str.maketrans("\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff38\uff58", "0123456789XX")
# What people put between groups of digits: spaces (also the ideographic one), hyphens and
# dashes (ASCII, full-width, Unicode), and the brackets around an area code.
_SEP = " \t\u3000\\-\uff0d\u2010\u2011\u2012\u2013\u2014()\uff08\uff09"
# A run of digit groups with at most three separators between them, maybe ending in the
# check character X of an ID card. Runs are maximal, so one never starts inside a number.
_X = "Xx\uff38\uff58"
_RUN = re.compile(rf"(?<![{_DIGIT}])[{_DIGIT}]+(?:[{_SEP}]{{1,3}}[{_DIGIT}]+)*(?:[{_SEP}]{{0,3}}[{_X}])?")
_GROUP = re.compile(rf"[{_DIGIT}]+[{_X}]?|[{_X}]")

# Mainland mobile numbers, 11 digits from 1[3-9], maybe after the country code (86 / 0086).
_MOBILE = re.compile(r"(0086|86)?(1[3-9]\d{9})")
# 18-character resident ID card number, the last character may be X: a region, a plausible date
# of birth (so that two of the hall's numbers side by side are not taken for one), a sequence
# and a check character, which is not checked (a mistyped number is personal data as well).
# The 15-digit first-generation cards stopped being valid in 2013.
_ID_CARD = re.compile(r"[1-9]\d{5}(?:18|19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]")
# A landline: the area code (010, 0551, ...) as its own group, then 7-8 digits that never start
# with 0 or 1. Written without a separator it is indistinguishable from a serial number, so only
# the separated spelling is taken; the country code drops the area code's 0.
_AREA = re.compile(r"0\d{2,3}|(?:0086|86)[1-9]\d{1,2}")
_LOCAL = re.compile(r"[2-9]\d{6,7}")

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_id_card(value: str) -> str:
    """110101199003071234 -> 110101********1234."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 -> 138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_email(value: str) -> str:
    """zhang.san@example.cn -> z***@example.cn."""
    return _EMAIL.sub(lambda m: m.group(1) + "***" + m.group(2), value)


def mask_recipient(channel: str, recipient: str) -> str:
    """A notice's address as it may be shown: a phone number for "sms", else an e-mail."""
    return mask_phone(recipient) if channel == "sms" else mask_email(recipient)


@dataclass(frozen=True)
class _Group:
    text: str  # folded: ASCII digits, maybe a final X
    start: int  # where it begins in the run


def _hidden(groups: list[_Group], *, fresh: bool) -> list[int] | None:
    """Positions (in the run) to replace by '*' when these consecutive groups are one ID card,
    mobile or landline number, else None. A number spread over groups that begins in the middle
    of a run (not `fresh`) must begin with three digits or more: "2025-01-13 100000000" is a
    date and an amount, not the mobile 13100000000."""
    if len(groups) > 1 and not fresh and len(groups[0].text) < 3:
        return None
    chars = "".join(g.text for g in groups)
    at = [g.start + i for g in groups for i in range(len(g.text))]
    if _ID_CARD.fullmatch(chars):
        return at[6:14]
    if chars.endswith("X"):  # not a check character: a letter after the number ("...5678x")
        chars, at = chars[:-1], at[:-1]
        if _ID_CARD.fullmatch(chars):
            return at[6:14]
    mobile = _MOBILE.fullmatch(chars)
    if mobile:
        first = mobile.start(2)
        return at[first + 3 : first + 7]
    if len(groups) > 1 and _AREA.fullmatch(groups[0].text):
        local = chars[len(groups[0].text) :]
        if _LOCAL.fullmatch(local):
            return at[len(groups[0].text) : -4]
    return None


def _mask_run(run: str) -> str:
    groups = [_Group(m.group().translate(_FOLD).upper(), m.start()) for m in _GROUP.finditer(run)]
    hidden: list[int] = []
    i, after_number = 0, 0
    while i < len(groups):
        # The longest number that begins with this group: an ID card before a mobile in it.
        fresh = i == after_number
        found = next(
            ((j, h) for j in range(len(groups), i, -1) if (h := _hidden(groups[i:j], fresh=fresh)) is not None),
            None,
        )
        if found is None:
            i += 1
            continue
        i, positions = found
        after_number = i
        hidden += positions
    if not hidden:
        return run
    chars = list(run)
    for position in hidden:
        chars[position] = "*"
    return "".join(chars)


# The hall's own ids (notice ids, event ids) are UUIDs: their digit groups, joined by
# dashes, can look like a phone number typed with separators. They are left as they are.
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")


def mask_text(text: str) -> str:
    """Mask every ID card number, phone number and e-mail address inside free text, however
    the numbers are spelled (separators, full-width digits, +86 / 0086)."""
    pieces, last = [], 0
    for found in _UUID.finditer(text):
        pieces.append(_mask_outside_uuids(text[last : found.start()]))
        pieces.append(found.group())
        last = found.end()
    pieces.append(_mask_outside_uuids(text[last:]))
    return "".join(pieces)


def _mask_outside_uuids(text: str) -> str:
    return mask_email(_RUN.sub(lambda m: _mask_run(m.group()), text))


OTHER_LABEL = "other"


def bounded_label(value: str, known: Collection[str]) -> str:
    """A metric label value from input: itself when it is one the service knows, else "other".
    Anything else would let anonymous callers mint time series (and write what they like,
    personal data included, into the metrics)."""
    return value if value in known else OTHER_LABEL


def mask_free_text(text: str) -> str:
    """A free-text field as it is stored: whatever a person typed (a remark, a reason, an
    asker's name) with the identifiers in it masked, so that no answer, event or log line
    built from it can carry them. Every use case applies it to every free-text input."""
    return mask_text(text)
