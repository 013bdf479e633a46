"""Page furniture of news copy (issue 26): bylines, time stamps, datelines, credits,
promotions, post signatures, press-release headers and contact blocks and liveblog
controls become furniture units, never sentences; "Hon." before a name cuts nothing."""

from __future__ import annotations

import pytest

from annotator.core.ingest.furniture import is_furniture_line
from annotator.core.ingest.plain_text import blocks_from_plain_text
from annotator.core.ingest.segmentation import segment, split_sentences


@pytest.mark.parametrize(
    "line",
    [
        "By Mara Quint",
        "By Tobias Lenk, Health Correspondent",
        "From Ada Nwosu, Port Kelen",
        "Staff Reporter",
        "Our Correspondent",
        "Express News Service",
        "Published: 22:14 GMT, 14 March 2026 | Updated: 23:02 GMT, 14 March 2026",
        "Updated 3 hours ago",
        "14.05 GMT",
        "VELDRA, May 2 (Northwire) -",
        "KELMSTON:",
        "Read more: Why the ferry fares went up",
        "--With assistance from Rolf Anker.",
        "Reporting by Mara Quint; Editing by Ivo Lind",
        "Sign up for our morning newsletter to get the news in your inbox",
        "— Ivo Lind (@ivolind) April 2, 2026",
        "FOR IMMEDIATE RELEASE",
        "Media contact:",
        "press@kelmston.example | +44 20 7946 0011",
        "SOURCE Kelmston Foods plc",
        "Key events",
        "Show key events only",
        "Please turn on JavaScript to use this feature",
    ],
)
def test_news_page_furniture_lines(line: str) -> None:
    assert is_furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the day, the ferries were running again.",
        "From Monday, fares will rise by 4%.",
        "Updated figures show the deficit is larger than thought.",
        "Key events of the day are listed below.",
        "Contact with the ship was lost at 9pm.",
        "The minister said she would publish the contract.",
    ],
)
def test_sentences_that_start_like_news_furniture_stay_text(line: str) -> None:
    assert not is_furniture_line(line)


def _units(text: str) -> list[tuple[str, str]]:
    return [(u.kind, text[u.start : u.end]) for u in segment(text, blocks_from_plain_text(text))]


def test_a_press_release_contact_block_is_furniture_and_covered() -> None:
    text = (
        "Kelmston Foods opens bakery\n\n"
        "Kelmston Foods today opened a bakery in Veldra. It will employ 40 people.\n\n"
        "Media contact:\nIvo Lind, Head of Communications\npress@kelmston.example\n"
    )
    units = _units(text)
    assert ("furniture", "Ivo Lind, Head of Communications") in units
    assert [t for k, t in units if k == "sentence"] == [
        "Kelmston Foods today opened a bakery in Veldra.",
        "It will employ 40 people.",
    ]
    covered = "".join(t for _, t in units)
    assert covered.replace(" ", "") == "".join(text.split())


def test_liveblog_chrome_and_time_stamps_are_never_sentences() -> None:
    text = (
        "Storm Vell: live\n\nKey events\nShow key events only\n\n14.05 GMT\n"
        "The coastguard said the ferry had reached port. Nobody was hurt.\n"
    )
    kinds = dict((t, k) for k, t in _units(text))
    assert kinds["Key events"] == kinds["Show key events only"] == "furniture"
    assert kinds["14.05 GMT"] == "furniture"
    assert kinds["Nobody was hurt."] == "sentence"


@pytest.mark.parametrize("title", ["Hon.", "Rt. Hon.", "Cllr."])
def test_a_title_before_a_name_does_not_cut_the_sentence(title: str) -> None:
    text = f"The member for Kelen, {title} Ada Nwosu, called for an inquiry. Traders agreed."
    sentences = [text[s:e] for s, e in split_sentences(text, 0, len(text))]
    assert sentences == [text.removesuffix(" Traders agreed."), "Traders agreed."]
