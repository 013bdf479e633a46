"""Nexis Uni exports in Word (.docx): one or many documents per file.

Facts about the format (from Nexis Uni's own help on downloading documents, and
what open-source parsers such as LexisNexisTools document): a file of many documents
opens with a cover page ("Documents (N)", the list of titles, the search terms); each
document then gives its title, outlet and date line ("January 11, 2010 Monday 9:20 AM
GMT"), a copyright line, fields written "Name: value" ("Section:", "Length:",
"Byline:"), a line "Body", the text, optional "Graphic" and "Notes" blocks (a line
alone, then the caption or note), an optional "Classification" block of fields,
"Load-Date:" and the line "End of Document". Recognised from those lines, not from
the file's suffix.
"""

from __future__ import annotations

import re

from annotator.core.errors import InputError
from annotator.core.ingest.archives.header_lines import field_match, read_header
from annotator.core.ingest.archives.record import (
    ArchiveDocument,
    ArchiveFile,
    canonical_field,
    is_copyright,
)

END = "End of Document"
BODY_MARKERS = frozenset({"Body", "Text", "Corps", "Tekst", "Brødtekst"})
_FIELD = re.compile(r"(?P<name>[^\W\d_][^\W\d_]*(?:[-/ ][^\W\d_]+){0,2}):\s*(?P<value>.*)")
_STATED = re.compile(r"(?:Documents|Dokumente|Documenten|Dokumenter)\s*\((?P<count>\d{1,6})\)")
_COVER = re.compile(
    r"(?i)(?:Client/Matter|Search Terms|Search Type|Narrowed by|Content Type|Job Number"
    r"|Date and Time|User Name|Documents \(\d+\))\b.*"
)
_CLASSIFICATION = frozenset({"Classification", "Klassifikation", "Classificatie"})
# blocks after the text, a heading line alone and then its lines: photo captions, notes
_AFTER_TEXT = {"Graphic": "graphic", "Notes": "notes"}
ARCHIVE = "Nexis Uni"


def is_nexis_export(lines: list[str]) -> bool:
    """Whether a document's paragraphs are a Nexis Uni export: "End of Document" lines
    with a "Body" line before the first of them."""
    try:
        first_end = lines.index(END)
    except ValueError:
        return False
    return any(line in BODY_MARKERS for line in lines[:first_end])


def read_nexis(lines: list[str], source: str) -> ArchiveFile:
    """The documents of an export, given its paragraphs in order (stripped, non-empty)."""
    stated = _stated_count(lines)
    segments = _segments(lines)
    found = ArchiveFile(documents=[], stated=stated)
    total = len(segments)
    for number, segment in enumerate(segments, start=1):
        label = f"{source} document {number} of {total}"
        try:
            found.documents.append(read_document(segment, label))
        except InputError as error:
            found.problems.append(str(error))
    return found


def _stated_count(lines: list[str]) -> int | None:
    """The count the cover page states ("Documents (10)"), if the file has a cover."""
    first_end = lines.index(END) if END in lines else len(lines)
    for line in lines[:first_end]:
        match = _STATED.fullmatch(line)
        if match:
            return int(match["count"])
    return None


def _segments(lines: list[str]) -> list[list[str]]:
    """Each document's lines: cut at "End of Document", the cover page left out."""
    segments: list[list[str]] = [[]]
    for line in lines:
        if line == END:
            segments.append([])
        else:
            segments[-1].append(line)
    if not any(line in BODY_MARKERS for line in segments[-1]):
        segments.pop()  # after the last "End of Document": nothing, or the export's footer
    if segments:
        segments[0] = _without_cover(segments[0])
    return segments


def _without_cover(lines: list[str]) -> list[str]:
    """The first document without the cover page before it (its last cover line is the
    last search detail, before the first document's "Body" line)."""
    body_at = next((i for i, line in enumerate(lines) if line in BODY_MARKERS), len(lines))
    cover = [i for i, line in enumerate(lines[:body_at]) if _COVER.fullmatch(line)]
    return lines[cover[-1] + 1 :] if cover else lines


def read_document(lines: list[str], label: str) -> ArchiveDocument:
    """One document's header, text and classification block, from its lines."""
    body_at = next((i for i, line in enumerate(lines) if line in BODY_MARKERS), None)
    if body_at is None:
        raise InputError(label, 'no "Body" line before "End of Document"; skipped')
    document = ArchiveDocument(label=label)
    read_header(document, lines[:body_at], _FIELD)
    body = lines[body_at + 1 :]
    trailer_at = len(body)
    while trailer_at > 0 and _is_trailer(body[trailer_at - 1]):
        trailer_at -= 1
    for line in body[trailer_at:]:
        named = field_match(_FIELD, line)
        if named:
            document.add_field(*named)
        elif is_copyright(line):
            document.add_field("copyright", line)
    text = body[:trailer_at]
    block_at = next((i for i, line in enumerate(text) if line in _AFTER_TEXT), len(text))
    for name, lines in _after_text_blocks(text[block_at:]):
        document.add_field(name, " ".join(lines))
    document.body = text[:block_at]
    return document


def _after_text_blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """("graphic", its lines), ("notes", ...) from the lines after the text."""
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        if line in _AFTER_TEXT:
            blocks.append((_AFTER_TEXT[line], []))
        else:
            blocks[-1][1].append(line)
    return blocks


def _is_trailer(line: str) -> bool:
    """A line of the block after the text: "Classification", "Graphic", a field ("PHOTO:
    ...", "Load-Date: ..."), a copyright line."""
    if line in _CLASSIFICATION or line in _AFTER_TEXT or is_copyright(line):
        return True
    named = field_match(_FIELD, line)
    return named is not None and len(canonical_field(named[0])) <= 30
