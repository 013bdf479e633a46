"""Reading the lines of an export's header: fields, copyright, date, title and outlet.

Nexis Uni (DOCX, PDF) and LexisNexis Academic (TXT) both open a document with a few
lines without a name (title, outlet, date line, edition) and then named fields ("Byline:
...", "SECTION: ..."); they differ in how a field is written, so each reader passes its
own field pattern and this module does the rest.
"""

from __future__ import annotations

import re

from annotator.core.ingest.archives.record import ArchiveDocument, is_copyright
from annotator.core.ingest.dates import read_date

# A field's value may run to a few lines (a HIGHLIGHT, a list of subjects); a longer
# paragraph is article text, whatever its first word.
_MAX_FIELD_CHARS = 1200


def field_match(pattern: re.Pattern[str], line: str) -> tuple[str, str] | None:
    """(name, value) if `line` is a header field as `pattern` (groups name, value) reads it."""
    if len(line) > _MAX_FIELD_CHARS:
        return None
    match = pattern.fullmatch(line.strip())
    return (match["name"], match["value"]) if match else None


def read_header(
    document: ArchiveDocument,
    lines: list[str],
    pattern: re.Pattern[str],
    *,
    headline_first: bool = True,
) -> None:
    """Read a document's header lines into its fields.

    Unnamed lines are the title, the outlet and the date line, in that order in Nexis
    Uni (`headline_first`), or the outlet, the date line and the headline in LexisNexis
    Academic; any other unnamed line (an edition, "Late Edition - Final") is kept as
    `edition`. A document whose unnamed lines leave no place for a headline has none
    (its title is made from outlet and date); a headline given as a field ("KOP:")
    takes the place of an unnamed one. A copyright line is kept as `copyright`.
    """
    unnamed: list[str] = []
    for line in lines:
        named = field_match(pattern, line)
        if named:
            document.add_field(*named)
        elif is_copyright(line):
            document.add_field("copyright", line)
        elif line.strip():
            unnamed.append(" ".join(line.split()))
    date_at = next((index for index, line in enumerate(unnamed) if read_date(line)), None)
    if date_at is None:
        before, after = unnamed[:2], unnamed[2:]
    else:
        document.add_field("date", unnamed[date_at])
        before, after = unnamed[:date_at], unnamed[date_at + 1 :]
    if headline_first:
        _headline_first(document, before, after)
    else:
        _outlet_first(document, before, after)


def _headline_first(document: ArchiveDocument, before: list[str], after: list[str]) -> None:
    """Nexis Uni: title, outlet, date; with one line before the date, it is the outlet."""
    if len(before) >= 2 and "title" not in document.fields:
        document.add_field("title", before.pop(0))
    if before:
        document.add_field("outlet", before.pop(0))
    for line in [*before, *after]:
        document.add_field("edition", line)


def _outlet_first(document: ArchiveDocument, before: list[str], after: list[str]) -> None:
    """LexisNexis Academic: outlet, date, edition lines, then the headline (the last)."""
    if before:
        document.add_field("outlet", before.pop(0))
    if after and "title" not in document.fields:
        document.add_field("title", after.pop())
    for line in [*before, *after]:
        document.add_field("edition", line)
