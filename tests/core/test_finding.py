"""Retrieval, keyword-in-context search and code frequencies on a hand-built project
(issue 28): three invented articles, two coders and the suggester, coded through the
core's coding service."""

from __future__ import annotations

import csv
import json

import pytest

from annotator import cli
from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.article_views import article_summaries, article_units
from annotator.core.coding.finding_csv import retrieval_table, write_table_csv
from annotator.core.coding.frequencies import code_frequencies
from annotator.core.coding.keyword_search import pattern_for, search_articles
from annotator.core.coding.retrieval import (
    Criteria,
    low_confidence_codes,
    matching_places,
    retrieve,
)
from annotator.core.errors import AnnotatorError
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.location import is_server_url
from annotator.core.store.models import Origin
from annotator.core.store.project import Project
from annotator.core.store.roles import SUGGESTER
from annotator.core.supervision.passphrase import set_supervisor_passphrase

ARTICLES = {
    "ferry.txt": "Ferry fares rise\n\nThe council said fares would rise. "
    "A spokesperson declined to comment. Critics called the plan unfair.\n",
    "orchard.txt": "Orchard opens\n\nThe orchard opened on Monday. "
    "Officials said the Council had approved it. Nobody knows why.\n",
    "tunnel.txt": "Tunnel delayed\n\nThe tunnel is late, engineers said. "
    "COUNCILLORS were not told. The counciL met twice.\n",
}


def sentences(project: Project) -> list[int]:
    """Every sentence's unit id in coding order."""
    return [
        unit.id
        for summary in article_summaries(project, "alice")
        for unit in article_units(project, summary.id)
        if unit.kind == "sentence"
    ]


@pytest.fixture
def built(project_location, tmp_path):
    """alice codes every sentence, bob the first four; notes and a suggester on some."""
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = project_location("finding.annotator")
    project = Project.create(path, bundled_codebook())
    assert not import_paths(project, sorted(tmp_path.glob("*.txt"))).failures
    ids = sentences(project)
    for position, unit_id in enumerate(ids):
        attribution = "anonymous_vague" if position % 3 == 1 else "named_organisation"
        confidence = "low" if position in (2, 5) else "high"
        coding.apply_codes(
            project,
            "alice",
            unit_id,
            {"attribution": attribution, "claim_type": "fact", "confidence": confidence},
        )
        if position < 4:
            coding.apply_codes(
                project, "bob", unit_id, {"attribution": "anonymous_vague", "confidence": "low"}
            )
    coding.set_note(project, "alice", ids[0], "unsure about the source")
    coding.set_note(project, "alice", ids[7], "check the date")
    coding.set_note(project, "bob", ids[3], "bob's own note")
    coding.set_note(project, "bob", ids[8], "a note on a unit bob did not code")
    with coding.writing(project, origin=Origin.SUGGESTION, reserved=SUGGESTER) as writer:
        writer.set_codes(SUGGESTER, ids[0], {"attribution": "named_organisation"})
        writer.set_codes(SUGGESTER, ids[1], {"attribution": "named_person"})
        writer.set_codes(
            SUGGESTER, ids[2], {"attribution": "named_organisation", "confidence": "medium"}
        )
    yield project, ids
    project.close()


def found(project, **criteria) -> list[tuple[int, str]]:
    criteria.setdefault("coders", ("alice",))
    return [(u.unit_id, u.coder) for u in retrieve(project, Criteria(**criteria)).units]


def test_a_code_is_retrieved_across_articles_in_coding_order(built):
    project, ids = built
    expected = [(ids[p], "alice") for p in range(len(ids)) if p % 3 == 1]
    assert len({u.article_key for u in retrieve(project, Criteria(("alice",))).units}) == 3
    assert found(project, field="attribution", code="anonymous_vague") == expected
    units = retrieve(project, Criteria(("alice",), "attribution", "anonymous_vague")).units
    assert units[0].codes["attribution"] == "anonymous_vague"
    assert units[0].unit_key.endswith(f"#{units[0].idx}") and units[0].text


def test_a_coder_sees_only_the_coders_asked_for(built):
    project, ids = built
    assert found(project, coders=("bob",), field="attribution", code="anonymous_vague") == [
        (ids[p], "bob") for p in range(4)
    ]
    both = found(project, coders=("alice", "bob"), field="confidence", code="low")
    assert both == sorted(
        [(ids[p], "bob") for p in range(4)] + [(ids[2], "alice"), (ids[5], "alice")],
        key=lambda pair: (ids.index(pair[0]), pair[1]),
    )


def test_notes_low_confidence_and_the_suggester(built):
    project, ids = built
    assert found(project, with_note=True) == [(ids[0], "alice"), (ids[7], "alice")]
    noted = retrieve(project, Criteria(("bob",), with_note=True)).units
    assert [(u.unit_id, u.note, u.codes) for u in noted][-1] == (
        ids[8],
        "a note on a unit bob did not code",
        {},
    )
    assert found(project, low_confidence=True) == [(ids[2], "alice"), (ids[5], "alice")]
    # ids[0] agrees, ids[1] differs on attribution, ids[2] only on the confidence (skipped)
    differs = retrieve(project, Criteria(("alice",), differs_from_suggester=True)).units
    assert [(u.unit_id, u.suggested) for u in differs] == [
        (ids[1], {"attribution": "named_person"})
    ]
    assert found(project, with_note=True, field="attribution", code="named_organisation") == [
        (ids[0], "alice")  # ids[7] has a note but is coded anonymous_vague
    ]
    assert found(project, with_note=True, low_confidence=True) == []
    assert low_confidence_codes(project.codebook) == ("confidence", frozenset({"low"}))
    places = matching_places(project, Criteria(("alice", "bob"), low_confidence=True))
    assert [unit_id for _, unit_id, _ in places] == [ids[p] for p in (0, 1, 2, 3, 5)]


