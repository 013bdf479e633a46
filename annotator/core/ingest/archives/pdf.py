"""Text PDFs: a single article, or an archive export printed to PDF.

pypdf reads the text: it is pure Python (no system library to install on a coder's
Windows machine), maintained, and its layout-free extraction keeps the reading order of
a single-column text, which is all a news article or an export is. pdfminer.six reads
layouts better but is slower and heavier, and its layout analysis buys nothing here. A
scanned PDF has no text to read; it is refused with a line saying so (OCR is out of
scope).

A PDF has lines, not paragraphs: the lines of an export are re-joined into paragraphs
(a line that ends a sentence and is shorter than the page's full lines ends one), and
the page numbers a printout adds ("Page 2 of 15") are dropped.
"""

from __future__ import annotations

import io
import re

from annotator.core.errors import InputError
from annotator.core.ingest.archives import nexis_docx
from annotator.core.ingest.archives.record import ArchiveFile

MAX_PDF_PAGES = 5_000
# pypdf inflates each stream to at most 75 MB (its own limit against PDF bombs); the text
# of all pages together is bounded here, as a text file's size is.
MAX_PDF_TEXT = 20_000_000
_PAGE_NUMBER = re.compile(
    r"(?i)(?:page|seite|pagina|side)\s+\d{1,5}\s+(?:of|von|sur|van|af|de)\s+\d{1,5}"
)
_ENDS_SENTENCE = tuple(".!?\"'”’»:)")
_FULL_LINE = 0.8  # a line this share of the longest line's length or more is wrapped


def pdf_text(data: bytes, source: str) -> str:
    """The text of a PDF, page by page; InputError if it is damaged, encrypted or has
    no text layer."""
    from pypdf import PdfReader  # imported here: only needed for .pdf
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(source, "an encrypted PDF; save it without a password first")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise InputError(source, f"not read: more than {MAX_PDF_PAGES:,} pages")
        pages = _page_texts(reader, source)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError):
        raise InputError(source, "not a PDF, or a damaged one") from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text.strip():
        raise InputError(source, "no text in this PDF (a scan?); export it as text instead")
    return text


def _page_texts(reader, source: str) -> list[str]:
    pages: list[str] = []
    total = 0
    for page in reader.pages:
        pages.append(page.extract_text() or "")
        total += len(pages[-1])
        if total > MAX_PDF_TEXT:
            raise InputError(
                source, f"not read: more than {MAX_PDF_TEXT:,} characters of text in the PDF"
            )
    return pages


def pdf_lines_archive(text: str, source: str) -> ArchiveFile | None:
    """A Nexis Uni export printed to PDF, or None if the text is not one."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not _PAGE_NUMBER.fullmatch(line)]
    if not nexis_docx.is_nexis_export(lines):
        return None
    found = nexis_docx.read_nexis(lines, source)
    for document in found.documents:
        document.body = rejoined(document.body)
    return found


def rejoined(lines: list[str]) -> list[str]:
    """Lines wrapped on the page joined back into paragraphs."""
    longest = max((len(line) for line in lines), default=0)
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        paragraphs[-1].append(line)
        if line.endswith(_ENDS_SENTENCE) and len(line) < _FULL_LINE * longest:
            paragraphs.append([])
    return [" ".join(paragraph) for paragraph in paragraphs if paragraph]
