"""Cutting articles into units: the gold file, the plain-text rules and the invariants."""

from __future__ import annotations

import json
from pathlib import Path

import pysbd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.ingest.documents import Block, UnitSpan
from annotator.core.ingest.plain_text import blocks_from_plain_text
from annotator.core.ingest.readers import read_file
from annotator.core.ingest.segmentation import segment, split_sentences

DATA = Path(__file__).resolve().parents[1] / "data"
GOLD = json.loads((DATA / "segmentation-gold.json").read_text(encoding="utf-8"))
STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def units_of(text: str) -> list[tuple[str, str]]:
    return [
        (unit.kind, text[unit.start : unit.end])
        for unit in segment(text, blocks_from_plain_text(text))
    ]


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text, 0, len(text))]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_read_and_segment_reproduce_the_gold_exactly(name: str) -> None:
    article = read_file(DATA / name).articles[0]
    units = segment(article.text, article.blocks)
    got = [
        {"kind": u.kind, "start": u.start, "end": u.end, "text": article.text[u.start : u.end]}
        for u in units
    ]
    assert got == GOLD[name]


def test_html_sentences_match_the_plain_text_version() -> None:
    """harbor-deal.html is the first part of harbor-deal.txt, with curly quotes, a byline
    and boilerplate; its units must be the txt's units, in order, up to where it ends."""
    article = read_file(DATA / "harbor-deal.html").articles[0]
    html_units = [
        (u.kind, article.text[u.start : u.end].translate(STRAIGHT))
        for u in segment(article.text, article.blocks)
    ]
    txt_units = [(u["kind"], u["text"]) for u in GOLD["harbor-deal.txt"]]
    assert html_units == txt_units[: len(html_units)]
    assert len(html_units) == 10
    assert html_units[0] == ("title", article.title)


def test_split_sentences_agrees_with_pysbd_on_every_sample_paragraph() -> None:
    """The plain cuts that spare pysbd work must not change what pysbd would decide."""
    segmenter = pysbd.Segmenter(language="en", clean=False)
    for name in sorted(GOLD):
        for paragraph in (DATA / name).read_text(encoding="utf-8").split("\n\n"):
            expected = [piece.strip() for piece in segmenter.segment(paragraph) if piece.strip()]
            assert sentences(paragraph) == expected


def test_a_repeated_sentence_gets_its_own_offsets() -> None:
    """pysbd's char_span puts both copies at the first; the forward search does not."""
    text = "It rained. The match went on. It rained. The match went on."
    spans = split_sentences(text, 0, len(text))
    assert spans == [(0, 10), (11, 29), (30, 40), (41, 59)]


def test_split_sentences_works_inside_a_larger_text() -> None:
    text = "HEADER\n\n  Mr. Weir left at 5 p.m. on Monday. He did not return.  \n\nFOOTER"
    start = text.index("  Mr.")
    end = text.index("FOOTER")
    got = [text[a:b] for a, b in split_sentences(text, start, end)]
    assert got == ["Mr. Weir left at 5 p.m. on Monday.", "He did not return."]


def test_titles_and_headings_stay_whole_even_with_sentence_marks() -> None:
    text = "Talks fail. Again\n\nBody one. Body two."
    blocks = [Block("title", 0, 17), Block("paragraph", 19, len(text))]
    assert segment(text, blocks) == [
        UnitSpan("title", 0, 17),
        UnitSpan("sentence", 19, 28),
        UnitSpan("sentence", 29, len(text)),
    ]


def test_first_line_is_the_title_only_when_a_blank_line_follows() -> None:
    assert units_of("Port deal agreed\n\nThe port said so.")[0] == ("title", "Port deal agreed")
    assert units_of("Port deal agreed\nThe port said so.")[0][0] == "sentence"
    assert units_of("Only one line here.") == [("sentence", "Only one line here.")]


def test_short_unpunctuated_standalone_line_is_a_heading() -> None:
    long_line = "A line of more than eighty characters that has no closing punctuation at its end"
    text = f"Title\n\nFirst para.\n\nTalks gather pace\n\n{long_line}\n\nWhat now?"
    kinds = {unit_text: kind for kind, unit_text in units_of(text)}
    assert kinds["Talks gather pace"] == "heading"
    assert kinds[long_line] == "sentence"
    assert kinds["What now?"] == "sentence"


def test_heading_limits_on_words_colons_and_closing_quotes() -> None:
    text = (
        "T\n\nx.\n\n"
        "One two three four five six seven eight nine ten eleven\n\n"
        "Key points:\n\n"
        '"He said no."\n\n'
        '"Nobody knows"\n\nx.'
    )
    kinds = {unit_text: kind for kind, unit_text in units_of(text)}
    assert kinds["One two three four five six seven eight nine ten eleven"] == "sentence"
    assert kinds["Key points:"] == "sentence"
    assert kinds['"He said no."'] == "sentence"
    assert kinds['"Nobody knows"'] == "heading"


def test_hard_wrapped_lines_stay_one_paragraph() -> None:
    text = (
        "Title\n\nA senior official in the transport ministry, who spoke on\n"
        "condition of anonymity, said the government wanted a decision\n"
        "before the end of the year. The talks went on."
    )
    assert units_of(text)[1:] == [
        (
            "sentence",
            "A senior official in the transport ministry, who spoke on\ncondition of anonymity, "
            "said the government wanted a decision\nbefore the end of the year.",
        ),
        ("sentence", "The talks went on."),
    ]


