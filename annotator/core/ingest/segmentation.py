"""Cut an article into codable units: titles, headings and furniture whole, paragraphs
into sentences. Plain text is read into blocks by `plain_text`.

Sentences come from pysbd, but pysbd's own offsets are not trusted (its char_span
mis-places repeated sentences); each sentence it returns is found again in the text by a
forward search from a cursor, so every unit is exactly `text[start:end]`, stripped, and
no text between units is lost. pysbd only sees what needs its judgement: a full stop
after an ordinary word followed by a capital, outside quotes and brackets, is cut
without it, and a piece with no sentence mark inside is one sentence. This gives the
same sentences as pysbd alone (tests check it on the samples and the Golden Rules, 47 of
48) at about a quarter of its cost.

An article's units are made by `article_units`, which checks the rule every reader and
this module keep: each character of the article that is not whitespace is in exactly one
unit, except on a separator line (no letter or digit: "***") and in what the reader left
out on purpose (a plain text's byline, `ParsedArticle.left_out`). Text in no unit is a
bug, not a property of the input: it stops that article's import (`UncoveredText`)
instead of dropping the text without a word.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

import pysbd
from pysbd.lang.english import English

from annotator.core.ingest.documents import Block, ParsedArticle, UnitSpan, one_line, strip_span

_ABBREVIATIONS = frozenset(English.Abbreviation.ABBREVIATIONS)
_WHITESPACE = re.compile(r"\s")
# "Tuesday. The": a word of three or more letters, a sentence mark, space, a capital.
_PLAIN_END = re.compile(r"\b([A-Za-z]{3,})[.!?][\"'”’»)\]]*(\s+)(?=[\"“‘«(\[]?[A-Z])")
_PAIRS = {"“": "”", "(": ")", "[": "]", "«": "»"}
_OPENER_OF = {closer: opener for opener, closer in _PAIRS.items()}
_PAIR_MARKS = re.compile(r'["“”()\[\]«»]')
_DOUBTFUL = re.compile(r"(?<!\S)'|‘|--|\w\)|[•⁃]")  # opening single quote, dash pair, list
_JUDGEMENT = re.compile(r"[.!?…。．！？•⁃]|\w\)")  # what pysbd might split at
_TRAILING = frozenset(".!?…。．！？\"'”’»)]")
_TITLES = ("Hon", "Rt", "Cllr", "Supt", "Insp", "Brig", "Cdr")
_ENDS_IN_TITLE = re.compile(rf"\b(?:{'|'.join(_TITLES)})\.$")  # before a name
_TITLE_ENDINGS = tuple(f"{title}." for title in _TITLES)  # a cheap test before the regex
_WORD = re.compile(r"\S+")
_SHOWN_CHARS = 60
_MAX_CHUNK_CHARS = 2000
_BATCH_CHARS = 1000  # pysbd is cheapest per sentence on about ten sentences at a time


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of text[start:end] as stripped (start, end) offsets into `text`."""
    start, end = strip_span(text, start, end)
    return _sentences(text, [(start, end)] if start < end else [])


def segment(text: str, blocks: list[Block], language: str | None = None) -> list[UnitSpan]:
    """Units in reading order: paragraphs become sentences, other blocks stay whole.

    Runs of paragraphs go to pysbd together, a batch at a time, because one call per
    short paragraph costs more than the splitting itself. `language` (an ISO code) picks
    pysbd's rules; English when not given or not one pysbd has.
    """
    language = sentence_language(language)
    units: list[UnitSpan] = []
    paragraphs: list[tuple[int, int]] = []
    for block in blocks:
        if block.kind == "paragraph":
            paragraphs.append(strip_span(text, block.start, block.end))
            continue
        units.extend(UnitSpan("sentence", *span) for span in _sentences(text, paragraphs, language))
        paragraphs = []
        units.append(UnitSpan(block.kind, block.start, block.end))
    units.extend(UnitSpan("sentence", *span) for span in _sentences(text, paragraphs, language))
    return units


def sentence_language(language: str | None) -> str:
    """The pysbd language for an article's ISO code: the code if pysbd has rules for it."""
    from pysbd.languages import LANGUAGE_CODES

    return language if language is not None and language in LANGUAGE_CODES else "en"


