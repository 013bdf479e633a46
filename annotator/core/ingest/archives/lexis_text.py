"""LexisNexis Academic exports as plain text ("1 of 10 DOCUMENTS").

Facts about the format (from LexisNexis Academic's download options and what
LexisNexisTools documents of it): an optional request block at the top ("Download
Request:", "Terms:", "Source:"), then per document a line "N of M DOCUMENTS" (in the
archive's other languages "N von M DOKUMENTEN", "N sur M DOCUMENTS", "N van M
DOCUMENTEN", "N af M DOKUMENTER"; M may change inside one file when searches were
combined), the outlet, the date line and an edition, the headline, fields in capitals
with a colon ("BYLINE:", "SECTION:", "LENGTH:", in German "AUTOR:", "RUBRIK:", "LÄNGE:",
in Dutch "KOP:" for the headline), the text, and trailing fields ("LOAD-DATE:",
"LANGUAGE:", "PUBLICATION-TYPE:") and a copyright line. Paragraphs are separated by
blank lines.
"""

from __future__ import annotations

import re

from annotator.core.errors import InputError
from annotator.core.ingest.archives.header_lines import field_match, read_header
from annotator.core.ingest.archives.record import ArchiveDocument, ArchiveFile, is_copyright

ARCHIVE = "LexisNexis"
# In capitals, as the archive writes it: an article's own line "1 of 3 documents" is text.
_SEPARATOR = re.compile(
    r"(?m)^[ \t]*(?P<number>\d{1,6})[ \t]+(?:of|von|sur|van|af|de)[ \t]+(?P<total>\d{1,6})"
    r"[ \t]+(?:DOCUMENTS?|DOKUMENTE?N?|DOCUMENTEN|DOKUMENTER)[ \t]*$"
)
_CAPS = r"[^\W\d_a-zäöüæøåéèàç]"
_FIELD = re.compile(
    rf"(?P<name>{_CAPS}(?:{_CAPS}|-)+(?: {_CAPS}(?:{_CAPS}|-)+)?):[ \t]*(?P<value>.*)", re.S
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def is_lexis_text(text: str) -> bool:
    """Whether a text is a LexisNexis export: it has an "N of M DOCUMENTS" line."""
    return _SEPARATOR.search(text) is not None


def read_lexis_text(text: str, source: str) -> ArchiveFile:
    """The documents of an export, numbered as the archive numbers them."""
    separators = list(_SEPARATOR.finditer(text))
    found = ArchiveFile(documents=[], stated=int(separators[0]["total"]))
    for index, separator in enumerate(separators):
        end = separators[index + 1].start() if index + 1 < len(separators) else len(text)
        label = f"{source} document {separator['number']} of {separator['total']}"
        try:
            found.documents.append(read_document(text[separator.end() : end], label))
        except InputError as error:
            found.problems.append(str(error))
    return found


def read_document(text: str, label: str) -> ArchiveDocument:
    """One document: header paragraphs, the text, then the trailing fields."""
    paragraphs = [part.strip() for part in _BLANK_LINES.split(text.strip()) if part.strip()]
    body_at = _body_start(paragraphs)
    trailer_at = len(paragraphs)
    while trailer_at > body_at and _is_trailer(paragraphs[trailer_at - 1]):
        trailer_at -= 1
    document = ArchiveDocument(label=label)
    header = [
        line
        for paragraph in paragraphs[:body_at]
        for line in ([paragraph] if field_match(_FIELD, paragraph) else paragraph.splitlines())
    ]
    read_header(document, [*header, *paragraphs[trailer_at:]], _FIELD, headline_first=False)
    document.body = [" ".join(part.split()) for part in paragraphs[body_at:trailer_at]]
    if not document.body:
        raise InputError(label, "no article text; skipped")
    return document


def _body_start(paragraphs: list[str]) -> int:
    """Where the text begins: after the last header field that precedes it.

    The header is the unnamed lines (outlet, date, edition, headline) and the fields
    after them; the first unnamed paragraph after a field starts the text. A document
    with no field before its text has its outlet, date, edition lines and headline as
    its first paragraph of separate lines.
    """
    seen_field = False
    for index, paragraph in enumerate(paragraphs):
        if field_match(_FIELD, paragraph) or is_copyright(paragraph):
            seen_field = True
        elif seen_field:
            return index
    return min(len(paragraphs), 1) if not seen_field else len(paragraphs)


def _is_trailer(paragraph: str) -> bool:
    return is_copyright(paragraph) or field_match(_FIELD, paragraph) is not None
