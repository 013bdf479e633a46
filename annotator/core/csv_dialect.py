"""CSV as RFC 4180 describes it, safe to open in a spreadsheet.

Fields are separated by commas and quoted only when needed (QUOTE_MINIMAL: a
comma, a double quote, CR or LF inside), quotes doubled, records ended by CRLF,
text in UTF-8 (optionally with a byte-order mark, which Excel needs to read
accents). Newlines and quotes inside text are kept as they are.

Formula injection (OWASP, "CSV Injection"): a text cell that begins with =, +,
-, @, a tab or a carriage return is written with a single quote (') in front, so
a spreadsheet shows it as text instead of running it. Only text cells are
touched: numbers (unit indexes, counts, the numeric values of --values) are
written as numbers, so a negative value stays -2. `unneutralise` undoes the
prefix when codes are imported back. A text that itself begins with a quote and
one of those characters (or a second quote) gets the prefix too, so that every
text reads back exactly as it was: `'=x` is written `''=x`, never confused with
a neutralised `=x`.
"""

from __future__ import annotations

import csv
from typing import TextIO

FORMULA_TRIGGERS = frozenset("=+-@\t\r")
NEUTRALISING_PREFIX = "'"


_AFTER_PREFIX = FORMULA_TRIGGERS | {NEUTRALISING_PREFIX}


def neutralise(text: str) -> str:
    """`text` with the OWASP single-quote prefix when a spreadsheet would run it as a
    formula, or when it would otherwise read back as a neutralised text."""
    # One test for the usual text, which starts with none of these (an export calls this
    # for every text cell).
    if text and text[0] in _AFTER_PREFIX and (text[0] != NEUTRALISING_PREFIX or _prefixed(text)):
        return NEUTRALISING_PREFIX + text
    return text


def unneutralise(text: str) -> str:
    """Undo `neutralise`: drop a leading quote that is followed by a formula trigger or
    another quote."""
    return text[1:] if _prefixed(text) else text


def _prefixed(text: str) -> bool:
    return len(text) > 1 and text[0] == NEUTRALISING_PREFIX and text[1] in _AFTER_PREFIX


def csv_writer(stream: TextIO):
    """The one CSV dialect annotator writes (and reads back in `code_import`)."""
    return csv.writer(stream, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
