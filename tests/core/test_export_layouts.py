"""The four layouts: which rows and columns they hold, checked against the database."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
import test_export_support as support

from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.coding.memos import set_article_memo
from annotator.core.errors import AnnotatorError
from annotator.core.export import (
    ExportOptions,
    export_csv_stream,
    layout_columns,
    neutralise,
    preview_rows,
)

ALL = 10**9


@pytest.fixture
def project(project_location):
    project = support.hostile_project(project_location("hostile.annotator"))
    yield project
    project.close()


def rows(project, layout, **options):
    return preview_rows(project, ExportOptions(layout, **options), ALL)


def in_scope(project):
    """Units the codebook requires plus units anyone coded or annotated."""
    book = project.codebook
    touched = {
        u
        for name in ("alice", "bob", "=bob", support.LONG_CODER)
        for u in [*coding.coder_codes(project, name), *coding.coder_notes(project, name)]
    }
    return [u for u in lookups.list_units(project) if book.needs_coding(u.kind) or u.id in touched]


def test_long_has_a_row_per_unit_and_coder_in_order(project):
    result = rows(project, "long")
    coders = sorted(["alice", "bob", "=bob", support.LONG_CODER])
    expected = [(u.key, c) for u in in_scope(project) for c in coders]
    assert [(r["unit_key"], r["coder"]) for r in result] == expected
    assert list(result[0]) == [
        "article_key",
        "title",
        "outlet",
        "published",
        "author",
        "unit_key",
        "unit_index",
        "kind",
        "text",
        "coder",
        "attribution",
        "tone",
        "topic",
        "note",
        "coded_at",
        "codebook",
        "codebook_version",
    ]
    title = result[0]
    assert title["kind"] == "title" and title["coder"] == "=bob"
    alice = next(r for r in result if r["coder"] == "alice")
    assert alice["attribution"] == "anonymous"  # alice coded the title (an optional kind)
    assert alice["codebook"] == "Hostile, test" and alice["codebook_version"] == "2.0-β"
    assert alice["coded_at"].endswith("Z") and alice["coded_at"][10] == "T"


def test_long_codes_match_the_database_in_every_mode(project):
    book = project.codebook
    for mode in ("codes", "values", "labels"):
        for row in rows(project, "long", values=mode):
            unit = lookups.find_unit(project, row["unit_key"])
            stored = coding.coder_codes(project, row["coder"]).get(unit.id, {})
            for field in book.fields:
                category = field.category(stored[field.key]) if field.key in stored else None
                expected = (
                    None
                    if category is None
                    else {
                        "codes": category.code,
                        "values": int(category.value)
                        if category.value.is_integer()
                        else category.value,
                        "labels": category.label,
                    }[mode]
                )
                assert row[field.key] == expected
            assert row["note"] == coding.coder_notes(project, row["coder"]).get(unit.id)
            assert row["text"] == unit.text


def test_wide_has_a_column_per_field_and_coder(project):
    result = rows(project, "wide", values="values")
    coders = sorted(["alice", "bob", "=bob", support.LONG_CODER])
    names = list(result[0])
    assert names[9:13] == [f"attribution__{c}" for c in coders]
    assert [f"note__{c}" for c in coders] == names[21:25]
    assert [r["unit_key"] for r in result] == [u.key for u in in_scope(project)]
    sentence = next(r for r in result if r["unit_key"] == "hostile#4")
    for coder in coders:
        unit = lookups.find_unit(project, "hostile#4")
        code = coding.coder_codes(project, coder).get(unit.id, {}).get("tone")
        value = project.codebook.field("tone").category(code).value if code else None
        assert sentence[f"tone__{coder}"] == value


def test_wide_leaves_out_consensus_coders_unless_named(project):
    support.add_consensus(project, lookups.find_unit(project, "hostile#2").id, {"tone": "pos"})
    assert not any("panel" in name for name in rows(project, "wide")[0])
    named = rows(project, "wide", coders=("panel", "alice"))[0]
    assert [n for n in named if n.startswith("tone__")] == ["tone__alice", "tone__panel"]
    assert "panel" in {r["coder"] for r in rows(project, "long")}


def test_consensus_prefers_the_consensus_coder_then_agreement(project):
    support.add_consensus(project, lookups.find_unit(project, "hostile#3").id, {"tone": "pos"})
    result = {r["unit_key"]: r for r in rows(project, "consensus", coders=("alice", "bob"))}
    chosen = result["hostile#3"]
    assert (chosen["consensus_source"], chosen["coder"], chosen["tone"]) == (
        "partial",  # attribution, a required field, is not decided (issue 28)
        "panel",
        "pos",
    )
    assert chosen["attribution"] is None
    alice, bob = coding.coder_codes(project, "alice"), coding.coder_codes(project, "bob")
    for key, row in result.items():
        if key == "hostile#3":
            continue
        unit = lookups.find_unit(project, key)
        agreed = unit.id in alice and alice[unit.id] == bob.get(unit.id)
        assert row["consensus_source"] == ("agreement" if agreed else "none")
        if agreed:
            assert row["coder"] == "alice;bob"
            assert {f: row[f] for f in alice[unit.id]} == alice[unit.id]
    assert Counter(r["consensus_source"] for r in result.values())["agreement"] >= 3


def test_consensus_source_says_consensus_only_where_every_required_field_was_decided(
    project,
):
    """Topic is optional: a decision on attribution and tone is a whole one (issue 28)."""
    unit = lookups.find_unit(project, "hostile#3").id
    support.add_consensus(project, unit, {"attribution": "named", "tone": "pos"})
    result = {r["unit_key"]: r for r in rows(project, "consensus", coders=("alice", "bob"))}
    assert result["hostile#3"]["consensus_source"] == "consensus"
    coding.apply_codes(project, "panel", unit, {"tone": None})
    result = {r["unit_key"]: r for r in rows(project, "consensus", coders=("alice", "bob"))}
    assert result["hostile#3"]["consensus_source"] == "partial"


def test_articles_counts_each_code(project):
    result = rows(project, "articles")
    assert [(r["article_key"], r["coder"]) for r in result][:6] == [
        ("hostile", "=bob"),
        ("hostile", support.LONG_CODER),
        ("hostile", "alice"),
        ("hostile", "bob"),
        ("hostile", "consensus"),
        ("border-talks", "=bob"),
    ]
    for row in result:
        if row["role"] != "coder":
            continue
        article_units = {u.id for u in in_scope(project) if u.article_key == row["article_key"]}
        codes = coding.coder_codes(project, row["coder"])
        mine = [codes[u] for u in article_units if u in codes]
        assert row["units"] == len(article_units)
        assert row["coded_units"] == len(mine)
        for field in project.codebook.fields:
            for category in field.categories:
                expected = sum(1 for c in mine if c.get(field.key) == category.code)
                assert row[f"{field.key}_{category.code}"] == expected
    consensus = rows(project, "consensus")
    agreed = Counter(r["article_key"] for r in consensus if r["consensus_source"] != "none")
    for row in result:
        if row["role"] == "consensus":
            assert row["coded_units"] == agreed[row["article_key"]]


def test_selection_by_coder_and_article(project):
    result = rows(project, "long", coders=("bob",), articles=("border-talks",))
    assert {r["coder"] for r in result} == {"bob"}
    assert {r["article_key"] for r in result} == {"border-talks"}
    with pytest.raises(AnnotatorError, match="no coder 'zed'"):
        rows(project, "long", coders=("zed",))
    with pytest.raises(AnnotatorError, match="no article 'nope'"):
        rows(project, "long", articles=("nope",))
    with pytest.raises(AnnotatorError, match="unknown layout"):
        ExportOptions("tall")


def test_preview_is_the_first_rows_and_columns_are_known_up_front(project):
    options = ExportOptions("long")
    assert preview_rows(project, options, 5) == rows(project, "long")[:5]
    columns = layout_columns(project, options)
    assert [c.name for c in columns] == list(rows(project, "long")[0])


def test_articles_carry_their_memo_neutralised_in_csv(project):
    """The articles layout's `memo`: on each of the article's rows, empty where it has
    none, and in CSV a memo that starts like a formula is neutralised like any text."""
    memo = '=HYPERLINK("http://invented.example","see")\nsecond line'
    articles = {a.key: a.id for a in lookups.list_articles(project)}
    set_article_memo(project, "alice", articles["hostile"], memo)
    result = rows(project, "articles")
    assert "memo" in result[0]
    assert {r["memo"] for r in result if r["article_key"] == "hostile"} == {memo}
    assert {r["memo"] for r in result if r["article_key"] != "hostile"} == {None}
    stream = io.BytesIO()
    export_csv_stream(project, stream, ExportOptions("articles"))
    table = list(csv.DictReader(io.StringIO(stream.getvalue().decode("utf-8-sig"))))
    assert {r["memo"] for r in table if r["article_key"] == "hostile"} == {neutralise(memo)}
    assert neutralise(memo) != memo