class UncoveredText(RuntimeError):
    """An article's text is in no unit, or in two: a bug in reading or segmenting it."""


def article_units(article: ParsedArticle) -> list[UnitSpan]:
    """The units of a read article, checked to cover all its text (module doc)."""
    units = segment(article.text, article.blocks, article.language)
    check_coverage(article.text, units, article.left_out, article.source)
    return units


def check_coverage(
    text: str,
    units: list[UnitSpan],
    left_out: list[tuple[int, int]] | tuple = (),
    source: str = "<text>",
) -> None:
    """Raise UncoveredText unless the units, in order and apart, hold every character of
    `text` that is not whitespace, but those on separator lines and in `left_out`."""
    cursor = 0
    for unit in units:
        if unit.start < cursor or unit.end <= unit.start:
            raise UncoveredText(
                f"{source}: units overlap or are empty at offset {unit.start} "
                "(a bug in reading the article; please report it)"
            )
        _check_gap(text, cursor, unit.start, left_out, source)
        cursor = unit.end
    _check_gap(text, cursor, len(text), left_out, source)


def _check_gap(
    text: str, start: int, end: int, left_out: list[tuple[int, int]] | tuple, source: str
) -> None:
    for word in _WORD.finditer(text, start, end):
        if any(low <= word.start() and word.end() <= high for low, high in left_out):
            continue
        line_start = text.rfind("\n", 0, word.start()) + 1
        line_end = text.find("\n", word.end())
        line = text[line_start : len(text) if line_end < 0 else line_end]
        if any(char.isalnum() for char in line):  # not a separator line
            raise UncoveredText(
                f"{source}: text in no unit: {one_line(line, _SHOWN_CHARS)!r} "
                "(a bug in reading the article; please report it)"
            )


# --- paragraphs into sentences ----------------------------------------------------------


@functools.cache
def _segmenter(language: str = "en") -> pysbd.Segmenter:
    """One pysbd segmenter per language and process: building one compiles many regular
    expressions."""
    return pysbd.Segmenter(language=language, clean=False)


def _sentences(
    text: str, ranges: list[tuple[int, int]], language: str = "en"
) -> list[tuple[int, int]]:
    """Sentences of stripped, ordered ranges; pysbd sees only the pieces that need judgement.

    pysbd costs about a quarter of a millisecond a sentence, so the plain cases go without
    it: a range is first cut at sentence ends that pysbd would make anyway (`_plain_cuts`),
    and a piece with no sentence mark or list marker before its end is one sentence. The
    rest go to pysbd in batches of about ten sentences, where it is cheapest per sentence.
    The plain cuts know English abbreviations only: in another language pysbd gets all.
    """
    spans: list[tuple[int, int]] = []
    batch: list[tuple[int, int]] = []
    size = 0
    for start, end in ranges:
        cuts = _plain_cuts(text, start, end) if language == "en" else [(start, end)]
        for piece_start, piece_end in cuts:
            if piece_start == piece_end:
                continue
            if not _needs_pysbd(text, piece_start, piece_end):
                spans.append((piece_start, piece_end))
                continue
            for chunk in _chunks(text, piece_start, piece_end):
                batch.append(chunk)
                size += chunk[1] - chunk[0]
            if size >= _BATCH_CHARS:
                spans.extend(_split_batch(text, batch, language))
                batch, size = [], 0
    if batch:
        spans.extend(_split_batch(text, batch, language))
    return _joined_after_titles(text, sorted(spans))


