"""The coding service: validation, durable commits, and the append-only history."""

from __future__ import annotations

import pytest
from sqlmodel import select

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import find_unit
from annotator.core.errors import AnnotatorError, CodingError
from annotator.core.store.models import Code, History
from annotator.core.store.project import Project


def test_codes_are_committed_and_visible_to_a_fresh_connection(sample_project):
    unit = find_unit(sample_project, "harbor-deal#2")
    changes = coding.apply_codes(
        sample_project,
        "alice",
        unit.id,
        {"attribution": "anonymous_generic", "claim_type": "fact", "confidence": "high"},
    )
    assert [(c.target, c.old, c.new) for c in changes] == [
        ("attribution", None, "anonymous_generic"),
        ("claim_type", None, "fact"),
        ("confidence", None, "high"),
    ]
    with Project.open(sample_project.path) as other:
        assert coding.coder_codes(other, "alice") == {
            unit.id: {
                "attribution": "anonymous_generic",
                "claim_type": "fact",
                "confidence": "high",
            }
        }


def test_history_records_who_when_old_and_new(sample_project):
    unit = find_unit(sample_project, "harbor-deal#2")
    coding.code_unit(sample_project, "alice", unit.id, "attribution", "anonymous_generic")
    coding.code_unit(sample_project, "alice", unit.id, "attribution", "anonymous_specific")
    coding.code_unit(sample_project, "alice", unit.id, "attribution", None)
    history = coding.unit_history(sample_project, unit.id)
    assert [(h.coder, h.target, h.old, h.new) for h in history] == [
        ("alice", "attribution", None, "anonymous_generic"),
        ("alice", "attribution", "anonymous_generic", "anonymous_specific"),
        ("alice", "attribution", "anonymous_specific", None),
    ]
    assert all(h.at is not None and h.codebook_version_id for h in history)
    assert history[0].article_sha256 == unit.article_sha256
    assert coding.coder_codes(sample_project, "alice") == {}


def test_setting_the_same_code_again_changes_nothing(sample_project):
    unit = find_unit(sample_project, "harbor-deal#2")
    coding.code_unit(sample_project, "alice", unit.id, "claim_type", "fact")
    assert coding.code_unit(sample_project, "alice", unit.id, "claim_type", "fact") is None
    assert len(coding.unit_history(sample_project, unit.id)) == 1


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ({"attribution": "famous"}, "field 'attribution' has no code 'famous'"),
        ({"colour": "red"}, "has no field 'colour'"),
        ({}, "no field to code"),
    ],
)
def test_invalid_codes_are_refused_and_nothing_is_written(sample_project, codes, message):
    unit = find_unit(sample_project, "harbor-deal#2")
    with pytest.raises(AnnotatorError, match=message):
        coding.apply_codes(sample_project, "alice", unit.id, codes)
    with sample_project.reading() as session:
        assert session.exec(select(Code)).all() == []
        assert session.exec(select(History)).all() == []


def test_a_multi_field_action_is_all_or_nothing(sample_project):
    unit = find_unit(sample_project, "harbor-deal#2")
    with pytest.raises(CodingError):
        coding.apply_codes(
            sample_project, "alice", unit.id, {"claim_type": "fact", "confidence": "sure"}
        )
    assert coding.coder_codes(sample_project, "alice") == {}


def test_unknown_unit_and_empty_coder_are_refused(sample_project):
    with pytest.raises(CodingError, match="no unit with id 999999"):
        coding.code_unit(sample_project, "alice", 999_999, "claim_type", "fact")
    unit = find_unit(sample_project, "harbor-deal#2")
    with pytest.raises(CodingError, match="coder name is needed"):
        coding.code_unit(sample_project, "  ", unit.id, "claim_type", "fact")


def test_coders_only_see_their_own_codes(sample_project):
    unit = find_unit(sample_project, "harbor-deal#2")
    coding.code_unit(sample_project, "alice", unit.id, "claim_type", "fact")
    coding.code_unit(sample_project, "bob", unit.id, "claim_type", "evaluation")
    assert coding.coder_codes(sample_project, "alice") == {unit.id: {"claim_type": "fact"}}
    assert coding.coder_codes(sample_project, "bob") == {unit.id: {"claim_type": "evaluation"}}
    assert coding.coder_codes(sample_project, "carol") == {}


def test_notes_are_saved_with_history(sample_project):
    unit = find_unit(sample_project, "harbor-deal#2")
    coding.set_note(sample_project, "alice", unit.id, "\ttwo officials: generic?")
    assert coding.coder_notes(sample_project, "alice") == {unit.id: "\ttwo officials: generic?"}
    coding.set_note(sample_project, "alice", unit.id, " \n ")
    assert coding.coder_notes(sample_project, "alice") == {}
    assert [(h.target, h.new) for h in coding.unit_history(sample_project, unit.id)] == [
        ("#note", "\ttwo officials: generic?"),
        ("#note", None),
    ]


def test_progress_counts_complete_units_that_need_coding(sample_project):
    unit = find_unit(sample_project, "harbor-deal#2")
    title = find_unit(sample_project, "harbor-deal#1")
    full = {
        "attribution": "anonymous_generic",
        "anonymity_reason": "no_reason",  # asked of an anonymous source: required
        "claim_type": "fact",
        "confidence": "high",
    }
    coding.apply_codes(sample_project, "alice", unit.id, full)
    coding.apply_codes(sample_project, "alice", title.id, full)  # titles are optional: not counted
    coding.code_unit(
        sample_project, "alice", find_unit(sample_project, "harbor-deal#3").id, "claim_type", "fact"
    )
    progress = coding.progress(sample_project, "alice")
    harbor = progress[unit.article_id]
    # 16 units: a title and a heading are optional; the article's own questions count
    assert (harbor.complete, harbor.total) == (1, 15)
    assert sum(p.complete for p in progress.values()) == 1
    assert coding.is_complete(sample_project.codebook, full)
    assert not coding.is_complete(sample_project.codebook, {"claim_type": "fact"})
