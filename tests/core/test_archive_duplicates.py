"""Near-duplicates from news archives: flagged at import by the documented rule, both
kept, shown both ways in `annotator articles`, and one dropped with one command; and
`annotator info` counting articles per outlet and language."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from sqlmodel import col, select

from annotator.cli import main
from annotator.core.coding import service as coding
from annotator.core.coding.article_views import article_summaries
from annotator.core.coding.lookups import list_articles, list_units
from annotator.core.ingest import near_duplicates
from annotator.core.ingest.documents import ParsedArticle, join_blocks
from annotator.core.ingest.into_project import ImportReport, store_articles
from annotator.core.ingest.near_duplicates import (
    SHARED_SHARE,
    SameDayIndex,
    shared_share,
    shingles,
)
from annotator.core.store.project import Project

ARCHIVES = Path(__file__).resolve().parents[1] / "data" / "archives"
HARBOUR = "harbour-deal-stalls-as-authority-balks-at-cost"
UPDATED = "harbour-expansion-stalls-over-dredging-bill"


def article(title: str, body: str, published: str | None) -> ParsedArticle:
    text, blocks = join_blocks([("title", title), ("paragraph", body)])
    return ParsedArticle(text, blocks, title, "", f"<{title}>", published=published)


STORY = (
    "The council voted on Monday to close the old ferry terminal after twenty years, "
    "citing repair costs that had doubled since the spring, officials said."
)


def test_the_same_story_on_the_same_day_is_flagged_and_kept(empty_project):
    report = ImportReport()
    store_articles(
        empty_project,
        [
            article("Terminal to close", STORY, "2024-05-06"),
            article("Old terminal closes", STORY + " A spokesman confirmed it.", "2024-05-06"),
            article("Terminal closes, a day later", STORY + " Again.", "2024-05-07"),
            article("Undated copy", STORY + " Once more.", None),
        ],
        report,
    )
    assert len(report.imported) == 4  # both kept
    flags = {
        a.key: json.loads(a.metadata_json).get("near_duplicate_of")
        for a in list_articles(empty_project)
    }
    assert flags == {
        "terminal-to-close": None,
        "old-terminal-closes": "terminal-to-close",
        "terminal-closes-a-day-later": None,  # another day: not compared
        "undated-copy": None,  # no date: nothing to go on
    }
    assert report.notes == [
        "<Old terminal closes>: near-duplicate of terminal-to-close (same day, 88% of its "
        "text shared); both kept"
    ]


def test_a_different_story_of_the_same_day_is_not_flagged():
    other = "The hospital opened a new wing for children on Monday, its director said."
    assert shared_share(shingles(STORY), shingles(other)) < SHARED_SHARE


def test_the_index_finds_what_comparing_every_pair_finds():
    rng = random.Random(5)
    words = [f"w{number}" for number in range(300)]
    texts = [" ".join(rng.choices(words, k=rng.randrange(3, 60))) for _ in range(120)]
    texts += [text + " one more line" for text in texts[::7]]  # near-duplicates
    texts += ["", "two words"]
    index = SameDayIndex()
    found = [index.match_and_add(str(n), "2024-05-06", text) for n, text in enumerate(texts)]
    sequences = [shingles(text) for text in texts]
    expected = []
    for n, own in enumerate(sequences):
        shares = ((str(m), shared_share(own, sequences[m])) for m in range(n))
        expected.append(next((pair for pair in shares if pair[1] >= SHARED_SHARE), None))
    assert found == expected
    assert sum(pair is not None for pair in found) >= 10  # the rule is met, not only missed


def test_an_article_alone_on_its_day_is_never_broken_into_sequences(monkeypatch):
    made = []
    monkeypatch.setattr(near_duplicates, "shingles", lambda text: made.append(text) or frozenset())
    index = SameDayIndex()
    for day in range(1, 29):
        index.match_and_add(f"a{day}", f"2024-02-{day:02}", f"Story of day {day}.")
    assert made == []
    index.match_and_add("b", "2024-02-03", "Another story of day 3.")
    assert sorted(made) == ["Another story of day 3.", "Story of day 3."]


def test_a_near_duplicate_already_in_the_project_is_found(empty_project):
    store_articles(
        empty_project, [article("Terminal to close", STORY, "2024-05-06")], ImportReport()
    )
    report = ImportReport()
    store_articles(empty_project, [article("Copy", STORY + " Updated.", "2024-05-06")], report)
    assert "near-duplicate of terminal-to-close" in report.notes[0]


@pytest.fixture
def archive_project(project_location, capsys) -> str:
    location = str(project_location("archives.annotator"))
    assert main(["new", location]) == 0
    files = [ARCHIVES / "nexis-uni-export.docx", ARCHIVES / "lexisnexis-academic.txt"]
    main(["import", location, *map(str, files)])
    capsys.readouterr()
    return location


def test_articles_lists_the_pair_both_ways_and_json_has_every_field(archive_project, capsys):
    assert main(["articles", archive_project]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines[HARBOUR].endswith(f"[near-duplicate of {UPDATED}]")
    assert lines[UPDATED].endswith(f"[near-duplicate of {HARBOUR}]")
    assert "near-duplicate" not in lines["drie-basisscholen-dicht"]
    assert main(["articles", archive_project, "--json"]) == 0
    rows = {row["key"]: row for row in json.loads(capsys.readouterr().out)}
    first = rows[HARBOUR]
    assert (first["author"], first["outlet"], first["published"]) == (
        "Jane Roe",
        "The Portmere Courier",
        "2010-01-11",
    )
    assert first["metadata"]["word_count"] == "412"
    assert first["near_duplicate_of"] == UPDATED


def test_the_window_list_knows_the_pair_and_the_language(archive_project):
    with Project.open(archive_project) as project:
        summaries = {s.key: s for s in article_summaries(project, "ana")}
    assert summaries[UPDATED].near_duplicate_of == HARBOUR
    assert summaries[HARBOUR].near_duplicate_of == UPDATED
    assert (summaries["drie-basisscholen-dicht"].language, summaries[HARBOUR].author) == (
        "nl",
        "Jane Roe",
    )


def test_a_supervisor_drops_one_of_the_pair_with_one_command(archive_project, capsys):
    assert main(["drop-article", archive_project, UPDATED]) == 0
    assert capsys.readouterr().out == f"dropped {UPDATED} (5 unit(s))\n"
    with Project.open(archive_project) as project:
        keys = [a.key for a in list_articles(project)]
        assert UPDATED not in keys and HARBOUR in keys
        assert [u for u in list_units(project) if u.article_key == UPDATED] == []
        assert article_summaries(project, "ana")[0].near_duplicate_of == ""


def test_an_article_with_codes_is_not_dropped(archive_project, capsys):
    with Project.open(archive_project) as project:
        unit = list_units(project, UPDATED)[1]
        coding.apply_codes(project, "ana", unit.id, {"attribution": "named_person"})
    assert main(["drop-article", archive_project, UPDATED]) != 0
    assert "not dropped, it has 1 code(s) and 0 note(s)" in capsys.readouterr().err
    with Project.open(archive_project) as project:
        assert UPDATED in [a.key for a in list_articles(project)]


def test_info_counts_articles_per_outlet_and_language(archive_project, capsys):
    assert main(["info", archive_project, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["languages"] == {"en": 4, "de": 1, "nl": 1, "da": 1}
    assert info["outlets"]["The Portmere Courier"] == 1
    assert sum(info["outlets"].values()) == 7


@pytest.mark.parametrize("layout", ["long", "wide", "consensus", "articles"])
def test_every_export_layout_carries_title_outlet_date_and_author(
    archive_project, tmp_path, layout
):
    import csv

    with Project.open(archive_project) as project:
        unit = list_units(project, HARBOUR)[1]
        coding.apply_codes(project, "ana", unit.id, {"attribution": "named_person"})
    out = tmp_path / f"{layout}.csv"
    assert main(["export", archive_project, "--layout", layout, "-o", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as file:
        rows = [row for row in csv.DictReader(file) if row["article_key"] == HARBOUR]
    assert rows
    assert {(r["title"], r["outlet"], r["published"], r["author"]) for r in rows} == {
        (
            "Harbour deal stalls as authority balks at cost",
            "The Portmere Courier",
            "2010-01-11",
            "Jane Roe",
        )
    }


def test_info_counts_odd_metadata_as_unknown_language(archive_project, capsys):
    """The database counts languages (issue 29); metadata that is not a JSON object, or
    whose language is not text, counts as unknown instead of failing `info`."""
    from annotator.core.store.models import Article

    odd = ["not json {", "[1, 2]", '{"language": 5}', '{"language": ""}']
    with Project.open(archive_project) as project, project.writing() as session:
        rows = session.exec(select(Article).order_by(col(Article.id))).all()
        for row, metadata in zip(rows, odd, strict=False):
            row.metadata_json = metadata
        rows[4].outlet = ""
    assert main(["info", archive_project, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert sum(info["languages"].values()) == 7
    assert info["languages"]["unknown"] == 4
    assert sum(info["outlets"].values()) == 7


def test_articles_with_a_coder_shows_the_coders_progress(archive_project, capsys):
    with Project.open(archive_project) as project:
        unit = list_units(project, HARBOUR)[1]
        codes = {"attribution": "named_person", "claim_type": "fact", "confidence": "high"}
        coding.apply_codes(project, "ana", unit.id, codes)
    assert main(["articles", archive_project, "--coder", "ana", "--json"]) == 0
    rows = {row["key"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[HARBOUR]["complete"] == 1 and rows[UPDATED]["complete"] == 0
    total = rows[HARBOUR]["units_to_code"]
    assert total > 1
    assert main(["articles", archive_project, "--coder", "ana"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert f"  1/{total}  [near-duplicate of {UPDATED}]" in lines[HARBOUR]
