"""Masking of personal identifiers (ID card and phone numbers, e-mail addresses).

Applied wherever personal data could leave the database: logs, span attributes, metric
labels, error messages and API responses that do not need the full value.
"""

from __future__ import annotations

import re

# 18-character resident ID card number; the last character may be X. (The 15-digit
# first-generation cards stopped being valid in 2013.)
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
# Mainland mobile numbers: 11 digits starting with 1[3-9], optionally +86.
_PHONE = re.compile(r"(?<!\d)((?:\+?86)?1[3-9]\d)(\d{4})(\d{4})(?!\d)")
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


def mask_text(text: str) -> str:
    """Mask every ID card number, phone number and e-mail address inside free text."""
    text = _ID_CARD.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)
    text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return mask_email(text)