def test_the_limit_cuts_and_says_so(built):
    project, ids = built
    cut = retrieve(project, Criteria(("alice",), limit=2))
    assert cut.truncated and [u.unit_id for u in cut.units] == ids[:2]
    assert not retrieve(project, Criteria(("alice",))).truncated
    assert retrieve(project, Criteria(("nobody",))).units == []


@pytest.mark.parametrize(
    ("criteria", "words"),
    [
        (Criteria(("alice",), "attribution", "made_up"), "no code 'made_up'"),
        (Criteria(("alice",), "colour"), "no field 'colour'"),
        (Criteria(("alice",), None, "fact"), "needs its field"),
        (Criteria(("alice",), limit=0), "limit"),
        (Criteria(()), "no coder"),
    ],
)
def test_impossible_criteria_are_refused_in_one_line(built, criteria, words):
    project, _ = built
    with pytest.raises(AnnotatorError, match=words):
        retrieve(project, criteria)


def test_keyword_in_context_ignores_case_in_any_script_and_whole_words(built):
    project, _ = built
    hits = search_articles(project, "council").hits
    assert [h.match for h in hits] == ["council", "Council", "COUNCIL", "counciL"]
    assert [h.article_key for h in hits] == ["ferry", "orchard", "tunnel", "tunnel"]
    first = hits[0]
    assert first.left.endswith("The ") and first.right.startswith(" said fares")
    whole = search_articles(project, "council", whole_word=True).hits
    assert [h.match for h in whole] == ["council", "Council", "counciL"]
    assert search_articles(project, "ÉCLAIR").hits == []
    assert pattern_for("ÉCLAIR").search("un éclair au café")  # any script's case
    assert pattern_for("straße", whole_word=True).search("die Straße.")
    assert not pattern_for("stra", whole_word=True).search("die Straße")
    cut = search_articles(project, "council", limit=2)
    assert cut.truncated and len(cut.hits) == 2
    assert search_articles(project, "c.uncil").hits == []  # the text, never a pattern
    with pytest.raises(AnnotatorError, match="nothing to search"):
        search_articles(project, "  ")


def test_frequencies_per_coder_and_per_article(built):
    project, ids = built
    table = code_frequencies(project, "attribution", ("alice", "bob"))
    assert table.groups == ["alice", "bob"]
    vague = table.codes.index("anonymous_vague")
    alice_vague = sum(1 for p in range(len(ids)) if p % 3 == 1)
    assert table.counts[vague] == [alice_vague, 4]
    assert table.column_totals == [len(ids), 4] and table.total == len(ids) + 4
    per_article = code_frequencies(project, "confidence", ("alice",), by="article")
    assert per_article.groups == ["ferry", "orchard", "tunnel"]
    assert per_article.row_totals[per_article.codes.index("low")] == 2
    blind = code_frequencies(project, "attribution", ("alice",))
    assert blind.groups == ["alice"]
    with pytest.raises(AnnotatorError, match="no field"):
        code_frequencies(project, "colour", ("alice",))


def test_the_command_line_retrieves_and_searches(built, capsys, monkeypatch):
    project, ids = built
    location = str(project.path)
    project.close()  # the command opens its own
    args = ["retrieve", location, "--code", "attribution=5", "--coder", "alice", "--json"]
    assert cli.main(args) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["attribution"] for row in rows] == ["anonymous_vague"] * len(rows)
    assert len(rows) == sum(1 for p in range(len(ids)) if p % 3 == 1)
    assert cli.main(["retrieve", location, "--note", "--coder", "bob", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("unit_key,article,index,coder,attribution")
    assert len(lines) == 3 and "a note on a unit bob did not code" in lines[2]
    assert cli.main(["search", location, "council", "--whole-word", "--csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert cli.main(["retrieve", location, "--code", "attribution=nine"]) == cli.EXIT_USER_ERROR
    assert "has no such code" in capsys.readouterr().err


def test_the_command_line_asks_for_the_passphrase(built, capsys, monkeypatch):
    project, _ = built
    set_supervisor_passphrase(project, "harbour lights")
    location = str(project.path)
    project.close()
    monkeypatch.setenv("ANNOTATOR_SUPERVISOR_PASSPHRASE", "a guess")
    assert cli.main(["retrieve", location, "--note"]) == cli.EXIT_USER_ERROR
    assert "wrong supervisor passphrase" in capsys.readouterr().err
    monkeypatch.setenv("ANNOTATOR_SUPERVISOR_PASSPHRASE", "harbour lights")
    assert cli.main(["retrieve", location, "--note", "--json"]) == 0
    assert {row["coder"] for row in json.loads(capsys.readouterr().out)} == {"alice", "bob"}


def test_the_csv_is_neutralised_and_never_replaces_the_project(built, tmp_path):
    project, ids = built
    coding.set_note(project, "alice", ids[0], '=HYPERLINK("http://x")')
    units = retrieve(project, Criteria(("alice",), with_note=True)).units
    header, rows = retrieval_table(project.codebook, units)
    out = tmp_path / "retrieved.csv"
    write_table_csv(out, project.path, header, rows)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with out.open(encoding="utf-8-sig", newline="") as stream:
        read = list(csv.reader(stream))
    assert read[0] == header and read[1][header.index("note")] == '\'=HYPERLINK("http://x")'
    assert read[1][header.index("index")] == str(units[0].idx)
    if not is_server_url(project.path):  # a server project has no file to replace
        with pytest.raises(AnnotatorError, match="would replace"):
            write_table_csv(project.path, project.path, header, rows)
