"""What every area's HTTP schemas share: strict input models, the string and integer types
every input field is built from, and the way times and enums are shown (Asia/Shanghai,
lower-case words).

Every string an HTTP client sends is bounded (max_length) and refuses control characters
and bidirectional overrides (a name shown reversed on a receipt, a NUL cut short in a log);
only the free text a person writes in several lines (remarks, notes, reasons, a topic, the
YAML of an import) may hold a newline, a carriage return or a tab. Every integer is bounded
to the range of the proto field it is copied into (or a tighter domain range), so an
out-of-range number is a 422 naming the field, not a 500 when the message is built. The
patterns are written for both regex dialects that read them: pydantic-core's (Rust) and the
OpenAPI document's (ECMA-262, Python's re in clients and schemathesis).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.timeutil import SHANGHAI, from_timestamp

# Never in any string: C0 controls but tab/LF/CR, DEL, C1 controls, the bidi marks, embeddings,
# overrides and isolates (U+061C, U+200E/F, U+202A..E, U+2066..9), the line and paragraph
# separators, the BOM and the two noncharacters at the end of the BMP.
_NEVER = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufffe\uffff"
_LINE_BREAKS = r"\t\n\r"
# One line (names, codes, references): nothing of _NEVER, no line break or tab either.
LINE_PATTERN = rf"^[^{_NEVER}{_LINE_BREAKS}]*$"
# Free text in several lines: line breaks and tabs allowed.
TEXT_PATTERN = rf"^[^{_NEVER}]*$"
# The same, for a required string: one character at least that is not white space, since the
# models strip it (str_strip_whitespace) and "  " would otherwise pass the schema, then min_length.
FILLED_LINE_PATTERN = rf"^[^{_NEVER}{_LINE_BREAKS}]*[^{_NEVER}{_LINE_BREAKS}\s][^{_NEVER}{_LINE_BREAKS}]*$"
FILLED_TEXT_PATTERN = rf"^[^{_NEVER}]*[^{_NEVER}\s][^{_NEVER}]*$"
# The same set as a Python check, for what no field schema reaches (keys, path and query values).
NEVER_CHARS = frozenset(
    [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))]
    + [chr(c) for c in (0x061C, 0x200E, 0x200F, *range(0x2028, 0x202F), *range(0x2066, 0x206A))]
    + ["\ufeff", "\ufffe", "\uffff"]
)
LINE_BREAKS = frozenset("\t\n\r")


def refused_character(value: str, *, multiline: bool = False) -> str | None:
    """Why the string may not be taken, or None: the first refused character, by code point
    (never the input itself, which may hold an ID card number). Lone surrogates are refused
    too: they cannot be encoded into a proto string."""
    for char in value:
        if char in NEVER_CHARS or (not multiline and char in LINE_BREAKS) or "\ud800" <= char <= "\udfff":
            return f"must not contain the control or formatting character U+{ord(char):04X}"
    return None


# A single-line string: give it a max_length where it is used (Field(max_length=...)).
Line = Annotated[str, StringConstraints(pattern=LINE_PATTERN)]
# Free text in several lines (remarks, notes, reasons).
Text = Annotated[str, StringConstraints(pattern=TEXT_PATTERN)]
# Required (min_length >= 1): not blank either.
FilledLine = Annotated[str, StringConstraints(pattern=FILLED_LINE_PATTERN)]
FilledText = Annotated[str, StringConstraints(pattern=FILLED_TEXT_PATTERN)]
# A key of a mapping (declared values, form fields): a plain identifier.
Key = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]

# Tighter than any proto integer field the gateway fills (int64, uint32, uint64): what a JSON
# number carries exactly (a browser's Number; a JSON Schema validator reading bounds as
# floats), so a bound means the same to every client.
MAX_EXACT = 2**53 - 1
# Money (fen) and the declared values fees are computed from: the fees service's own ceiling
# (services/fees/rules.py MAX_DECLARED: ten trillion yuan).
MAX_AMOUNT = 10**15


# An amount a client states (fen): never negative.
Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
# An amount paid, reduced or refunded: at least one fen.
PositiveAmount = Annotated[int, Field(ge=1, le=MAX_AMOUNT)]
# A declared value (price, area, a yes/no as 1/0) or a bound of one.
DeclaredValue = Annotated[int, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]


def keys_named(schema: dict[str, Any]) -> None:
    """json_schema_extra of a dict[Key, V] field: pydantic documents a key pattern as
    patternProperties, which lets any other key through in JSON Schema; say instead that
    every key follows it (propertyNames) and every value is a V (additionalProperties)."""
    pattern, value = schema.pop("patternProperties").popitem()
    schema["additionalProperties"] = value
    schema.setdefault("propertyNames", {})["pattern"] = pattern


class Strict(BaseModel):
    """Base of every request body: an unknown field is an error, not silently dropped (no
    mass assignment), and types are strict: `false` or "12" is not an integer, 1 is not a
    string."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


def shown(stamp: Timestamp) -> datetime:
    return from_timestamp(stamp).astimezone(SHANGHAI)


def enum_name(enum: EnumTypeWrapper, value: int, prefix: str) -> str:
    """CASE_STATUS_ACCEPTED -> "accepted": the HTTP API speaks words, not proto constants."""
    name: str = enum.Name(value)
    return name.removeprefix(prefix).lower()
