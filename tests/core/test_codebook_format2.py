"""Codebook format 2: scopes, types, conditions and groups (issue 23), and format 1 read
as it always was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core import field_values
from annotator.core.codebook import (
    Scope,
    bundled_codebook,
    load_codebook,
    parse_codebook,
)
from annotator.core.errors import CodebookError
from annotator.core.field_values import FieldType

DATA = Path(__file__).resolve().parents[1] / "data" / "codebooks"
TYPED = DATA / "typed-study.json"


@pytest.fixture(scope="module")
def typed():
    return load_codebook(TYPED)


def _book(fields: list[dict], **extra) -> dict:
    return {"format": 2, "name": "t", "version": "1", "fields": fields} | extra


def _choice(key: str, *codes: str, **extra) -> dict:
    return {
        "key": key,
        "label": key.title(),
        "categories": [{"code": code, "label": code.title()} for code in codes],
    } | extra


def test_every_type_and_scope_is_read(typed):
    kinds = {f.key: (f.type, f.scope, f.level.value) for f in typed.fields}
    assert kinds["topics"] == (FieldType.MULTIPLE, Scope.ARTICLE, "nominal")
    assert kinds["event_date"] == (FieldType.DATE, Scope.ARTICLE, "interval")  # from the type
    assert kinds["sources_cited"] == (FieldType.NUMBER, Scope.UNIT, "ratio")  # as given
    assert [f.key for f in typed.article_fields] == [
        "story_kind",
        "topics",
        "column_author",
        "event_date",
    ]
    assert typed.required_keys == ("source", "reason")  # unit fields only
    assert typed.progress_kinds == ("sentence", "article")


def test_the_stored_json_reads_back_to_the_same_codebook(typed):
    again = parse_codebook(json.loads(typed.to_json()))
    assert again == typed
    assert json.loads(typed.to_json())["fields"][5]["when"] == {
        "field": "source",
        "in": ["anonymous"],
    }


def test_format_1_is_stored_exactly_as_before():
    """The bundled codebook of the release before format 2, kept as a fixture: its
    stored JSON must not change (projects compare stored definitions when merging)."""
    text = (DATA / "source-reliability-1.0.json").read_text(encoding="utf-8")
    book = parse_codebook(json.loads(text))
    stored = json.loads(book.to_json())
    assert "format" not in stored and "groups" not in stored
    assert set(stored["fields"][0]) == {
        "key",
        "label",
        "description",
        "level",
        "required",
        "categories",
    }


@pytest.mark.parametrize(
    ("field", "problem"),
    [
        (_choice("a", "x", "y", scope="article"), 'needs "format": 2'),
        ({"key": "a", "label": "A", "type": "number"}, 'needs "format": 2'),
    ],
)
def test_format_1_refuses_what_format_2_added(field, problem):
    with pytest.raises(CodebookError, match=problem):
        parse_codebook({"name": "t", "version": "1", "fields": [field]})


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            [
                {
                    "key": "n",
                    "label": "N",
                    "type": "number",
                    "categories": [{"code": "a", "label": "A"}],
                }
            ],
            "has no categories",
        ),
        ([_choice("a", "x")], "at least two categories"),
        (
            [{"key": "n", "label": "N", "type": "number", "minimum": 5, "maximum": 1}],
            "minimum is above maximum",
        ),
        ([{"key": "t", "label": "T", "type": "text", "level": "ordinal"}], "nominal level"),
        ([_choice("a", "x", "y", type="multiple", level="ordinal")], "nominal level"),
        (
            [{"key": "t", "label": "T", "type": "date", "max_length": 5}],
            "max_length belongs to text",
        ),
        (
            [_choice("b", "x", "y", when={"field": "a", "in": ["x"]}), _choice("a", "x", "y")],
            "'a' is not a field before this one",
        ),
        (
            [_choice("a", "x", "y"), _choice("b", "x", "y", when={"field": "a", "in": ["z"]})],
            "'a' has no code 'z'",
        ),
        (
            [
                _choice("a", "x", "y", scope="article"),
                _choice("b", "p", "q", when={"field": "a", "in": ["x"]}),
            ],
            "coded at another scope",
        ),
        (
            [
                {"key": "n", "label": "N", "type": "number"},
                _choice("b", "x", "y", when={"field": "n", "in": ["x"]}),
            ],
            "not a choice field",
        ),
        ([_choice("a", "x", "y", group="nowhere")], "no group 'nowhere'"),
    ],
)
def test_format_2_mistakes_are_named(fields, problem):
    with pytest.raises(CodebookError, match=problem):
        parse_codebook(_book(fields))


def test_a_condition_holds_only_where_its_field_is_asked(typed):
    """printed_name asks for source=anonymous AND reason=given: a stray reason code on a
    named source does not switch it on through the chain."""
    asked = typed.applicable(Scope.UNIT, {"source": "anonymous", "reason": "given"})
    assert {"reason", "printed_name"} <= asked
    asked = typed.applicable(Scope.UNIT, {"source": "none", "reason": "given"})
    assert "reason" not in asked and "printed_name" not in asked
    assert typed.applicable(Scope.ARTICLE, {"story_kind": "opinion"}) >= {"column_author"}
    assert "column_author" not in typed.applicable(Scope.ARTICLE, {"story_kind": "news"})


def test_completeness_needs_only_the_required_fields_that_are_asked(typed):
    assert typed.is_complete("sentence", {"source": "named"})
    assert not typed.is_complete("sentence", {"source": "anonymous"})
    assert typed.is_complete("sentence", {"source": "anonymous", "reason": "not_given"})
    assert not typed.is_complete("article", {"story_kind": "opinion"})
    assert typed.is_complete("article", {"story_kind": "opinion", "column_author": "A. Bell"})
    assert typed.is_complete("article", {"story_kind": "news"})


def test_dependents_follow_chains(typed):
    assert [f.key for f in typed.dependents("source")] == ["reason", "printed_name"]


@pytest.mark.parametrize(
    ("key", "typed_in", "stored"),
    [
        ("topics", "Health; politics", "politics;health"),  # labels, any case, codebook order
        ("topics", "economy,economy", "economy"),
        ("sources_cited", " +3 ", "3"),
        ("sources_cited", "20", "20"),
        ("column_author", "  Ama Boateng ", "Ama Boateng"),
        ("event_date", "2026-03-14", "2026-03-14"),
        ("event_date", "2026-03-14T09:30:00", "2026-03-14"),
        ("source", "Anonymous", "anonymous"),
    ],
)
def test_values_are_read_into_their_one_stored_spelling(typed, key, typed_in, stored):
    field = typed.field(key)
    assert field_values.parse(field, typed_in) == stored
    assert field_values.check(field, stored) is None


@pytest.mark.parametrize(
    ("key", "typed_in", "problem"),
    [
        ("topics", "sport", "has no code"),
        ("sources_cited", "2.5", "not a whole number"),
        ("sources_cited", "21", "above the maximum 20"),
        ("sources_cited", "-1", "below the minimum 0"),
        ("sources_cited", "1e400", "not a number"),
        ("sources_cited", "nan", "not a number"),
        ("sources_cited", "1,000", "not a number"),
        ("column_author", "x" * 41, "longer than 40"),
        ("column_author", "Ama\u202eBoateng", "control or invisible"),
        ("event_date", "2026-02-30", "not a date"),
        ("event_date", "14/03/2026", "not a date"),
    ],
)
def test_values_that_are_not_of_the_type_are_refused_in_one_line(typed, key, typed_in, problem):
    with pytest.raises(CodebookError, match=problem) as error:
        field_values.parse(typed.field(key), typed_in)
    assert "\n" not in str(error.value)


def test_stored_multiple_choice_is_a_set_of_its_codes(typed):
    field = typed.field("topics")
    assert field_values.check(field, "health;politics") is None  # read as a set
    assert field_values.check(field, "politics;politics") == "a code given twice"
    assert field_values.toggled(field, "politics", "health") == "politics;health"
    assert field_values.toggled(field, "politics", "politics") is None


def test_decimal_numbers_are_stored_plainly():
    book = parse_codebook(_book([{"key": "share", "label": "Share", "type": "number"}]))
    field = book.field("share")
    assert field_values.parse(field, "0.50") == "0.5"
    assert field_values.parse(field, "-0") == "0"
    assert field_values.parse(field, "1E2") == "100"


def test_the_bundled_codebook_asks_a_sourcing_study_s_questions():
    book = bundled_codebook()
    assert book.format == 2
    story = book.field("story_type")
    assert story.scope is Scope.ARTICLE and story.required
    assert all(c.definition and c.examples for c in story.categories)
    reason = book.field("anonymity_reason")
    assert reason.when is not None
    assert book.applicable(Scope.UNIT, {"attribution": "anonymous_vague"}) >= {"anonymity_reason"}
    assert "anonymity_reason" not in book.applicable(Scope.UNIT, {"attribution": "named_person"})
    assert [g.label for g in book.groups] == ["Article", "Sentence", "Source"]
