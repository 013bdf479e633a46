"""Codebooks: the bundled ones, the published schema, and one-line validation errors."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import jsonschema
import pytest

from annotator.core.codebook import (
    BUNDLED_CODEBOOKS,
    Level,
    bundled_codebook,
    bundled_codebook_path,
    codebook_json_schema,
    load_codebook,
    parse_codebook,
)
from annotator.core.errors import CodebookError

SCHEMA_FILE = (
    Path(__file__).resolve().parents[2]
    / "annotator"
    / "resources"
    / "schemas"
    / "codebook.schema.json"
)


def minimal(**changes) -> dict:
    data = {
        "name": "Tiny",
        "version": "1",
        "fields": [
            {
                "key": "tone",
                "label": "Tone",
                "level": "ordinal",
                "categories": [
                    {"code": "neg", "label": "Negative", "shortcut": "a"},
                    {"code": "pos", "label": "Positive", "shortcut": "b"},
                ],
            }
        ],
    }
    data.update(changes)
    return data


def test_published_schema_matches_the_code():
    """The published schema is generated from the models; regenerate it on change."""
    published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert published == codebook_json_schema(), (
        "run: annotator codebook schema > annotator/resources/schemas/codebook.schema.json"
    )


@pytest.mark.parametrize("name", sorted(BUNDLED_CODEBOOKS))
def test_bundled_codebooks_validate_against_the_published_schema(name):
    data = json.loads(bundled_codebook_path(name).read_text(encoding="utf-8"))
    jsonschema.validate(data, codebook_json_schema())
    assert bundled_codebook(name).fields


def test_default_codebook_has_exactly_its_fields_in_order():
    book = bundled_codebook()
    assert book.name == "Source reliability"
    assert [f.key for f in book.fields] == [
        "story_type",
        "anonymity_policy",
        "attribution",
        "anonymity_reason",
        "claim_type",
        "confidence",
        "source_type",
        "named_or_anonymous",
        "reason_given",
        "quote_form",
    ]
    assert [f.key for f in book.article_fields] == ["story_type", "anonymity_policy"]
    attribution = book.field("attribution")
    assert attribution.level is Level.ORDINAL
    assert [(c.code, c.value, c.shortcut) for c in attribution.categories] == [
        ("named_person", 1, "1"),
        ("named_organisation", 2, "2"),
        ("anonymous_specific", 3, "3"),
        ("anonymous_generic", 4, "4"),
        ("anonymous_vague", 5, "5"),
        ("unattributed", 6, "6"),
        ("not_applicable", 0, "0"),
    ]
    assert [c.code for c in attribution.categories if c.outside_scale] == ["not_applicable"]
    claim = book.field("claim_type")
    assert claim.level is Level.NOMINAL
    assert [(c.code, c.shortcut) for c in claim.categories] == [
        ("fact", "f"),
        ("intention", "i"),
        ("prediction", "p"),
        ("evaluation", "e"),
        ("no_claim", "n"),
    ]
    confidence = book.field("confidence")
    assert [(c.code, c.value, c.shortcut) for c in confidence.categories] == [
        ("low", 1, "7"),
        ("medium", 2, "8"),
        ("high", 3, "9"),
    ]
    every = [c for f in book.fields for c in f.categories]
    assert all(c.definition and c.examples for c in every), "coders read these: write them out"
    assert book.coded_kinds == ["sentence"]


def test_admiralty_codebook_puts_cannot_be_judged_outside_the_scale():
    book = bundled_codebook("admiralty")
    assert [f.key for f in book.fields] == ["source_reliability", "information_credibility"]
    outside = {f.key: [c.label[0] for c in f.categories if c.outside_scale] for f in book.fields}
    assert outside == {"source_reliability": ["F"], "information_credibility": ["6"]}
    assert [c.label[0] for c in book.field("source_reliability").scale] == list("ABCDE")


def test_values_default_to_position():
    book = parse_codebook(minimal())
    assert [c.value for c in book.field("tone").categories] == [1.0, 2.0]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["fields"][0]["categories"][1].update(shortcut="a"),
            "codebook: field 'tone': shortcut 'a' is used twice",
        ),
        (
            lambda d: d["fields"][0]["categories"][1].update(code="neg"),
            "codebook: field 'tone': category code 'neg' is used twice",
        ),
        (
            lambda d: d["fields"][0].update(level="fuzzy"),
            "codebook: field 'tone', level: "
            "Input should be 'nominal', 'ordinal', 'interval' or 'ratio'",
        ),
        (
            lambda d: d["fields"][0]["categories"][0].update(shortcut="ab"),
            "codebook: field 'tone', category 'neg', shortcut: "
            "String should have at most 1 character",
        ),
        (
            lambda d: d["fields"][0]["categories"][0].pop("label"),
            "codebook: field 'tone', category 'neg', label: Field required",
        ),
        (
            lambda d: d["fields"][0].update(key="Bad Key"),
            "codebook: field 'Bad Key', key: String should match pattern '^[a-z][a-z0-9_]*$'",
        ),
        (
            lambda d: d["fields"].append(copy.deepcopy(d["fields"][0])),
            "codebook: field key 'tone' is used twice",
        ),
        (
            lambda d: d.update(coded_kinds=["paragraph"]),
            "codebook: coded_kinds: unknown unit kind 'paragraph'",
        ),
        (lambda d: d.pop("version"), "codebook: version: Field required"),
    ],
)
def test_validation_errors_name_the_field_and_the_problem_in_one_line(mutate, expected):
    data = minimal()
    mutate(data)
    with pytest.raises(CodebookError) as caught:
        parse_codebook(data)
    assert str(caught.value) == expected
    assert "\n" not in str(caught.value)


def test_shortcuts_may_not_repeat_across_fields():
    data = minimal()
    second = copy.deepcopy(data["fields"][0])
    second["key"] = "other"
    data["fields"].append(second)
    with pytest.raises(CodebookError, match="shortcut \\(across fields\\) 'a' is used twice"):
        parse_codebook(data)


def test_load_codebook_reports_bad_files_in_one_line(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"broken\.json: not valid JSON"):
        load_codebook(broken)
    with pytest.raises(CodebookError, match="no such file"):
        load_codebook(tmp_path / "missing.json")


def test_hostile_codebook_files_are_one_line_too(tmp_path):
    """Issue 14: deep nesting, a FIFO (which would block a plain read), a huge file."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(CodebookError, match="nested too deeply"):
        load_codebook(deep)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(CodebookError, match="not a regular file"):
        load_codebook(fifo)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as stream:
        stream.truncate(6_000_000)
    with pytest.raises(CodebookError, match="too large"):
        load_codebook(huge)


