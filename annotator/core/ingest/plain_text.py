"""Plain text into blocks (title, headings, paragraphs, page furniture), in either layout.

Plain text comes in two layouts, told apart per document (`detect_layout`):

- **Hard-wrapped**: lines broken at a fixed width, a paragraph spans several lines,
  blank lines between paragraphs (text from e-mail, wire services, editors).
- **Paragraph per line**: long lines, each a paragraph, often with no blank lines at
  all (what a browser gives when an article is copied from a web page).

The layout is read from the document's own lines: those followed directly by another
line of text (the lines a wrap could join), unless short, a heading line or furniture,
are looked at. In hard-wrapped text most of them were broken by the wrap: they end
mid-sentence, and the next line's first word would not have fitted on them (the line
and that word reach 80% of the width, the 90th percentile of line lengths). In
paragraph-per-line text nearly all end a sentence, or stop short of the width. Lines
wider than any usual wrap width (that percentile over 120 characters) make
paragraph-per-line the likelier reading, so more wrapped lines are then needed to
call the text hard-wrapped. A text with no such lines reads the same either way and is
read as hard-wrapped, the rules it always had.

In both layouts:

- A line with no letter or digit ("***", "---") counts as blank: a separator.
- A whole line of page furniture ("Advertisement", "Photo: ...", "1/5", a pull quote;
  see `furniture`) is a block of its own, also right under a line of text, and so is a
  fragment after a paragraph's last sentence ("... said. Share").
- A heading is one short line: at most 10 words and 80 characters, not a list item, and
  not ending in . ! ? … : ; , (also not when a closing quote or bracket follows such a
  mark). "Talks gather pace" is a heading; "Officials agree." is not.

Hard-wrapped text (the rules of `_paragraph_blocks`):

- Blank lines separate paragraphs. The first line is the title when a blank line
  follows it (and more text comes after). A later paragraph of one heading line is a
  heading.
- Inside a paragraph, a line break stays a soft wrap (the lines are one block) unless the
  lines stand alone: every line of the paragraph is short and unpunctuated (a list without
  markers), the next line starts a list item ("- ", "• ", "1. ", "2) ", "(a) "), this
  line is a list item and the next is not an indented or lower-case continuation, or this
  line ends a sentence (. ! ? …, optionally with a closing quote) and the next line does
  not start in lower case. A line ending in an abbreviation pysbd knows ("Mr.", "Co.") or
  an initial ("E.") is left to pysbd, because "said Mr.\\nSmith" is a wrap.
- A heading line on its own inside a paragraph (after a sentence's end, before a line
  of body text, and shorter than a wrap would leave it) is a heading: a hard-wrapped
  body with headings pasted on lines of their own. Such a line first in the text is
  the title.

Paragraph-per-line text: every line is a block; the first line is the title (when
more follows and it has at most 25 words); a heading line is a heading, except inside
a run of three or more, where the lines between the first and the last are a list.
"""

from __future__ import annotations

import itertools
import re
from enum import StrEnum

from pysbd.lang.english import English

from annotator.core.ingest.documents import Block, strip_span
from annotator.core.ingest.furniture import (
    FURNITURE,
    in_contact_block,
    is_furniture_line,
    is_pull_quote,
    trailing_fragment,
)

HEADING_MAX_CHARS = 80
_HEADING_MAX_WORDS = 10
_TITLE_MAX_WORDS = 25
_CLOSERS = "\"'”’»)]"
_SENTENCE_ENDS = (".", "!", "?", "…")
_NOT_HEADING_ENDS = (*_SENTENCE_ENDS, ":", ";", ",")
_LIST_ITEM = re.compile(r"(?:[-*•‣⁃–—·▪]|\(?\d{1,3}[.)]|\(?[a-zA-Z]\))\s")
_ABBREVIATIONS = frozenset(English.Abbreviation.ABBREVIATIONS)
_JOINABLE_MIN_CHARS = 30  # shorter lines say nothing about wrapping, nor do headings
_WRAP_WIDTH_MAX = 120
_OPEN_SHARE_WRAPPED = 0.25  # share of open line ends from which text counts as wrapped
_OPEN_SHARE_WRAPPED_WIDE = 0.5  # the same, when lines are wider than any wrap width
_FILLED = 0.8  # a wrapped line with the next word would reach this share of the width

Line = tuple[int, int]


class Layout(StrEnum):
    """How a plain text breaks its lines."""

    HARD_WRAPPED = "hard-wrapped"
    PARAGRAPH_PER_LINE = "paragraph-per-line"


