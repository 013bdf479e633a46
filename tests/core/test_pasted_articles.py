"""Articles as people paste them: the two plain-text layouts, page furniture, and the
same rules for .md, standard input and CSV bodies."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.core.coding.lookups import list_units
from annotator.core.errors import InputError
from annotator.core.ingest.documents import UnitSpan
from annotator.core.ingest.furniture import is_furniture_line
from annotator.core.ingest.into_project import import_stdin
from annotator.core.ingest.plain_text import (
    Layout,
    blocks_from_plain_text,
    detect_layout,
    paragraph_lines,
)
from annotator.core.ingest.readers import parse_byline, read_bytes, read_file
from annotator.core.ingest.segmentation import (
    UncoveredText,
    article_units,
    check_coverage,
    segment,
)

PASTED = Path(__file__).resolve().parents[1] / "data" / "pasted"
FERRY = PASTED / "ferry-strike-pasted.txt"
FERRY_GOLD = json.loads((PASTED / "pasted-gold.json").read_text(encoding="utf-8"))
ARTICLES_GOLD = json.loads((PASTED / "articles-gold.json").read_text(encoding="utf-8"))


def unit_dicts(text: str, blocks) -> list[dict]:
    return [
        {"kind": u.kind, "start": u.start, "end": u.end, "text": text[u.start : u.end]}
        for u in segment(text, blocks)
    ]


def kinds_and_texts(text: str, blocks) -> list[tuple[str, str]]:
    return [(u["kind"], u["text"]) for u in unit_dicts(text, blocks)]


def layout_of(text: str) -> Layout:
    return detect_layout(text, paragraph_lines(text))


# --- the acceptance sample and the gold articles -----------------------------------------


def test_the_pasted_ferry_story_reproduces_its_gold_exactly() -> None:
    article = read_file(FERRY).articles[0]
    units = unit_dicts(article.text, article.blocks)
    assert [u for u in units if u["kind"] != "furniture"] == FERRY_GOLD[FERRY.name]
    assert article.title == "Ferry crews strike over new rota as island routes halt"


def test_the_ferry_storys_furniture_is_kept_as_units_of_its_own() -> None:
    article = read_file(FERRY).articles[0]
    furniture = [
        u["text"] for u in unit_dicts(article.text, article.blocks) if u["kind"] == "furniture"
    ]
    assert furniture == [
        "Share",
        "Advertisement",
        "Photo: Harbour staff stand beside a moored ferry in Helsby.",
        "Related: Island schools to close early for summer",
    ]


@pytest.mark.parametrize("name", sorted(ARTICLES_GOLD))
def test_articles_in_real_world_shapes_reproduce_their_gold(name: str) -> None:
    article = read_file(PASTED / name).articles[0]
    assert unit_dicts(article.text, article.blocks) == ARTICLES_GOLD[name]


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("ferry-strike-pasted.txt", Layout.PARAGRAPH_PER_LINE),
        ("blog-subheadings.txt", Layout.PARAGRAPH_PER_LINE),
        ("liveblog-timestamps.txt", Layout.PARAGRAPH_PER_LINE),
        ("wire-dateline.txt", Layout.HARD_WRAPPED),
        ("pdf-hyphenated.txt", Layout.HARD_WRAPPED),
    ],
)
def test_each_sample_is_read_in_its_own_layout(name: str, layout: Layout) -> None:
    assert layout_of((PASTED / name).read_text(encoding="utf-8")) is layout


def test_the_blog_byline_after_the_title_is_read_even_in_pasted_text() -> None:
    article = read_file(PASTED / "blog-subheadings.txt").articles[0]
    assert (article.author, article.published) == ("Mara Holt", "2026-03-02")


# --- layouts -------------------------------------------------------------------------


HARD_WRAPPED = (
    "Talks resume in Geneva\n\n"
    "Officials from Astrenia and Kolvia met on Monday to discuss the\n"
    "disputed valley, the ministry said in a statement issued late\n"
    "in the evening.\n\n"
    "The talks are the first since negotiations collapsed. Diplomats\n"
    "described the mood as cautiously positive.\n"
)


def test_hard_wrapped_text_keeps_its_wraps() -> None:
    assert layout_of(HARD_WRAPPED) is Layout.HARD_WRAPPED
    assert kinds_and_texts(HARD_WRAPPED, blocks_from_plain_text(HARD_WRAPPED)) == [
        ("title", "Talks resume in Geneva"),
        (
            "sentence",
            "Officials from Astrenia and Kolvia met on Monday to discuss the\n"
            "disputed valley, the ministry said in a statement issued late\nin the evening.",
        ),
        ("sentence", "The talks are the first since negotiations collapsed."),
        ("sentence", "Diplomats\ndescribed the mood as cautiously positive."),
    ]


def test_a_hard_wrapped_body_with_headings_on_lines_of_their_own() -> None:
    text = (
        "Officials from Astrenia and Kolvia met on Monday to discuss the\n"
        "disputed valley, the ministry said.\n"
        "Talks resume\n"
        "Sources said the two sides would meet again next month in the\n"
        "capital.\n"
    )
    assert layout_of(text) is Layout.HARD_WRAPPED
    assert kinds_and_texts(text, blocks_from_plain_text(text, first_line_title=False)) == [
        (
            "sentence",
            "Officials from Astrenia and Kolvia met on Monday to discuss the\n"
            "disputed valley, the ministry said.",
        ),
        ("heading", "Talks resume"),
        ("sentence", "Sources said the two sides would meet again next month in the\ncapital."),
    ]


def test_a_paragraph_ending_in_a_stray_letter_does_not_swallow_the_next_lines() -> None:
    text = (
        "Summit ends without a deal\n"
        "Leaders left the summit on Friday without agreeing on the text, diplomats from "
        "several nations said. R\n"
        "talks will go on next week in Geneva, according to a statement from the hosts "
        "published on Friday evening.\n"
    )
    assert layout_of(text) is Layout.PARAGRAPH_PER_LINE
    assert kinds_and_texts(text, blocks_from_plain_text(text)) == [
        ("title", "Summit ends without a deal"),
        (
            "sentence",
            "Leaders left the summit on Friday without agreeing on the text, diplomats from "
            "several nations said.",
        ),
        ("furniture", "R"),
        (
            "sentence",
            "talks will go on next week in Geneva, according to a statement from the hosts "
            "published on Friday evening.",
        ),
    ]


def test_crlf_non_breaking_spaces_and_trailing_blank_lines_read_like_plain_lines() -> None:
    plain = FERRY.read_text(encoding="utf-8")
    expected = kinds_and_texts(plain, blocks_from_plain_text(plain))
    variants = [
        plain.replace("\n", "\r\n"),
        plain.replace("\n", "\n\u00a0\u00a0\n").replace(" said", "\u00a0said"),
        plain + "\n\n \n\t\n",
    ]
    for text in variants:
        got = kinds_and_texts(text, blocks_from_plain_text(text))
        assert [(k, " ".join(t.split())) for k, t in got] == [
            (k, " ".join(t.split())) for k, t in expected
        ]


def test_a_line_stopping_short_of_the_width_is_no_wrap() -> None:
    """A paragraph ending in a colon is open, but the next word would have fitted on it:
    the line was broken on purpose, so this short pasted article is one paragraph a line."""
    text = (
        "Storm hits coast\n"
        "Winds of up to 120 km/h hit the coast on Sunday night, cutting power to 20,000 "
        "homes, the utility said.\n"
        "A spokesman said crews would work through the night:\n"
        '"We expect most homes to be back by Monday," he said.\n'
        "Roads closed\n"
        "Police closed the coast road after trees fell across it near Kells. Drivers were "
        "told to avoid the area.\n"
    )
    assert layout_of(text) is Layout.PARAGRAPH_PER_LINE
    assert [kind for kind, _ in kinds_and_texts(text, blocks_from_plain_text(text))] == [
        "title",
        "sentence",
        "sentence",
        "sentence",
        "heading",
        "sentence",
        "sentence",
    ]


def test_a_text_too_short_to_tell_reads_as_it_always_did() -> None:
    text = "Port deal agreed\nThe port said so."
    assert layout_of(text) is Layout.HARD_WRAPPED
    assert kinds_and_texts(text, blocks_from_plain_text(text)) == [
        ("sentence", "Port deal agreed\nThe port said so.")
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement",
        "ADVERTISEMENT",
        "Photo: Harbour staff in Helsby",
        "Image: a ferry",
        "Related: Island schools to close",
        "Also Read: Strike talks fail",
        "Read more",
        "Share this article",
        "Listen to this article",
        "Listen to this article · 4 min",
        "1/5",
        "(Reuters)",
        "(AP Photo/Jane Roe)",
        "Share",
    ],
)
def test_whole_lines_of_page_furniture(line: str) -> None:
    assert is_furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Related talks will resume in June.",
        "Photographers were kept away from the quay.",
        "Share prices fell",
        "(Reuters) - The ferry operator said on Tuesday that talks had failed.",
        "Islanders cut off",
    ],
)
def test_lines_that_merely_start_like_furniture_are_text(line: str) -> None:
    assert not is_furniture_line(line)


# --- the same rules for .md, standard input and CSV bodies; HTML keeps its own -------------


def test_markdown_standard_input_and_csv_bodies_follow_the_same_rules() -> None:
    data = FERRY.read_bytes()
    article = read_file(FERRY).articles[0]
    expected = kinds_and_texts(article.text, article.blocks)
    for fmt in ("md", "txt"):
        piped = read_bytes(data, "<stdin>", fmt).articles[0]
        assert kinds_and_texts(piped.text, piped.blocks) == expected
    body = FERRY.read_text(encoding="utf-8").split("\n", 1)[1]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["id", "title", "text"], ["f1", article.title, body]])
    row = read_bytes(buffer.getvalue().encode(), "batch.csv", "csv").articles[0]
    assert kinds_and_texts(row.text, row.blocks) == expected


def test_html_paragraphs_keep_their_structure() -> None:
    page = (
        "<html><body><article><h1>Ferry strike</h1><p>Crews walked out.</p>"
        "<p>Share</p><p>Talks resume</p></article></body></html>"
    )
    article = read_bytes(page.encode(), "page.html", "html").articles[0]
    assert [b.kind for b in article.blocks] == ["title", "paragraph", "paragraph", "paragraph"]


# --- the invariant, on any article -------------------------------------------------------

_SENTENCES = st.sampled_from(
    [
        "Crews walked out at dawn on Wednesday, the operator said.",
        "Mr. Weir said the U.S. offer was worth 3.5 billion dollars.",
        '"We are ready to talk," said Petra Lind.',
        "Talks broke down late on Tuesday",
        "the union said",
        "Sources said the government was considering emergency legislation.",
    ]
)
_LINES = st.one_of(
    st.lists(_SENTENCES, min_size=1, max_size=4).map(" ".join),
    st.sampled_from(
        [
            "Islanders cut off",
            "Advertisement",
            "Photo: Harbour staff stand beside a ferry.",
            "1/5",
            "(Reuters)",
            "By Jane Roe",
            "***",
            "09:42",
            "- a list item",
        ]
    ),
    st.text(st.sampled_from("ab .,\u00a0\"'R"), max_size=12),
)
_BREAKS = st.sampled_from(["\n", "\n\n", "\r\n", "\n\u00a0\n", " Share\n", ". R\n", "\n\n\n"])


@st.composite
def articles(draw) -> str:
    lines = draw(st.lists(_LINES, min_size=1, max_size=12))
    wrap = draw(st.sampled_from([0, 40, 64]))
    text = ""
    for line in lines:
        if wrap and len(line) > wrap:
            cut = line.rfind(" ", 0, wrap)
            line = line[:cut] + "\n" + line[cut + 1 :] if cut > 0 else line
        text += line + draw(_BREAKS)
    return text


@settings(max_examples=300, deadline=None)
@given(articles(), st.sampled_from(["txt", "md"]))
# Found by this test (issue 21): the byline took the advertisement under it along.
@example("Photo: Harbour staff stand beside a ferry.\nBy Jane Roe\nAdvertisement\n", "txt")
@example("By Jane Roe\nBy Jane Roe\n- a list item\n", "txt")  # a byline is one line
def test_units_cover_every_character_once_or_say_why_not(text: str, fmt: str) -> None:
    """Every non-space character is in exactly one unit, except those on a line that is
    a separator (no letter or digit) or the byline, which are left out on purpose.

    `article_units` checks it as it makes the units (UncoveredText); the same rule is
    counted again here, character by character, independently of that check.
    """
    try:
        article = read_bytes(text.encode("utf-8"), "<stdin>", fmt).articles[0]
    except InputError as error:  # nothing to code: refused as a whole, never cut
        assert "no article text" in str(error) or "empty file" in str(error)
        return
    stored = article.text
    owner = [0] * len(stored)
    assert all(parse_byline(stored[low:high]) for low, high in article.left_out)
    for unit in article_units(article):
        piece = stored[unit.start : unit.end]
        assert piece and piece == piece.strip()
        for position in range(unit.start, unit.end):
            owner[position] += 1
    assert max(owner, default=0) <= 1
    uncovered_lines: list[str] = []
    offset = 0
    for line in stored.split("\n"):
        if any(not char.isspace() and not owner[offset + i] for i, char in enumerate(line)):
            uncovered_lines.append(line.strip())
        offset += len(line) + 1
    separators = [line for line in uncovered_lines if not any(c.isalnum() for c in line)]
    bylines = [line for line in uncovered_lines if line not in separators]
    assert len(bylines) <= (1 if article.author else 0)
    assert all(parse_byline(line) for line in bylines)


def test_furniture_under_a_byline_is_a_unit_of_its_own(empty_project) -> None:
    """`annotator import -` of the text the property test found (issue 21): every line is
    in a unit, the byline included (news bylines are furniture units since issue 26)."""
    text = "Photo: Harbour staff stand beside a ferry.\nBy Jane Roe\nAdvertisement\n"
    report = import_stdin(empty_project, text.encode("utf-8"))
    assert not report.failures
    units = [(unit.kind, text[unit.start : unit.end]) for unit in list_units(empty_project)]
    assert units == [
        ("furniture", "Photo: Harbour staff stand beside a ferry."),
        ("furniture", "By Jane Roe"),
        ("furniture", "Advertisement"),
    ]


def test_text_in_no_unit_stops_the_article_with_one_line_naming_it() -> None:
    text = "Talks resume\n\nOfficials met on Tuesday.\n***\nAdvertisement\n"
    units = [UnitSpan("title", 0, 12), UnitSpan("sentence", 14, 39)]  # no unit for the last
    with pytest.raises(UncoveredText, match=r"<stdin>: text in no unit: 'Advertisement'"):
        check_coverage(text, units, source="<stdin>")
    check_coverage(text, [*units, UnitSpan("furniture", 44, 57)])  # "***" is a separator
    check_coverage(text, units, left_out=[(44, 57)])  # left out on purpose
    with pytest.raises(UncoveredText, match="overlap"):
        check_coverage(text, [*units, UnitSpan("sentence", 30, 39), UnitSpan("furniture", 44, 57)])


def test_no_example_database_is_kept_between_runs() -> None:
    assert settings().database is None