def test_resolve_accepts_code_label_or_value():
    field = bundled_codebook().field("attribution")
    assert field.resolve("named_person").code == "named_person"
    assert field.resolve("Anonymous, vague").code == "anonymous_vague"
    assert field.resolve("3").code == "anonymous_specific"
    assert field.resolve("nonsense") is None


def two_fields(second_key: str = "other", **category_changes) -> dict:
    """`minimal()` with a second field whose first category takes `category_changes`."""
    data = minimal()
    second = copy.deepcopy(data["fields"][0])
    second["key"] = second_key
    for category in second["categories"]:
        category.pop("shortcut")
    second["categories"][0].update(category_changes)
    data["fields"].append(second)
    return data


@pytest.mark.parametrize("key", ["note", "coder", "unit_key", "text", "coded_at", "units"])
def test_a_field_may_not_take_an_export_columns_name(key):
    """Issue 21: a field `note` or `coder` passed and broke exports and imports later."""
    with pytest.raises(CodebookError, match=f"field key '{key}' is the name of an export column"):
        parse_codebook(minimal(fields=two_fields(key)["fields"][1:]))


@pytest.mark.parametrize("key", ["tone__alice", "tone_"])
def test_a_field_key_may_not_make_wide_columns_ambiguous(key):
    """`tone__alice` + coder `bob` and `tone` + coder `alice__bob` made one wide column."""
    with pytest.raises(CodebookError, match="may not contain '__' or end with '_'"):
        parse_codebook(two_fields(key))


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_category_values_are_finite(value):
    text = json.dumps(minimal()).replace('"label": "Negative"', f'"value": {value}, "label": "N"')
    with pytest.raises(CodebookError, match="category 'neg', value: Input should be a finite"):
        parse_codebook(json.loads(text))


@pytest.mark.parametrize(
    ("label", "clash"),
    [("pos", "code or label"), ("POSITIVE", "code or label"), ("2", "value")],
)
def test_a_label_may_not_read_as_another_category(label, clash):
    """Imports read a cell as code, label or value: `pos` as a label of `neg` was read as
    whichever category came first."""
    data = minimal()
    data["fields"][0]["categories"][0]["label"] = label
    with pytest.raises(CodebookError, match=f"label '{label}' is also category 'pos'.s {clash}"):
        parse_codebook(data)


def test_count_columns_of_the_articles_layout_do_not_clash():
    data = two_fields("tone_neg", code="x")  # count column tone_neg_x ...
    data["fields"][0]["categories"][0]["code"] = "neg_x"  # ... and tone + neg_x
    with pytest.raises(CodebookError, match="count column 'tone_neg_x' is also field 'tone'"):
        parse_codebook(data)


def test_codebook_validate_says_why_in_one_line(tmp_path, capsys):
    from annotator import cli

    path = tmp_path / "book.json"
    path.write_text(json.dumps(two_fields("note")), encoding="utf-8")
    assert cli.main(["codebook", "validate", str(path)]) != 0
    error = capsys.readouterr().err
    assert "field key 'note' is the name of an export column" in error
    assert error.count("\n") == 1


def test_a_project_holding_a_codebook_now_refused_says_why_on_opening(tmp_path, capsys):
    """A project made before these checks, with a field `note`, is refused in one line
    (by every command, since each reads the project's codebook)."""
    import sqlite3

    from annotator import cli
    from annotator.core.store.project import Project

    path = tmp_path / "old.annotator"
    Project.create(path, parse_codebook(minimal())).close()
    stored = json.dumps(two_fields("note"))
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE codebook_version SET definition = ?", (stored,))
    connection.close()
    assert cli.main(["info", str(path)]) != 0
    error = capsys.readouterr().err
    assert "field key 'note' is the name of an export column" in error
    assert error.count("\n") == 1
