"""Markdown, HTML and Word documents read into (kind, text) pieces of plain text.

A piece is a title, a heading or a paragraph; importers join the pieces into the stored
text (`documents.join_blocks`). Kept apart from `importers` so that each format's rules
can be read on their own.
"""

from __future__ import annotations

import html
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from annotator.core.errors import InputError
from annotator.core.ingest.documents import Block
from annotator.core.ingest.plain_text import blocks_from_plain_text

Piece = tuple[str, str]  # (kind, text): kind is "title", "heading" or "paragraph"

# --- Markdown ---------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MD_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_MD_RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_MD_QUOTE = re.compile(r"^ {0,3}(?:>\s?)+")
_MD_BULLET = re.compile(r"^(\s*)[*+-]\s+")
_MD_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")
_MD_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),  # images: nothing to code
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # <https://...>
    (re.compile(r"</?[A-Za-z][^>\n]*>"), ""),  # inline HTML tags
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"\*(?=\S)(.+?)(?<=\S)\*"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),  # not snake_case
    (re.compile(r"~~(.+?)~~"), r"\1"),
)


def markdown_pieces(source: str) -> list[Piece]:
    """Markdown as plain-text pieces: markup stripped, "#" lines made title and headings.

    Between headings the text is read by the plain-text rules (blank lines, standalone
    lines, short headings), so a .md file that is really plain text reads like a .txt.
    The first block is the title if it is a "# " heading or a first line followed by a
    blank line; "## " and deeper headings are never the title.
    """
    lines, levels = _markdown_lines(source)
    text = "\n".join(lines)
    line_starts = [0, *itertools.accumulate(len(line) + 1 for line in lines)]
    level_at = {line_starts[index]: level for index, level in levels.items()}
    pieces: list[Piece] = []
    for block in blocks_from_plain_text(text):
        kind = _markdown_kind(block, level_at, first=not pieces)
        pieces.append((kind, text[block.start : block.end]))
    return pieces


def _markdown_kind(block: Block, level_at: dict[int, int], *, first: bool) -> str:
    level = level_at.get(block.start)
    if level is None:
        return block.kind
    return "title" if first and level == 1 else "heading"


def _markdown_lines(source: str) -> tuple[list[str], dict[int, int]]:
    """Plain lines of a Markdown text, and the heading level of each heading line by index."""
    lines: list[str] = []
    levels: dict[int, int] = {}
    for raw in source.split("\n"):
        if _MD_FENCE.match(raw) or _MD_REFERENCE.match(raw):
            continue
        line = _MD_QUOTE.sub("", raw)
        setext = _MD_SETEXT.match(line)
        if setext and lines and lines[-1].strip() and len(lines) - 1 not in levels:
            underlined = lines.pop()
            levels[len(lines) + 1] = 1 if setext[1][0] == "=" else 2
            lines.extend(["", underlined.strip(), ""])
            continue
        if _MD_RULE.match(line):
            lines.append("")
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            levels[len(lines) + 1] = len(heading[1])
            lines.extend(["", _markdown_inline(heading[2]), ""])
            continue
        lines.append(_markdown_inline(_MD_BULLET.sub(r"\1- ", line)).rstrip())
    return lines, levels


def _markdown_inline(line: str) -> str:
    """Strip inline markup; escaped characters are hidden first so that they survive."""
    line = _MD_ESCAPE.sub(lambda match: chr(0xE000 + ord(match[1])), line)
    for pattern, replacement in _MD_INLINE:
        line = pattern.sub(replacement, line)
    line = re.sub("[\ue000-\ue07f]", lambda match: chr(ord(match[0]) - 0xE000), line)
    return html.unescape(line)


# --- HTML -------------------------------------------------------------------------------
# Read by hand with lxml (which trafilatura is built on) rather than with trafilatura:
# tried on short pages, trafilatura dropped h2 headings and list items as boilerplate and
# dated a page from its copyright line. A coder must see every sentence of the article,
# and the same page must always give the same units, so the rules here are plain: the
# <article> (or <main>, or <body>) minus navigation, asides, footers, forms, scripts and
# picture captions.

