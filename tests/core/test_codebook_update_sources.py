"""A codebook update and the codes of source fields: a removed source field or category
that sources hold is refused until a mapping says where the codes go, a mapping moves or
drops them through the sources' write path (with history), and a source code whose
condition no longer holds is cleared, as unit codes are (test_codebook_update.py)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from annotator.core.codebook import Codebook, bundled_codebook, parse_codebook
from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service as sources
from annotator.core.coding.codebook_mapping import parse_mapping
from annotator.core.coding.codebook_update import UpdateRefused, plan_update, update_codebook
from annotator.core.coding.lookups import find_unit
from annotator.core.store.models import History, Origin, SourceCode


def _edited(change) -> Codebook:
    """The bundled codebook with `change(data)` applied, as version 2.1-test."""
    data = json.loads(bundled_codebook().to_json())
    change(data)
    data["version"] = "2.1-test"
    return parse_codebook(data)


def _field(data: dict, key: str) -> dict:
    return next(f for f in data["fields"] if f["key"] == key)


def _without_military(data: dict) -> None:
    source_type = _field(data, "source_type")
    source_type["categories"] = [c for c in source_type["categories"] if c["code"] != "military"]


def _without_quote_form(data: dict) -> None:
    data["fields"] = [f for f in data["fields"] if f["key"] != "quote_form"]


@pytest.fixture
def coded(sample_project):
    """alice's one source of the harbour article: a military source, anonymous for a
    reason given, quoted directly."""
    unit = find_unit(sample_project, "harbor-deal#2")

    def make(source_list, units):
        uid = lists.add_source(source_list, "two officials", [])
        lists.link(source_list, unit.id, uid)
        lists.code(
            source_list,
            uid,
            sample_project.codebook,
            {
                "source_type": "military",
                "named_or_anonymous": "anonymous",
                "reason_given": "reason_given",
                "quote_form": "direct",
            },
        )
        return uid

    sources.edit(sample_project, unit.article_id, "alice", make)
    return sample_project, unit.article_id


def _codes(project, article_id: int) -> dict[str, str]:
    [source] = sources.read_list(project, article_id, "alice").sources
    return source.codes


def test_a_removed_category_that_a_source_holds_is_refused(coded):
    project, article_id = coded
    plan = plan_update(project, _edited(_without_military))
    assert plan.refusal is not None
    assert "source_type.military (1: category removed)" in plan.refusal
    with pytest.raises(UpdateRefused):
        update_codebook(project, _edited(_without_military))
    assert _codes(project, article_id)["source_type"] == "military"


def test_a_mapping_moves_a_source_code_with_history_and_editing_goes_on(coded):
    project, article_id = coded
    mapping = parse_mapping({"source_type.military": "government"})
    plan = plan_update(project, _edited(_without_military), mapping)
    assert plan.refusal is None and plan.remapped == 1
    assert "merged: source_type.military into source_type.government (1 code)" in plan.changes
    update_codebook(project, _edited(_without_military), mapping)
    assert _codes(project, article_id)["source_type"] == "government"
    with project.reading() as session:
        [moved] = session.exec(
            select(History).where(
                History.origin == Origin.CODEBOOK_UPDATE,
                col(History.target).startswith("#source"),
            )
        ).all()
        versions = set(session.exec(select(SourceCode.codebook_version_id)).all())
    assert (moved.old, moved.new) == ("source_type=military", "source_type=government")
    assert versions == {project.codebook_version_id}
    [source] = sources.read_list(project, article_id, "alice").sources
    sources.edit(project, article_id, "alice", lambda s, u: lists.rename(s, source.uid, "aides"))
    assert sources.read_list(project, article_id, "alice").sources[0].label == "aides"


def test_a_removed_source_field_is_dropped_only_when_the_mapping_says_so(coded):
    project, article_id = coded
    refused = plan_update(project, _edited(_without_quote_form)).refusal
    assert refused is not None and "quote_form" in refused and "field removed" in refused
    update_codebook(project, _edited(_without_quote_form), parse_mapping({"quote_form": None}))
    assert "quote_form" not in _codes(project, article_id)
    [source] = sources.read_list(project, article_id, "alice").sources
    # the list stays editable: its codes are all fields of the new codebook
    sources.edit(
        project,
        article_id,
        "alice",
        lambda s, u: lists.code(s, source.uid, project.codebook, {"source_type": "expert"}),
    )
    assert _codes(project, article_id)["source_type"] == "expert"


def test_a_source_code_whose_condition_no_longer_holds_is_listed_and_cleared(coded):
    project, article_id = coded
    mapping = parse_mapping({"named_or_anonymous.anonymous": "named"})
    book = _edited(lambda data: None)
    plan = plan_update(project, book, mapping)
    assert plan.refusal is None
    assert any(line.startswith("not asked any more: reason_given on 1") for line in plan.changes)
    update_codebook(project, book, mapping)
    codes = _codes(project, article_id)
    assert codes["named_or_anonymous"] == "named" and "reason_given" not in codes
