"""Which archive, if any, a file is an export of: decided from its content.

Each function takes what the file's own reader already made of it (the paragraphs of a
.docx, the tree of an HTML page, the text of a .txt or .pdf) and returns the export's
articles, or None when the file is an ordinary article.
"""

from __future__ import annotations

from lxml import html as lxml_html

from annotator.core.ingest.archives import factiva_html, factiva_text, lexis_text, nexis_docx
from annotator.core.ingest.archives.factiva import ARCHIVE as FACTIVA
from annotator.core.ingest.archives.pdf import pdf_lines_archive
from annotator.core.ingest.archives.record import archive_result
from annotator.core.ingest.documents import ReadResult


def archive_in_docx(pieces: list[tuple[str, str]], source: str) -> ReadResult | None:
    """A Nexis Uni export in Word, from its paragraphs."""
    lines = [text for _, text in pieces]
    if not nexis_docx.is_nexis_export(lines):
        return None
    return archive_result(nexis_docx.read_nexis(lines, source), source, nexis_docx.ARCHIVE)


def archive_in_html(root: lxml_html.HtmlElement, source: str) -> ReadResult | None:
    """A Factiva export in HTML, from the page's tree."""
    if not factiva_html.is_factiva_html(root):
        return None
    return archive_result(factiva_html.read_factiva(root, source), source, FACTIVA)


def archive_in_text(text: str, source: str) -> ReadResult | None:
    """A LexisNexis export in plain text, a Nexis Uni export saved as text, or the text
    of an RTF file (a LexisNexis or Factiva download)."""
    if lexis_text.is_lexis_text(text):
        found = lexis_text.read_lexis_text(text, source)
        return archive_result(found, source, lexis_text.ARCHIVE)
    if factiva_text.is_factiva_text(text):
        return archive_result(factiva_text.read_factiva_text(text, source), source, FACTIVA)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if nexis_docx.is_nexis_export(lines):
        return archive_result(nexis_docx.read_nexis(lines, source), source, nexis_docx.ARCHIVE)
    return None


def archive_in_pdf(text: str, source: str) -> ReadResult | None:
    """An export printed to PDF: its text, its lines re-joined into paragraphs."""
    if lexis_text.is_lexis_text(text):
        found = lexis_text.read_lexis_text(text, source)
        return archive_result(found, source, lexis_text.ARCHIVE)
    found_nexis = pdf_lines_archive(text, source)
    if found_nexis is None:
        return None
    return archive_result(found_nexis, source, nexis_docx.ARCHIVE)