def _joined_after_titles(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a sentence cut after a title to the name it belongs to: "Hon. Ifeoma Chukwu"."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if (
            joined
            and text.endswith(_TITLE_ENDINGS, *joined[-1])
            and _ENDS_IN_TITLE.search(text, *joined[-1])
        ):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _plain_cuts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut a range after "word. Capital" where word is no abbreviation pysbd knows.

    Only where every quotation mark and bracket opened so far is closed, since pysbd
    does not split inside those; from the first doubtful mark on (an opening single
    quote, a dash pair, a list marker, a closer before its opener) pysbd gets the rest.
    """
    piece_start = checked = start
    depths: dict[str, int] = {}
    for match in _PLAIN_END.finditer(text, start, end):
        cut, resume = match.span(2)
        if _DOUBTFUL.search(text, checked, cut) or not _track_pairs(text, checked, cut, depths):
            break
        checked = cut
        if match[1].lower() in _ABBREVIATIONS or any(depths.values()):
            continue
        yield strip_span(text, piece_start, cut)
        piece_start = resume
    yield strip_span(text, piece_start, end)


def _track_pairs(text: str, start: int, end: int, depths: dict[str, int]) -> bool:
    """Update open-pair depths over text[start:end]; False if a closer has no opener."""
    for mark in _PAIR_MARKS.findall(text, start, end):
        if mark == '"':
            depths['"'] = 1 - depths.get('"', 0)
        elif mark in _PAIRS:
            depths[mark] = depths.get(mark, 0) + 1
        else:
            opener = _OPENER_OF[mark]
            if not depths.get(opener):
                return False
            depths[opener] -= 1
    return True


def _needs_pysbd(text: str, start: int, end: int) -> bool:
    """Whether a piece may hold more than one sentence: a sentence mark or list marker
    before its closing marks, or quotation marks and brackets that do not pair up."""
    depths: dict[str, int] = {}
    if not _track_pairs(text, start, end, depths) or any(depths.values()):
        return True
    core_end = end
    while core_end > start and text[core_end - 1] in _TRAILING:
        core_end -= 1
    return _JUDGEMENT.search(text, start, core_end) is not None


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut a long piece at likely sentence ends, so pysbd's quadratic time stays small.

    Only pieces over _MAX_CHUNK_CHARS that `_plain_cuts` could not cut get here (a
    paragraph-long quotation, a stray quote mark); a rare wrong cut is the price.
    """
    if end - start <= _MAX_CHUNK_CHARS:
        yield start, end
        return
    chunk_start = start
    for match in _PLAIN_END.finditer(text, start, end):
        cut, resume = match.span(2)
        if cut - chunk_start >= _MAX_CHUNK_CHARS // 2 and match[1].lower() not in _ABBREVIATIONS:
            yield chunk_start, cut
            chunk_start = resume
    yield chunk_start, end


def _split_batch(
    text: str, ranges: list[tuple[int, int]], language: str = "en"
) -> list[tuple[int, int]]:
    """Split ranges with one pysbd call and map each sentence back to offsets in `text`.

    pysbd sees the ranges joined by newlines, which it always treats as sentence ends,
    with all whitespace inside a range turned into plain spaces (same length, so offsets
    carry over), so that a wrapped line is not mistaken for a sentence end. A sentence
    runs from the cursor to the end of its match, so text pysbd altered or dropped joins
    the next sentence instead of vanishing.
    """
    flat = "\n".join(_WHITESPACE.sub(" ", text[start:end]) for start, end in ranges)
    flat_starts = [0]
    for start, end in ranges[:-1]:
        flat_starts.append(flat_starts[-1] + end - start + 1)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _segmenter(language).segment(flat):
        sentence = piece.strip()
        found = flat.find(sentence, cursor) if sentence else -1
        if found < 0:
            continue
        spans.extend(_to_text(text, ranges, flat_starts, cursor, found + len(sentence)))
        cursor = found + len(sentence)
    spans.extend(_to_text(text, ranges, flat_starts, cursor, len(flat)))
    return spans


def _to_text(
    text: str, ranges: list[tuple[int, int]], flat_starts: list[int], start: int, end: int
) -> Iterator[tuple[int, int]]:
    """Map flat[start:end] to stripped text spans, cut where it crosses from range to range."""
    first = bisect.bisect_right(flat_starts, start) - 1
    for index in range(first, len(ranges)):
        flat_start = flat_starts[index]
        if flat_start >= end:
            break
        range_start, range_end = ranges[index]
        low = range_start + max(start - flat_start, 0)
        high = min(range_start + end - flat_start, range_end)
        low, high = strip_span(text, low, high)
        if low < high:
            yield low, high
