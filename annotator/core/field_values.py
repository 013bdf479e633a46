"""What a typed codebook field may hold, and its one stored spelling.

Codes are stored as text, one row per unit, coder and field (`store.models.Code`), for
every field type, so history, merge, review and the database's own check treat every
type alike. This module says what text each type stores and reads what people type or
what a file holds into it:

- single choice: the category's code;
- multiple choice: the chosen categories' codes, once each, joined by
  `MULTIPLE_SEPARATOR` (codes are `[a-z][a-z0-9_]*`, so the separator is unambiguous);
  the app writes them in the codebook's order (`join_choices`), readers take them as a
  set; no category chosen is no code at all;
- number: a plain decimal (`-12`, `3.5`), no exponent, no thousands separator;
- short text: the text as given, without surrounding white space, at most the field's
  `max_length` characters, no control characters;
- date: ISO 8601 `YYYY-MM-DD`.

The database checks the same rules with a trigger (migration 0005); `check` is the
application's side of it, `parse` the lenient reading of input (labels, values, other
separators) that an import or a key press needs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Protocol

from annotator.core.errors import CodebookError

MULTIPLE_SEPARATOR = ";"
MAX_TEXT_LENGTH = 1000  # the longest short text a codebook may allow
MAX_NUMBER_DIGITS = 30  # digits before or after the point a number may have
NUMBER_PATTERN = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")
_INPUT_SEPARATORS = re.compile(r"\s*[;,|]\s*")


class _Category(Protocol):
    @property
    def code(self) -> str: ...


class CodebookField(Protocol):
    """What this module reads of a codebook field (codebook.CodebookField; a protocol,
    because the codebook module builds on this one)."""

    @property
    def key(self) -> str: ...
    @property
    def type(self) -> FieldType: ...
    @property
    def categories(self) -> Sequence[_Category]: ...
    @property
    def minimum(self) -> float | None: ...
    @property
    def maximum(self) -> float | None: ...
    @property
    def integer(self) -> bool: ...
    @property
    def max_length(self) -> int: ...
    def category(self, code: str) -> object | None: ...
    def resolve(self, text: str) -> _Category | None: ...


class FieldType(StrEnum):
    """What kind of answer a field takes (the codebook's `type`)."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    NUMBER = "number"
    TEXT = "text"
    DATE = "date"

    @property
    def has_categories(self) -> bool:
        return self in (FieldType.SINGLE, FieldType.MULTIPLE)


def check(field: CodebookField, value: str) -> str | None:
    """Why `value` is not a stored value of `field`, or None when it is."""
    kind = field.type
    if kind is FieldType.SINGLE:
        return None if field.category(value) is not None else "not one of its codes"
    if kind is FieldType.MULTIPLE:
        codes = value.split(MULTIPLE_SEPARATOR)
        unknown = [code for code in codes if field.category(code) is None]
        if unknown:
            return f"{unknown[0]!r} is not one of its codes"
        if len(set(codes)) != len(codes):
            return "a code given twice"
        return None
    if kind is FieldType.NUMBER:
        return _number_problem(field, value)
    if kind is FieldType.TEXT:
        return _text_problem(field, value)
    return None if _is_iso_date(value) else "not a date (YYYY-MM-DD)"


def parse(field: CodebookField, text: str) -> str:
    """The stored value for what a person typed or a file holds; a CodebookError says
    in one line why it is not one. Choices are read by code, label or value (as
    `CodebookField.resolve`), several of them separated by ';', ',' or '|'."""
    kind = field.type
    if kind is FieldType.SINGLE:
        category = field.resolve(text)
        if category is None:
            raise CodebookError(_unknown_code(field, text))
        return category.code
    if kind is FieldType.MULTIPLE:
        parts = [p for p in _INPUT_SEPARATORS.split(text.strip()) if p]
        codes = []
        for part in parts:
            category = field.resolve(part)
            if category is None:
                raise CodebookError(_unknown_code(field, part))
            codes.append(category.code)
        if not codes:
            raise CodebookError(f"field {field.key!r}: no category given")
        return join_choices(field, codes)
    value = _canonical_number(text) if kind is FieldType.NUMBER else text.strip()
    if kind is FieldType.DATE:
        value = value[:10] if _is_iso_date(value[:10]) and value[10:11] in ("", "T", " ") else value
    problem = check(field, value)
    if problem is not None:
        raise CodebookError(f"field {field.key!r}: {_shown(text)} is {problem}")
    return value


def join_choices(field: CodebookField, codes: list[str] | set[str]) -> str:
    """Chosen codes as stored: once each, in the codebook's order."""
    chosen = set(codes)
    return MULTIPLE_SEPARATOR.join(c.code for c in field.categories if c.code in chosen)


def choices(value: str | None) -> list[str]:
    """The codes of a stored multiple-choice value (or a single code), in order."""
    return value.split(MULTIPLE_SEPARATOR) if value else []


def toggled(field: CodebookField, value: str | None, code: str) -> str | None:
    """A multiple-choice value with `code` added or taken away; None when none is left."""
    chosen = set(choices(value)) ^ {code}
    return join_choices(field, chosen) or None


def as_number(value: str) -> float:
    """A stored number as a float, for statistics and exports."""
    return float(value)


def as_date(value: str) -> date:
    """A stored date as a date, for exports."""
    return date.fromisoformat(value)


def _number_problem(field: CodebookField, value: str) -> str | None:
    if NUMBER_PATTERN.fullmatch(value) is None or len(value) > 2 * MAX_NUMBER_DIGITS + 2:
        return "not a number (digits, a '-' and a '.' only, as in -12 or 3.5)"
    if field.integer and "." in value:
        return "not a whole number"
    number = Decimal(value)
    if field.minimum is not None and number < Decimal(str(field.minimum)):
        return f"below the minimum {field.minimum:g}"
    if field.maximum is not None and number > Decimal(str(field.maximum)):
        return f"above the maximum {field.maximum:g}"
    return None


def _canonical_number(text: str) -> str:
    """`+3.50`, `3.5e0` and ` 3.5 ` all store as `3.5`; what is not a number is left
    for `check` to name."""
    text = text.strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite() or abs(number.adjusted()) > MAX_NUMBER_DIGITS:
        return text  # 1e400 would be 401 digits: not a number anyone codes
    plain = format(number, "f")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return "0" if plain in ("-0", "") else plain


def _text_problem(field: CodebookField, value: str) -> str | None:
    if not value:
        return "empty"
    if value != value.strip():
        return "padded with white space"
    if len(value) > field.max_length:
        return f"longer than {field.max_length} characters"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
        return "holding a control or invisible formatting character"
    return None


def _is_iso_date(value: str) -> bool:
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _unknown_code(field: CodebookField, text: str) -> str:
    known = ", ".join(c.code for c in field.categories)
    return f"field {field.key!r} has no code {_shown(text)} (codes: {known})"


def _shown(text: str) -> str:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return repr(shown)
