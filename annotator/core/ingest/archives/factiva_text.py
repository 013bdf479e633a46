"""Factiva exports as Rich Text (.rtf), read from their text (see `factiva` for the format).

`rtf.rtf_text` gives the text: paragraph marks as line breaks, a table cell's end as
"|" and a tab as a tab. In the field-code layout each field starts a line with its code
(as a table row, "HD|...|", or followed by a tab or spaces) and runs until the next
code; the lines of LP and TD are the paragraphs. In the article layout each article
ends with its accession number ("Document PCOUR00020100111e61b0000a"): before it, the
headline, the fact lines (up to the copyright line, else the language line) and the
paragraphs. The search summary Factiva adds at the end is not an article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from annotator.core.ingest.archives.factiva import (
    ACCESSION,
    accession,
    coded_documents,
    fact_lines,
    factiva_file,
    is_word_count,
)
from annotator.core.ingest.archives.record import (
    ArchiveDocument,
    ArchiveFile,
    is_copyright,
    language_code,
)

# Factiva's field codes (its help's list); only these start a field in text, so a line
# of an article that happens to begin with two capitals stays text.
_CODES = [
    "HD",
    "CLM",
    "SE",
    "HL",
    "BY",
    "CR",
    "WC",
    "PD",
    "ET",
    "SN",
    "SC",
    "ED",
    "PG",
    "VOL",
    "LA",
    "CY",
    "LP",
    "TD",
    "CT",
    "RF",
    "ART",
    "CO",
    "IN",
    "NS",
    "RE",
    "IPC",
    "IPD",
    "PUB",
    "AN",
]
_FIELD = re.compile(rf"^[ \t]*(?P<code>{'|'.join(_CODES)})(?:[ \t]*\||\t|[ \t]{{2,}}|$)")
_SUMMARY = re.compile(r"(?im)^[ \t|]*(?:search summary|suchzusammenfassung)\b")
_ACCESSION_LINE = re.compile(rf"^[ \t|]*{ACCESSION.pattern}[ \t|]*$", re.I | re.M)


def is_factiva_text(text: str) -> bool:
    """Whether a text is a Factiva export: a field coded HD and one coded TD, LP or AN;
    or an article layout, an accession line with a word count line before it."""
    codes = {match["code"] for match in map(_FIELD.match, text.splitlines()) if match}
    if "HD" in codes and codes & {"TD", "LP", "AN"}:
        return True
    first = _ACCESSION_LINE.search(text)
    return first is not None and any(
        is_word_count(_clean(line)) for line in text[: first.start()].splitlines()
    )


def read_factiva_text(text: str, source: str) -> ArchiveFile:
    """The articles of an export, in either layout."""
    text = _SUMMARY.split(text, maxsplit=1)[0]
    documents = coded_documents(_code_rows(text), source)
    if not documents:
        documents = _layout_documents(text, source)
    return factiva_file(documents)


def _clean(line: str) -> str:
    """A line without the cell marks and spacing RTF tables leave around it."""
    return " ".join(line.strip().strip("|").split())


def _code_rows(text: str) -> Iterator[tuple[str, list[str]]]:
    """Each field as its code and its lines; nothing before the first code."""
    code: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        match = _FIELD.match(line)
        if match:
            if code is not None:
                yield code, lines
            code, lines = match["code"], [_clean(line[match.end() :])]
        elif code is not None:
            lines.append(_clean(line))
    if code is not None:
        yield code, lines


def _layout_documents(text: str, source: str) -> list[ArchiveDocument]:
    """Article layout: an article per accession line, made of the lines before it."""
    documents: list[ArchiveDocument] = []
    start = 0
    for number, found in enumerate(_ACCESSION_LINE.finditer(text), start=1):
        lines = [line for line in map(_clean, text[start : found.start()].splitlines()) if line]
        start = found.end()
        document = ArchiveDocument(label=f"{source} article {number}")
        document.add_field("AN", accession(found.group()))
        if lines:
            document.add_field("title", lines[0])
            facts_end = _facts_end(lines)
            fact_lines(document, lines[1:facts_end])
            document.body = lines[facts_end:]
        documents.append(document)
    return documents


def _facts_end(lines: list[str]) -> int:
    """Where the fact lines under the headline end: after the copyright line, else
    after the language line (the last facts in Factiva's order)."""
    for test in (is_copyright, lambda line: len(line.split()) == 1 and language_code(line)):
        found = next((index for index, line in enumerate(lines[1:], 1) if test(line)), None)
        if found is not None:
            return found + 1
    return 1
