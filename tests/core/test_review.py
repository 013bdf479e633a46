"""Supervisor review: disagreements, adjudication as the consensus coder, progress."""

from __future__ import annotations

import pytest
from sqlmodel import select

from annotator.core.agreement import confusion
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.errors import AnnotatorError, CodingError
from annotator.core.store.models import Code, Coder, History
from annotator.core.supervision import adjudication


@pytest.fixture
def coded(sample_project):
    """Ann and Bob coded four harbor-deal sentences; Cat coded one.

    Sentence 1: all agree. Sentence 2: Ann and Bob differ on attribution.
    Sentence 3: Ann alone. Sentence 4: Ann and Bob agree on attribution and differ
    on claim type.
    """
    s = [u for u in list_units(sample_project, "harbor-deal") if u.kind == "sentence"]
    codes = {
        "ann": [
            ("named_person", "fact"),
            ("unattributed", "fact"),
            ("named_person", None),
            ("anonymous_vague", "fact"),
        ],
        "bob": [
            ("named_person", "fact"),
            ("anonymous_vague", "fact"),
            None,
            ("anonymous_vague", "evaluation"),
        ],
        "cat": [("named_person", None)],
    }
    for coder, rows in codes.items():
        for unit, row in zip(s, rows, strict=False):
            if row is not None:
                assignment = dict(zip(("attribution", "claim_type"), row, strict=True))
                assignment = {k: v for k, v in assignment.items() if v is not None}
                coding.apply_codes(sample_project, coder, unit.id, assignment)
    return sample_project, s


def test_disagreements_list_every_coder_side_by_side_with_context(coded):
    project, s = coded
    rows = adjudication.list_disagreements(project)
    assert [(r.unit_key, r.field) for r in rows] == [
        (s[1].key, "attribution"),
        (s[3].key, "claim_type"),
    ]
    first = rows[0]
    assert first.codes == {"ann": "unattributed", "bob": "anonymous_vague", "cat": None}
    assert first.text == s[1].text and first.unit_id == s[1].id
    assert first.previous_text == s[0].text and first.next_text == s[2].text
    assert first.article_key == "harbor-deal" and first.consensus is None


def test_disagreements_filter_by_field_article_and_coders(coded):
    project, _ = coded
    assert [r.field for r in adjudication.list_disagreements(project, field="claim_type")] == [
        "claim_type"
    ]
    assert adjudication.list_disagreements(project, article_key="border-talks") == []
    assert adjudication.list_disagreements(project, coders=["ann", "cat"]) == []
    with pytest.raises(AnnotatorError, match="no article 'nowhere'"):
        adjudication.list_disagreements(project, article_key="nowhere")
    with pytest.raises(AnnotatorError, match="no coder 'zed'"):
        adjudication.list_disagreements(project, coders=["ann", "zed"])


def test_adjudication_is_stored_as_the_consensus_coder_with_history(coded):
    project, s = coded
    changes = adjudication.adjudicate(
        project,
        s[1].id,
        "attribution",
        "anonymous_vague",
        note="vague: 'sources said'",
        supervisor="Sue",
    )
    assert [(c.coder, c.target, c.new) for c in changes] == [
        ("consensus", "attribution", "anonymous_vague"),
        ("consensus", "#note", "vague: 'sources said'"),
    ]
    with project.reading() as session:
        consensus = session.exec(select(Coder).where(Coder.name == "consensus")).one()
        assert consensus.role == "consensus"
        code = session.exec(select(Code).where(Code.coder_id == consensus.id)).one()
        assert (code.unit_id, code.field, code.code) == (s[1].id, "attribution", "anonymous_vague")
    trail = coding.unit_history(project, s[1].id)
    assert [(h.coder, h.target, h.new, h.origin) for h in trail if h.coder == "consensus"] == [
        ("consensus", "attribution", "anonymous_vague", "adjudication by Sue"),
        ("consensus", "#note", "vague: 'sources said'", "adjudication by Sue"),
    ]
    assert coding.coder_notes(project, "consensus") == {s[1].id: "vague: 'sources said'"}
    assert (
        adjudication.list_disagreements(project, field="attribution")[0].consensus
        == "anonymous_vague"
    )
    # Undo is another adjudication: None clears the consensus code, with history.
    adjudication.adjudicate(project, s[1].id, "attribution", None)
    assert coding.coder_codes(project, "consensus") == {}
    assert coding.unit_history(project, s[1].id)[-1].origin == "adjudication"
    with pytest.raises(CodingError, match="has no code 'maybe'"):
        adjudication.adjudicate(project, s[1].id, "attribution", "maybe")


def test_accept_all_unanimous_in_one_action_and_never_over_an_adjudication(coded):
    project, s = coded
    adjudication.adjudicate(
        project, s[0].id, "claim_type", "evaluation"
    )  # the supervisor disagrees
    accepted = adjudication.accept_all_unanimous(project)
    assert sorted((c.unit_id, c.target, c.old, c.new) for c in accepted) == sorted(
        [
            (s[0].id, "attribution", None, "named_person"),
            (s[1].id, "claim_type", None, "fact"),
            (s[3].id, "attribution", None, "anonymous_vague"),
        ]
    )
    assert coding.coder_codes(project, "consensus") == {
        s[0].id: {"attribution": "named_person", "claim_type": "evaluation"},
        s[1].id: {"claim_type": "fact"},
        s[3].id: {"attribution": "anonymous_vague"},
    }
    with project.reading() as session:
        origins = session.exec(select(History.origin).where(History.coder == "consensus")).all()
    assert sorted(origins) == ["adjudication", *["unanimous"] * 3]
    assert adjudication.accept_all_unanimous(project) == []


