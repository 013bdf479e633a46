"""What an importer hands to the rest of the core: an article's text and its structure.

Every offset is into `ParsedArticle.text`, the text as stored; a block or unit is always
`text[start:end]`, so the stored text alone is enough to show and re-check any unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class Block:
    """A piece of the article's structure, before sentence splitting."""

    kind: str  # "title" | "heading" | "paragraph" | "furniture"
    start: int  # text[start:end] has no leading or trailing whitespace
    end: int


@dataclass(frozen=True)
class UnitSpan:
    """One unit: a title, a heading, a sentence, or page furniture (nobody codes it)."""

    kind: str  # "title" | "heading" | "sentence" | "furniture"
    start: int
    end: int


@dataclass
class ParsedArticle:
    """One article as read from a file or a CSV row, ready to be segmented and stored."""

    text: str
    blocks: list[Block]
    title: str
    key_hint: str  # file stem or CSV id; the readable article key is made from it
    source: str  # file path, "<stdin>" or "batch.csv row 7": what messages name
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date when known
    metadata: dict[str, str] = field(default_factory=dict)
    language: str | None = None  # ISO 639-1 code when the source states it (archives)
    # Spans of `text` in no unit on purpose (a plain text's byline, kept in the stored
    # text so offsets match the file); segmentation.article_units checks all the rest.
    left_out: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class ReadResult:
    """The articles a file held, one line per row or document that was skipped, and
    notes worth showing (an archive's "found 10 of 10 documents")."""

    articles: list[ParsedArticle]
    problems: list[str]
    notes: list[str] = field(default_factory=list)


def join_blocks(pieces: list[tuple[str, str]]) -> tuple[str, list[Block]]:
    """Build stored text from (kind, text) pieces, one block each, separated by blank lines.

    Importers of structured formats (HTML, docx, Markdown, CSV) store the article this
    way so that the text reads like the article and every block maps to its offsets.
    Pieces are stripped; empty ones are left out.
    """
    parts: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for kind, piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if parts:
            offset += len(PARAGRAPH_BREAK)
        parts.append(piece)
        blocks.append(Block(kind, offset, offset + len(piece)))
        offset += len(piece)
    return PARAGRAPH_BREAK.join(parts), blocks


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow (start, end) so that text[start:end] has no leading or trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


LINE_BREAK_MARK = "⏎"


def one_line(text: str, width: int | None = None) -> str:
    """A unit's text on one line, for listings: each line break shown as ⏎ (runs of
    spaces around it kept as one), cut to `width` characters with "…" when longer."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    shown = f" {LINE_BREAK_MARK} ".join(line for line in lines if line)
    if width is not None and len(shown) > width:
        shown = shown[: max(width - 1, 0)].rstrip() + "…"
    return shown