_HTML_DROP = (
    "//script|//style|//noscript|//template|//nav|//aside|//footer|//form|//iframe|//svg"
    "|//button|//select|//figcaption|//header[not(.//h1)]|//*[@hidden]|//*[@aria-hidden='true']"
    "|//*[@role='navigation' or @role='complementary' or @role='contentinfo' or @role='banner']"
    "|//comment()|//processing-instruction()"
)
_HTML_BLOCKS = frozenset(
    {"address", "article", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset"}
    | {"figure", "li", "main", "ol", "p", "pre", "section", "summary", "table"}
    | {"tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
)
_HTML_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Characters lxml keeps from parsing but refuses to set again (as drop_tree does with a
# tail): stray controls, form feeds and non-characters. A browser shows none of them.
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_HTML_DEPTH = 2048  # libxml2's limit with huge_tree (XML_PARSE_HUGE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACES = re.compile(r"[^\S\n]+")


@dataclass
class HtmlArticle:
    """The body of a web page as pieces, and what its <head> says about it."""

    pieces: list[Piece]
    page_title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # author, published, outlet, url


def html_article(source: str, name: str) -> HtmlArticle:
    """The article in an HTML page: first <h1> as title, other headings, then paragraphs."""
    root = parse_html(source, name)
    page_title = _html_page_title(root)
    for element in root.xpath(_HTML_DROP):
        if element.getparent() is not None:  # a comment before <html> has no parent
            element.drop_tree()
    return HtmlArticle(_html_pieces(_html_body(root)), page_title, _html_meta(root))


def parse_html(source: str, name: str) -> lxml_html.HtmlElement:
    """The page's tree, all of it, or InputError.

    libxml2 stops reading at 256 levels of nesting (2,048 with huge_tree), and stops
    silently: every later paragraph is lost. Unclosed tags nest (400 paragraphs that
    each leave a <font> open are 800 levels), so the larger limit is asked for, and a
    page deeper still is refused, never stored without its end.
    """
    parser = lxml_html.HTMLParser(huge_tree=True)
    source = _XML_INCOMPATIBLE.sub(" ", _XML_DECLARATION.sub("", source))
    try:
        root = lxml_html.document_fromstring(source, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise InputError(name, f"cannot read HTML ({error})") from None
    fatal = [entry for entry in parser.error_log if entry.level == etree.ErrorLevels.FATAL]
    if fatal and "depth" in fatal[0].message.lower():
        raise InputError(
            name,
            f"not read: HTML nested more than {_MAX_HTML_DEPTH:,} elements deep (unclosed "
            "tags?), deeper than can be read whole",
        )
    if fatal:  # libxml2 stopped reading there: what follows would be lost
        raise InputError(name, f"cannot read HTML whole ({fatal[0].message.strip()})")
    return root


def _html_body(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The <article> with the most text, else <main>, else the whole body."""
    articles = root.xpath("//article")
    if articles:
        return max(articles, key=lambda element: len(element.text_content()))
    for path in ("//main", "//*[@role='main']", "//body"):
        found = root.xpath(path)
        if found:
            return found[0]
    return root


def _html_pieces(body: lxml_html.HtmlElement) -> list[Piece]:
    """Walk the body like a browser lays it out: block elements break paragraphs,
    <br><br> too, and runs of whitespace in the source are one space."""
    pieces: list[Piece] = []
    buffer: list[str] = []
    heading: str | None = None

    def flush(kind: str = "paragraph") -> None:
        joined = "".join(buffer)
        for part in re.split(r"\n\s*\n", joined) if kind == "paragraph" else [joined]:
            pieces.append((kind, " ".join(part.split())))
        buffer.clear()

    for event, element in etree.iterwalk(body, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        is_break = tag in _HTML_BLOCKS or tag in _HTML_HEADINGS
        if event == "start":
            if is_break and heading is None:
                flush()
                heading = tag if tag in _HTML_HEADINGS else None
            buffer.append("\n" if tag == "br" else _SPACES.sub(" ", element.text or ""))
            continue
        if tag == heading:
            title_taken = any(kind == "title" for kind, _ in pieces)
            flush("title" if tag == "h1" and not title_taken else "heading")
            heading = None
        elif is_break and heading is None:
            flush()
        if element is not body:  # the body's tail lies outside it
            buffer.append(_SPACES.sub(" ", element.tail or ""))
    flush()
    return [piece for piece in pieces if piece[1]]


def _html_page_title(root: lxml_html.HtmlElement) -> str | None:
    for path in ("//meta[@property='og:title']/@content", "//title/text()"):
        found = [" ".join(value.split()) for value in root.xpath(path) if value.strip()]
        if found:
            return found[0]
    return None


_HTML_META = {
    "author": ("//meta[@name='author']/@content", "//*[@rel='author']/text()"),
    "published": (
        "//meta[@property='article:published_time']/@content",
        "//meta[@itemprop='datePublished']/@content",
        "//time/@datetime",
    ),
    "outlet": ("//meta[@property='og:site_name']/@content",),
    "url": ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"),
}


def _html_meta(root: lxml_html.HtmlElement) -> dict[str, str]:
    """Author, publication date, outlet and address, where the page's markup states them."""
    meta: dict[str, str] = {}
    for key, paths in _HTML_META.items():
        for path in paths:
            values = [" ".join(str(value).split()) for value in root.xpath(path)]
            if any(values):
                meta[key] = next(value for value in values if value)
                break
    return meta


# --- Word documents ---------------------------------------------------------------------
# A .docx is a zip, and python-docx reads every member into memory and parses the XML:
# a small file that inflates to gigabytes (a zip bomb) would take them all. The zip's
# directory states each member's size, and zipfile never inflates a member past its
# stated size (it fails the CRC check instead), so checking the stated sizes before
# python-docx reads anything bounds what it can take. Parsed, the XML takes about ten
# times its size, so 40 MB inflated (some 10,000 pages of text) is the most read.

MAX_DOCX_UNCOMPRESSED = 40_000_000  # bytes, all members together
MAX_DOCX_RATIO = 100  # inflated over compressed, for any member over 1 MB inflated
MAX_DOCX_MEMBERS = 10_000


def docx_pieces(data: bytes, name: str) -> list[Piece]:
    """Paragraphs of a .docx: style "Title" is the title, "Heading N" a heading.

    Without a Title paragraph, a first paragraph in "Heading 1" is the title. Tables,
    headers, footers, footnotes and comments are not read.
    """
    import zlib

    import docx  # imported here: python-docx is slow to import and only needed for .docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        _check_docx_sizes(data, name)
        document = docx.Document(io.BytesIO(data))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,  # zipfile: an unsupported compression method
        KeyError,
        ValueError,
        etree.LxmlError,
    ):
        raise InputError(name, "not a Word (.docx) document, or a damaged one") from None
    style_names = _docx_paragraph_styles(document)
    pieces: list[Piece] = []
    title_taken = False
    for paragraph in document.paragraphs:
        text = " ".join(paragraph.text.split())
        if text:
            # paragraph.style looks the style up among all of the document's styles,
            # every time (some 2 ms): a 1 MB file of 300,000 short paragraphs took
            # minutes. The style id is read from the paragraph and named from a table.
            style_id = paragraph._p.style  # python-docx's CT_P: its pStyle, or None
            style = style_names.get(style_id, style_names[None])
            kind = _docx_kind(style, first=not pieces, title_taken=title_taken)
            title_taken = title_taken or kind == "title"
            pieces.append((kind, text))
    return pieces


def _docx_paragraph_styles(document) -> dict[str | None, str]:
    """Paragraph style names by style id; None (and an unknown id, as python-docx has
    it) is the document's default paragraph style."""
    from docx.enum.style import WD_STYLE_TYPE

    names = {
        style.style_id: style.name or ""
        for style in document.styles
        if style.type == WD_STYLE_TYPE.PARAGRAPH
    }
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    names[None] = (default.name or "") if default is not None else ""
    return names


def _check_docx_sizes(data: bytes, name: str) -> None:
    """Refuse a .docx whose zip directory promises more than we read (a zip bomb)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    if len(members) > MAX_DOCX_MEMBERS:
        raise InputError(
            name,
            f"not read: {len(members):,} parts in the .docx (the limit is "
            f"{MAX_DOCX_MEMBERS:,}); a Word document has far fewer",
        )
    total = sum(member.file_size for member in members)
    if total > MAX_DOCX_UNCOMPRESSED:
        raise InputError(
            name,
            f"not read: the .docx inflates to {total:,} bytes (the limit is "
            f"{MAX_DOCX_UNCOMPRESSED:,}); a zip bomb or not a document of text",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1_000_000 and ratio > MAX_DOCX_RATIO:
            raise InputError(
                name,
                f"not read: {member.filename} in the .docx inflates {ratio:,.0f} times "
                f"(the limit is {MAX_DOCX_RATIO}); a zip bomb",
            )


def _docx_kind(style: str, *, first: bool, title_taken: bool) -> str:
    if style == "Title" and not title_taken:
        return "title"
    if style == "Heading 1" and first:
        return "title"
    if style == "Title" or style.startswith("Heading"):
        return "heading"
    return "paragraph"