def test_accepting_all_is_undone_and_redone_except_where_changed_since(coded):
    project, s = coded
    accepted = adjudication.accept_all_unanimous(project)
    adjudication.adjudicate(project, s[1].id, "claim_type", "prediction")  # decided again since
    undo = [coding.Change(c.unit_id, c.coder, c.target, c.new, c.old) for c in accepted]
    undone = coding.apply_changes(project, "consensus", undo, origin="undo", reserved="consensus")
    assert (s[1].id, "claim_type") in {(c.unit_id, c.target) for c in accepted}
    assert {(c.unit_id, c.target) for c in undone} == {
        (c.unit_id, c.target) for c in accepted if (c.unit_id, c.target) != (s[1].id, "claim_type")
    }
    assert coding.coder_codes(project, "consensus") == {s[1].id: {"claim_type": "prediction"}}
    redone = coding.apply_changes(
        project, "consensus", accepted, origin="redo", reserved="consensus"
    )
    assert len(redone) == len(accepted) - 1
    assert coding.coder_codes(project, "consensus")[s[0].id]["attribution"] == "named_person"
    trail = coding.unit_history(project, s[0].id)
    assert [h.origin for h in trail if h.coder == "consensus" and h.target == "attribution"] == [
        "unanimous",
        "undo",
        "redo",
    ]


def test_a_batch_of_changes_is_all_or_nothing(coded):
    project, _units = coded
    accepted = adjudication.accept_all_unanimous(project)
    undo = [coding.Change(c.unit_id, c.coder, c.target, c.new, c.old) for c in accepted]
    broken = [*undo, coding.Change(10**6, "consensus", "attribution", None, "named_person")]
    with pytest.raises(CodingError, match="no unit"):
        coding.apply_changes(project, "consensus", broken, origin="undo", reserved="consensus")
    codes = coding.coder_codes(project, "consensus")
    assert sum(len(fields) for fields in codes.values()) == len(accepted)  # all rolled back


def test_accept_unanimous_for_chosen_coders_and_fields(coded):
    project, s = coded
    # Ann and Cat agree on s0's attribution; Cat coded nothing else with Ann.
    assert len(adjudication.accept_all_unanimous(project, coders=["ann", "cat"])) == 1
    assert len(adjudication.accept_all_unanimous(project, fields=["claim_type"])) == 2  # s0, s1
    assert coding.coder_codes(project, "consensus") == {
        s[0].id: {"attribution": "named_person", "claim_type": "fact"},
        s[1].id: {"claim_type": "fact"},
    }


def test_adjudication_progress_counts_units_with_comparable_codes(coded):
    """Units settled of units with comparable codes, and decisions made of decisions
    needed (the two disagreements: s1 attribution, s3 claim type)."""
    project, s = coded
    assert adjudication.adjudication_progress(project) == (0, 3, 0, 2)  # s2: Ann alone
    adjudication.accept_all_unanimous(project)
    # s0 settled in full (both fields unanimous); s1 (claim type) and s3 (attribution) partly.
    assert adjudication.adjudication_progress(project) == (1, 3, 0, 2)
    adjudication.adjudicate(project, s[1].id, "attribution", "anonymous_vague")
    assert adjudication.adjudication_progress(project) == (2, 3, 1, 2)
    adjudication.adjudicate(project, s[3].id, "claim_type", "fact")
    assert adjudication.adjudication_progress(project) == (3, 3, 2, 2)


def test_severity_orders_disagreements_by_distance(coded):
    project, _ = coded
    attribution = project.codebook.field("attribution")
    assert adjudication.severity(attribution, ["named_person", "unattributed"]) > (
        adjudication.severity(attribution, ["anonymous_generic", "anonymous_vague"])
    )
    assert adjudication.severity(attribution, ["named_person", "named_person"]) == 1
    claim = project.codebook.field("claim_type")
    assert claim.level == "nominal"
    assert adjudication.severity(claim, ["fact", "evaluation", "prediction"]) == 3
    rows = adjudication.list_disagreements(project)
    assert all(row.severity > 0 for row in rows)


def test_confusion_matrix_of_two_coders(coded):
    project, _ = coded
    matrix = confusion.confusion_matrix(project, "attribution", "ann", "bob")
    labels = matrix.labels
    assert labels[:3] == ["named_person", "named_organisation", "anonymous_specific"]
    assert labels[-1] == "not_applicable"
    cell = lambda a, b: matrix.counts[labels.index(a)][labels.index(b)]  # noqa: E731
    assert cell("named_person", "named_person") == 1
    assert cell("unattributed", "anonymous_vague") == 1
    assert cell("anonymous_vague", "anonymous_vague") == 1
    assert matrix.n_units == 3


def test_an_ordinary_coder_named_consensus_is_not_taken_for_the_consensus(coded):
    project, s = coded
    with project.writing() as session:  # as a project made before the name was reserved
        session.add(Coder(name="consensus", role="coder"))
    with pytest.raises(AnnotatorError, match="an ordinary coder is named 'consensus'"):
        adjudication.adjudicate(project, s[1].id, "attribution", "anonymous_vague")
