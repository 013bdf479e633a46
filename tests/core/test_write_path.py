"""One write path (issue 12): every writer goes through the coding service's writer, one
decision is one transaction, and an undo never overwrites a newer decision."""

from __future__ import annotations

import pytest

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.coding.service import Change, CodeWriter, StaleChange
from annotator.core.store.models import Origin
from annotator.core.store.roles import CONSENSUS
from annotator.core.supervision import adjudication


@pytest.fixture
def disagreeing(sample_project):
    unit = next(u for u in list_units(sample_project) if u.kind == "sentence")
    coding.apply_codes(sample_project, "ann", unit.id, {"attribution": "named_person"})
    coding.apply_codes(sample_project, "bob", unit.id, {"attribution": "unattributed"})
    return sample_project, unit.id


def test_a_decision_whose_note_fails_saves_nothing(disagreeing, monkeypatch):
    project, unit = disagreeing

    def failing(self, coder, unit_id, text):
        raise OSError("disk full")

    monkeypatch.setattr(CodeWriter, "set_note", failing)
    with pytest.raises(OSError):
        adjudication.adjudicate(project, unit, "attribution", "named_person", note="why")
    monkeypatch.undo()
    assert coding.coder_codes(project, CONSENSUS) == {}
    assert [h.coder for h in coding.unit_history(project, unit)] == ["ann", "bob"]


def test_a_decision_and_its_undo_are_one_transaction_each(disagreeing):
    project, unit = disagreeing
    made = adjudication.adjudicate(project, unit, "attribution", "named_person", note="clear")
    assert {c.target for c in made} == {"attribution", "#note"}
    codes = [c for c in made if c.target == "attribution"]
    inverse = [Change(c.unit_id, c.coder, c.target, c.new, c.old) for c in codes]
    undone = adjudication.restore_decision(project, unit, inverse, None)
    assert coding.coder_codes(project, CONSENSUS) == {}
    assert coding.coder_notes(project, CONSENSUS) == {}
    assert {c.target for c in undone} == {"attribution", "#note"}
    origins = [h.origin for h in coding.unit_history(project, unit) if h.coder == CONSENSUS]
    assert origins == [Origin.ADJUDICATION] * 2 + [Origin.UNDO] * 2


def test_undoing_a_decision_never_overwrites_a_newer_one(disagreeing):
    project, unit = disagreeing
    made = adjudication.adjudicate(project, unit, "attribution", "named_person")
    adjudication.adjudicate(project, unit, "attribution", "unattributed")  # decided again since
    inverse = [Change(c.unit_id, c.coder, c.target, c.new, c.old) for c in made]
    with pytest.raises(StaleChange, match="set to 'unattributed' since"):
        adjudication.restore_decision(project, unit, inverse, False)
    assert coding.coder_codes(project, CONSENSUS) == {unit: {"attribution": "unattributed"}}


def test_accept_all_unanimous_writes_through_the_writer_with_history(sample_project):
    units = [u for u in list_units(sample_project) if u.kind == "sentence"][:3]
    for coder in ("ann", "bob"):
        for unit in units:
            coding.apply_codes(sample_project, coder, unit.id, {"attribution": "named_person"})
    accepted = adjudication.accept_all_unanimous(sample_project)
    assert sorted(c.unit_id for c in accepted) == sorted(u.id for u in units)
    assert all(c.coder == CONSENSUS and c.old is None for c in accepted)
    history = coding.unit_history(sample_project, units[0].id)
    assert [(h.coder, h.origin) for h in history][-1] == (CONSENSUS, Origin.UNANIMOUS)
    assert adjudication.accept_all_unanimous(sample_project) == []  # nothing left to accept
