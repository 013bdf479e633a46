"""Factiva exports as HTML, in its two layouts.

Facts about the format (from Factiva's help on display and download options):
"Full Article/Report plus Indexing" gives each article as a table of two-letter field
codes and their values (HD headline, BY byline, WC word count, PD date, ET time, SN
source name, SC source code, SE section, PG page, LA language, CY copyright, LP lead
paragraph, TD text, AN accession number, and indexing codes NS, RE, IN, CO); the
plain "Full Article/Report" layout gives a <div class="article"> per article (the
class names the language: "deArticle"), its headline, then one line per fact in a
fixed order (byline, word count, date, time, source, source code, page, language,
copyright), the paragraphs (class "articleParagraph"), and the accession number
("Document ...", "Dokument ...").
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from annotator.core.ingest.archives.record import (
    ArchiveDocument,
    ArchiveFile,
    is_copyright,
    language_code,
)
from annotator.core.ingest.dates import read_date

ARCHIVE = "Factiva"
_CODE = re.compile(r"[A-Z]{2,3}")
_CODE_ROWS = "//tr[count(td) >= 2]"
_ARTICLES = "//div[contains(concat(' ', normalize-space(@class), ' '), 'rticle ')]"
_PARAGRAPHS = ".//p[contains(@class, 'articleParagraph')]"
_WORD_COUNT = re.compile(r"(?i)\d[\d.,\u00a0]*\s+(?:words|wörter|mots|woorden|ord)")
_TIME = re.compile(r"\d{1,2}:\d{2}(?:\s*[A-Z]{2,4})?")
_SOURCE_CODE = re.compile(r"[A-Z0-9]{2,10}")
_PAGE = re.compile(r"(?i)(?:seite|page|pg\.?|p\.|s\.|side|pagina)\s*\w{1,6}")
_ACCESSION = re.compile(r"(?i)(?:document|dokument|documento)\s+(?P<id>\w{10,40})")
_LAYOUT_LANGUAGE = re.compile(r"\b(?P<code>[a-z]{2})Article\b")


def is_factiva_html(root: lxml_html.HtmlElement) -> bool:
    """Whether a page is a Factiva export: a row coded HD, or an article <div> whose
    paragraphs are marked "articleParagraph"."""
    if any(_row_code(row) == "HD" for row in root.xpath(_CODE_ROWS)):
        return True
    return any(article.xpath(_PARAGRAPHS) for article in root.xpath(_ARTICLES))


def read_factiva(root: lxml_html.HtmlElement, source: str) -> ArchiveFile:
    """The articles of an export, in either layout."""
    documents = _coded_documents(root, source)
    if not documents:
        documents = [
            _layout_document(article, f"{source} article {number}")
            for number, article in enumerate(
                (a for a in root.xpath(_ARTICLES) if a.xpath(_PARAGRAPHS)), start=1
            )
        ]
    return ArchiveFile(documents=documents)


def _row_code(row: lxml_html.HtmlElement) -> str | None:
    code = row.xpath("./td")[0].text_content().strip()
    return code if _CODE.fullmatch(code) else None


def _coded_documents(root: lxml_html.HtmlElement, source: str) -> list[ArchiveDocument]:
    """Field-code layout: an article starts at each HD, or where a code comes again."""
    documents: list[ArchiveDocument] = []
    codes: set[str] = set()
    for row in root.xpath(_CODE_ROWS):
        code = _row_code(row)
        if code is None:
            continue
        if not documents or code == "HD" or code in codes:
            documents.append(ArchiveDocument(label=f"{source} article {len(documents) + 1}"))
            codes = set()
        codes.add(code)
        cell = row.xpath("./td")[1]
        if code in ("LP", "TD"):
            documents[-1].body.extend(_cell_paragraphs(cell))
        elif code == "AN":
            documents[-1].add_field("AN", _accession(cell.text_content()))
        else:
            documents[-1].add_field(code, cell.text_content())
    return documents


def _cell_paragraphs(cell: lxml_html.HtmlElement) -> list[str]:
    paragraphs = cell.xpath(".//p") or [cell]
    texts = [" ".join(p.text_content().split()) for p in paragraphs]
    return [text for text in texts if text]


def _accession(text: str) -> str:
    match = _ACCESSION.search(text)
    return match["id"] if match else " ".join(text.split())


def _layout_document(article: lxml_html.HtmlElement, label: str) -> ArchiveDocument:
    """Article layout: the headline, the fact lines before the text, the text, the
    accession number after it."""
    language = _LAYOUT_LANGUAGE.search(article.get("class", ""))
    document = ArchiveDocument(label=label, language=language["code"] if language else None)
    headline = article.xpath(".//*[@id='hd'] | .//*[contains(@class, 'Headline')]")
    if headline:
        document.add_field("title", headline[0].text_content())
    paragraphs = article.xpath(_PARAGRAPHS)
    document.body = [
        text for text in (" ".join(p.text_content().split()) for p in paragraphs) if text
    ]
    first = paragraphs[0]
    lines: list[str] = []
    after_text = False
    for div in article.xpath("./div"):
        if headline and (div is headline[0] or headline[0] in div.iterdescendants()):
            continue
        if first in div.iterdescendants():
            continue
        after_text = after_text or _follows(div, first)
        text = " ".join(div.text_content().split())
        if after_text and _ACCESSION.fullmatch(text):
            document.add_field("AN", _accession(text))
        elif text and not after_text:
            lines.append(text)
    _fact_lines(document, lines)
    return document


def _follows(element: lxml_html.HtmlElement, other: lxml_html.HtmlElement) -> bool:
    return any(previous is other for previous in element.itersiblings(preceding=True))


def _fact_lines(document: ArchiveDocument, lines: list[str]) -> None:
    """Name each fact line by what it looks like; before the date an unnamed line is the
    byline, after it the outlet and then the section."""
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
