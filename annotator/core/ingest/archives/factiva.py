"""Factiva's record logic, shared by its HTML and RTF exports.

Facts about the format (from Factiva's help on display and download options):
"Full Article/Report plus Indexing" gives each article as two-letter field codes and
their values (HD headline, BY byline, WC word count, PD date, ET time, SN source name,
SC source code, SE section, PG page, LA language, CY copyright, LP lead paragraph, TD
text, AN accession number, and indexing codes NS, RE, IN, CO); the plain "Full
Article/Report" layout gives per article its headline, then one line per fact in a
fixed order (byline, word count, date, time, source, source code, page, language,
copyright), the paragraphs, and the accession number ("Document ...", "Dokument ...").
HTML and RTF differ only in how these rows and lines are marked; the readers
`factiva_html` and `factiva_rtf` find them, and this module makes them documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from annotator.core.ingest.archives.record import (
    ArchiveDocument,
    ArchiveFile,
    is_copyright,
    language_code,
)
from annotator.core.ingest.dates import read_date

ARCHIVE = "Factiva"
_WORD_COUNT = re.compile(r"(?i)\d[\d.,\u00a0]*\s+(?:words|wörter|mots|woorden|ord)")
_TIME = re.compile(r"\d{1,2}:\d{2}(?:\s*[A-Z]{2,4})?")
_SOURCE_CODE = re.compile(r"[A-Z0-9]{2,10}")
_PAGE = re.compile(r"(?i)(?:seite|page|pg\.?|p\.|s\.|side|pagina)\s*\w{1,6}")
ACCESSION = re.compile(r"(?:document|dokument|documento)\s+(?P<id>\w{10,40})", re.I)


def coded_documents(rows: Iterable[tuple[str, list[str]]], source: str) -> list[ArchiveDocument]:
    """Field-code layout, from (code, paragraphs) rows in the export's order: an article
    starts at each HD, or where a code comes again."""
    documents: list[ArchiveDocument] = []
    codes: set[str] = set()
    for code, paragraphs in rows:
        if not documents or code == "HD" or code in codes:
            documents.append(ArchiveDocument(label=f"{source} article {len(documents) + 1}"))
            codes = set()
        codes.add(code)
        if code in ("LP", "TD"):
            documents[-1].body.extend(p for p in (" ".join(p.split()) for p in paragraphs) if p)
        elif code == "AN":
            documents[-1].add_field("AN", accession(" ".join(paragraphs)))
        else:
            documents[-1].add_field(code, " ".join(paragraphs))
    return documents


def accession(text: str) -> str:
    """The accession number out of "Document PCOUR00020100111e61b0000a"."""
    match = ACCESSION.search(text)
    return match["id"] if match else " ".join(text.split())


def fact_lines(document: ArchiveDocument, lines: list[str]) -> None:
    """Article layout: name each fact line by what it looks like; before the date an
    unnamed line is the byline, after it the outlet and then the section."""
    dated = False
    for line in lines:
        if _WORD_COUNT.fullmatch(line):
            document.add_field("WC", line)
        elif not dated and read_date(line):
            document.add_field("PD", line)
            dated = True
        elif _TIME.fullmatch(line):
            document.add_field("ET", line)
        elif is_copyright(line):
            document.add_field("CY", line)
        elif len(line.split()) == 1 and language_code(line):
            document.add_field("LA", line)
        elif not dated:
            document.add_field("BY", line)
        elif "outlet" not in document.fields:
            document.add_field("SN", line)
        elif _SOURCE_CODE.fullmatch(line):
            document.add_field("SC", line)
        elif _PAGE.fullmatch(line):
            document.add_field("PG", line)
        else:
            document.add_field("SE", line)


def is_word_count(line: str) -> bool:
    """Whether a line is the layout's word count ("412 words", "233 Wörter")."""
    return _WORD_COUNT.fullmatch(line) is not None


def factiva_file(documents: list[ArchiveDocument]) -> ArchiveFile:
    """An export's articles, counted against the articles it begins (a headline or an
    accession number each): Factiva states no count of its own, so "found 2 of 3" says
    that one article in the file could not be read."""
    return ArchiveFile(documents=documents, stated=len(documents))