def blocks_from_plain_text(text: str, *, first_line_title: bool = True) -> list[Block]:
    """Read the title, headings, paragraphs and furniture of plain text (module doc).

    `first_line_title=False` is for bodies whose title is known from elsewhere (a CSV
    title column), so their first line is read like any other.
    """
    groups = paragraph_lines(text)
    if detect_layout(text, groups) is Layout.PARAGRAPH_PER_LINE:
        blocks = _line_blocks(text, [line for lines in groups for line in lines], first_line_title)
    else:
        blocks = _wrapped_blocks(text, groups, first_line_title)
    return _split_trailing_fragments(text, blocks)


def paragraph_lines(text: str) -> list[list[Line]]:
    """Stripped (start, end) of each line with text, grouped into paragraphs by blank lines."""
    groups: list[list[Line]] = []
    current: list[Line] = []
    offset = 0
    for line in text.split("\n"):
        start, end = strip_span(text, offset, offset + len(line))
        offset += len(line) + 1
        if any(char.isalnum() for char in text[start:end]):
            current.append((start, end))
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def detect_layout(text: str, groups: list[list[Line]]) -> Layout:
    """Tell hard-wrapped text from paragraph-per-line text by its own lines (module doc)."""
    lengths = sorted(end - start for lines in groups for start, end in lines)
    if not lengths:
        return Layout.HARD_WRAPPED
    width = lengths[(len(lengths) - 1) * 9 // 10]  # the wrap width, if there is one
    joinable = [
        (text[start:end], text[next_start:next_end].split(maxsplit=1)[0])
        for lines in groups
        for (start, end), (next_start, next_end) in itertools.pairwise(lines)
        if end - start >= _JOINABLE_MIN_CHARS
    ]
    joinable = [
        (line, next_word)
        for line, next_word in joinable
        if not is_heading_line(line) and not is_furniture_line(line)
    ]
    if not joinable:
        return Layout.HARD_WRAPPED
    wrapped = sum(
        not _ends_sentence(_without_fragment(line))
        and len(line) + 1 + len(next_word) >= _FILLED * width  # the next word did not fit
        for line, next_word in joinable
    )
    threshold = _OPEN_SHARE_WRAPPED_WIDE if width > _WRAP_WIDTH_MAX else _OPEN_SHARE_WRAPPED
    if wrapped >= threshold * len(joinable):
        return Layout.HARD_WRAPPED
    return Layout.PARAGRAPH_PER_LINE


def is_heading_line(line: str) -> bool:
    """A short line without closing punctuation, not a list item: a heading if alone."""
    return (
        len(line) <= HEADING_MAX_CHARS
        and len(line.split()) <= _HEADING_MAX_WORDS
        and not line.rstrip(_CLOSERS).endswith(_NOT_HEADING_ENDS)
        and not _LIST_ITEM.match(line)
    )


# --- paragraph per line ----------------------------------------------------------------


def _line_blocks(text: str, lines: list[Line], first_line_title: bool) -> list[Block]:
    """Every line its own block: furniture, the title, headings, else a paragraph.

    Inside a run of three or more heading lines (furniture aside), the lines between
    the first and the last are a list without markers, not headings: "Key points"
    followed by its points.
    """
    kinds: list[str] = []
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        if _is_furniture(text, start, end):
            kinds.append(FURNITURE)
        elif index == 0 and first_line_title and len(lines) > 1:
            kinds.append("title" if len(line.split()) <= _TITLE_MAX_WORDS else "paragraph")
        else:
            kinds.append("heading" if is_heading_line(line) else "paragraph")
    _list_items_in_heading_runs(kinds)
    return [Block(kind, start, end) for kind, (start, end) in zip(kinds, lines, strict=True)]


def _list_items_in_heading_runs(kinds: list[str]) -> None:
    run: list[int] = []
    for index, kind in enumerate([*kinds, "paragraph"]):
        if kind == FURNITURE:
            continue
        if kind == "heading":
            run.append(index)
            continue
        for inside in run[1:-1] if len(run) >= 3 else []:
            kinds[inside] = "paragraph"
        run = []


# --- hard-wrapped ----------------------------------------------------------------------


def _wrapped_blocks(text: str, groups: list[list[Line]], first_line_title: bool) -> list[Block]:
    width = max((end - start for lines in groups for start, end in lines), default=0)
    blocks: list[Block] = []
    for index, lines in enumerate(groups):
        single = len(lines) == 1
        if single and _is_furniture(text, *lines[0]):
            blocks.append(Block(FURNITURE, *lines[0]))
        elif index == 0 and first_line_title and single and len(groups) > 1:
            blocks.append(Block("title", *lines[0]))
        elif single and is_heading_line(text[slice(*lines[0])]):
            blocks.append(Block("heading", *lines[0]))
        else:
            found = _paragraph_blocks(text, lines, width)
            if index == 0 and first_line_title and found[0].kind == "heading":
                found[0] = Block("title", found[0].start, found[0].end)  # alone on its line
            blocks.extend(found)
    return blocks


def _paragraph_blocks(text: str, lines: list[Line], width: int) -> list[Block]:
    """One paragraph's lines as blocks: soft-wrapped lines join, standalone lines do not."""
    if len(lines) > 1 and all(is_heading_line(text[slice(*line)]) for line in lines):
        return [
            Block(FURNITURE if _is_furniture(text, *line) else "paragraph", *line) for line in lines
        ]
    blocks: list[Block] = []
    block_start: int | None = None  # None: the next line starts a block
    for position, (start, end) in enumerate(lines):
        following = lines[position + 1] if position + 1 < len(lines) else None
        if block_start is not None and _is_furniture(text, start, end):
            # Furniture never continues a block: "By Jane Roe\nAdvertisement" is a byline
            # and an advertisement, and taking the byline out must not take the other.
            blocks.append(Block("paragraph", block_start, lines[position - 1][1]))
            block_start = None
        kind = _standalone_kind(text, start, end, following, width) if block_start is None else None
        if kind is not None:
            blocks.append(Block(kind, start, end))
            continue
        if block_start is None:
            block_start = start
        if following is not None and _line_ends_block(
            text[start:end], text[slice(*following)], text[following[0] - 1] != "\n"
        ):
            blocks.append(Block("paragraph", block_start, end))
            block_start = None
    if block_start is not None:
        blocks.append(Block("paragraph", block_start, lines[-1][1]))
    return blocks


def _standalone_kind(
    text: str, start: int, end: int, following: Line | None, width: int
) -> str | None:
    """ "furniture" or "heading" for a line that starts a block and stands alone, else None.

    A heading needs a sentence's end (or the paragraph's start) before it, a line of
    body text after it, and to be shorter than a wrap would leave it: the first word of
    the next line would have fitted on it.
    """
    content = text[start:end]
    if _is_furniture(text, start, end):
        return FURNITURE
    if following is None or not is_heading_line(content):
        return None
    next_line = text[slice(*following)]
    next_word = next_line.split(maxsplit=1)[0]
    body_follows = not is_heading_line(next_line) and not next_line[:1].islower()
    if body_follows and len(content) + 1 + len(next_word) < width:
        return "heading"
    return None


def _line_ends_block(line: str, next_line: str, next_indented: bool) -> bool:
    if _LIST_ITEM.match(next_line):
        return True
    if next_line[:1].islower():
        return False
    if _LIST_ITEM.match(line):
        return not next_indented
    return _ends_sentence(line)


def _ends_sentence(line: str) -> bool:
    """Whether a line ends with a sentence mark that is not an abbreviation or an initial."""
    core = line.rstrip(_CLOSERS)
    if not core.endswith(_SENTENCE_ENDS):
        return False
    last_word = core.rsplit(maxsplit=1)[-1].rstrip(".").lower()
    return len(last_word) > 1 and last_word not in _ABBREVIATIONS


# --- furniture -------------------------------------------------------------------------


def _is_furniture(text: str, start: int, end: int) -> bool:
    return (
        is_furniture_line(text[start:end])
        or is_pull_quote(text, start, end)
        or in_contact_block(text, start, end)
    )


def _without_fragment(line: str) -> str:
    cut = trailing_fragment(line, 0, len(line))
    return line if cut is None else line[:cut].rstrip()


def _split_trailing_fragments(text: str, blocks: list[Block]) -> list[Block]:
    """A paragraph ending in "... said. Share" becomes the paragraph and a furniture block."""
    result: list[Block] = []
    for block in blocks:
        cut = trailing_fragment(text, block.start, block.end) if block.kind == "paragraph" else None
        if cut is None or not _ends_sentence(text[block.start : cut].rstrip()):
            result.append(block)
            continue
        result.append(Block("paragraph", *strip_span(text, block.start, cut)))
        result.append(Block(FURNITURE, cut, block.end))
    return result