def test_standalone_lines_are_separate_blocks() -> None:
    text = (
        "Key facts\n- Port to be leased\n- Unions warn of strikes\nVotes are due soon.\n"
        "A vote\nB vote"
    )
    blocks = blocks_from_plain_text(text, first_line_title=False)
    assert [text[b.start : b.end] for b in blocks] == [
        "Key facts",
        "- Port to be leased",
        "- Unions warn of strikes",
        "Votes are due soon.",
        "A vote\nB vote",
    ]


def test_lines_without_any_punctuation_each_stand_alone() -> None:
    text = "Intro.\n\nPort of Marenne\nEast Terminal\nOpened 1998"
    assert units_of(text)[1:] == [
        ("sentence", "Port of Marenne"),
        ("sentence", "East Terminal"),
        ("sentence", "Opened 1998"),
    ]


def test_line_ending_in_an_abbreviation_or_initial_is_a_wrap() -> None:
    text = "Intro.\n\nThe talks were led by Mr.\nAnton Weir and Jonas E.\nSmith of the ministry."
    assert units_of(text)[1:] == [
        ("sentence", "The talks were led by Mr.\nAnton Weir and Jonas E.\nSmith of the ministry.")
    ]


def test_separator_lines_are_breaks_not_units() -> None:
    text = "Title\n\nOne.\n***\nTwo.\n\n---"
    assert units_of(text) == [("title", "Title"), ("sentence", "One."), ("sentence", "Two.")]


def test_a_sentence_never_crosses_a_paragraph_break() -> None:
    text = "Intro line one.\n\nsaid Mr.\n\nSmith went home."
    assert [u for k, u in units_of(text)] == ["Intro line one.", "said Mr.", "Smith went home."]


def test_three_thousand_sentences_segment_as_many_times_as_the_text_repeats() -> None:
    """The gold sentences, three to a paragraph, repeated past 3,000 sentences: every copy
    gives the same units (how fast: benchmarks/bench_segmentation.py)."""
    paragraphs = [u["text"] for name in sorted(GOLD) for u in GOLD[name] if u["kind"] == "sentence"]
    once = "\n\n".join(" ".join(paragraphs[i : i + 3]) for i in range(0, len(paragraphs), 3))
    copies = 3000 // len(paragraphs) + 1
    text = "\n\n".join([once] * copies)
    units = segment(text, blocks_from_plain_text(text, first_line_title=False))
    single = segment(once, blocks_from_plain_text(once, first_line_title=False))
    assert len(units) == copies * len(single) >= 3000
    assert [text[u.start : u.end] for u in units] == [
        once[u.start : u.end] for u in single
    ] * copies


@pytest.mark.parametrize("opening", ["", "'Tis the season. "], ids=["plain", "doubtful"])
def test_a_paragraph_of_a_thousand_sentences_does_not_blow_up(monkeypatch, opening: str) -> None:
    """pysbd's time grows with the square of its input (a 3,000-sentence paragraph takes it
    over a minute); long paragraphs are cut first, also after a mark that stops the plain
    cuts (an opening single quote sends the rest of the paragraph to pysbd). Without an
    opening quote pysbd never sees more than a few thousand of the paragraph's 55,000
    characters at once; with one it is handed the whole paragraph today, which on this
    text stays about linear (how fast: benchmarks/bench_segmentation.py)."""
    seen: list[int] = []
    real = pysbd.Segmenter.segment

    def measured(self, text):
        seen.append(len(text))
        return real(self, text)

    monkeypatch.setattr(pysbd.Segmenter, "segment", measured)
    body = " ".join(f"Officials met on day {n} and cited a 1.5 percent rise." for n in range(1000))
    text = opening + body
    units = segment(text, [Block("paragraph", 0, len(text))])
    assert len(units) == 1000 + bool(opening)
    assert text[units[-1].start : units[-1].end] == (
        "Officials met on day 999 and cited a 1.5 percent rise."
    )
    if not opening:
        assert max(seen, default=0) <= 10_000


text_alphabet = st.one_of(
    st.sampled_from(list("  \n\n\t.!?\"'“”()-•:;,…\u00a0\u2028\r")),
    st.sampled_from(["Mr.", "U.S.", "the", "Said", "1)", "a.", "3.5", "Talks gather pace", "no"]),
    st.characters(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(text_alphabet, max_size=80).map("".join))
def test_units_are_ordered_disjoint_stripped_and_inside_their_blocks(text: str) -> None:
    blocks = blocks_from_plain_text(text)
    units = segment(text, blocks)
    previous_end = 0
    for block in blocks:
        assert block.start < block.end
        assert text[block.start : block.end] == text[block.start : block.end].strip()
    for unit in units:
        piece = text[unit.start : unit.end]
        assert piece and piece == piece.strip()
        assert unit.start >= previous_end
        previous_end = unit.end
        assert any(b.start <= unit.start and unit.end <= b.end for b in blocks)
    covered = "".join(text[u.start : u.end] for u in units)
    in_blocks = "".join(text[b.start : b.end] for b in blocks)
    assert "".join(covered.split()) == "".join(in_blocks.split())  # no text is lost
