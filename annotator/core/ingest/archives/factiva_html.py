"""Factiva exports as HTML, in its two layouts (see `factiva` for the format).

The field-code layout is a table row per field (the code in the first cell); the
article layout a <div class="article"> per article (the class names the language:
"deArticle"), the headline marked "Headline", the fact lines as <div>s, the paragraphs
marked "articleParagraph", then the accession number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import html as lxml_html

from annotator.core.ingest.archives.factiva import (
    ACCESSION,
    accession,
    coded_documents,
    fact_lines,
    factiva_file,
)
from annotator.core.ingest.archives.record import ArchiveDocument, ArchiveFile

_CODE = re.compile(r"[A-Z]{2,3}")
_CODE_ROWS = "//tr[count(td) >= 2]"
_ARTICLES = "//div[contains(concat(' ', normalize-space(@class), ' '), 'rticle ')]"
_PARAGRAPHS = ".//p[contains(@class, 'articleParagraph')]"
_LAYOUT_LANGUAGE = re.compile(r"\b(?P<code>[a-z]{2})Article\b")


def is_factiva_html(root: lxml_html.HtmlElement) -> bool:
    """Whether a page is a Factiva export: a row coded HD, or an article <div> whose
    paragraphs are marked "articleParagraph"."""
    if any(_row_code(row) == "HD" for row in root.xpath(_CODE_ROWS)):
        return True
    return any(article.xpath(_PARAGRAPHS) for article in root.xpath(_ARTICLES))


def read_factiva(root: lxml_html.HtmlElement, source: str) -> ArchiveFile:
    """The articles of an export, in either layout."""
    documents = coded_documents(_code_rows(root), source)
    if not documents:
        documents = [
            _layout_document(article, f"{source} article {number}")
            for number, article in enumerate(
                (a for a in root.xpath(_ARTICLES) if a.xpath(_PARAGRAPHS)), start=1
            )
        ]
    return factiva_file(documents)


def _row_code(row: lxml_html.HtmlElement) -> str | None:
    code = row.xpath("./td")[0].text_content().strip()
    return code if _CODE.fullmatch(code) else None


def _code_rows(root: lxml_html.HtmlElement) -> Iterator[tuple[str, list[str]]]:
    """Each coded table row as its code and the paragraphs of its value cell."""
    for row in root.xpath(_CODE_ROWS):
        code = _row_code(row)
        if code is not None:
            cell = row.xpath("./td")[1]
            paragraphs = cell.xpath(".//p") or [cell]
            yield code, [p.text_content() for p in paragraphs]


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
        if after_text and ACCESSION.fullmatch(text):
            document.add_field("AN", accession(text))
        elif text and not after_text:
            lines.append(text)
    fact_lines(document, lines)
    return document


def _follows(element: lxml_html.HtmlElement, other: lxml_html.HtmlElement) -> bool:
    return any(previous is other for previous in element.itersiblings(preceding=True))
