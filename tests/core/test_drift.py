"""Drift re-checks: scheduling, blind re-coding under `alice~recheck`, the drift figures,
and re-check codes kept out of the study's agreement, progress and exports (issue 25).

The article is invented here: four sentences whose `claim_type` alice and bob code.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from annotator.core.agreement.from_project import project_agreement
from annotator.core.coding.lookups import list_units
from annotator.core.coding.progress import coder_progress
from annotator.core.coding.service import apply_codes
from annotator.core.errors import AnnotatorError, CodingError
from annotator.core.export import ExportOptions, export
from annotator.core.export.scope import LAYOUTS
from annotator.core.store.models import Coder
from annotator.core.store.project import Project
from annotator.core.store.roles import Role
from annotator.core.study.drift import drift
from annotator.core.study.recheck import (
    code_recheck_unit,
    pending_units,
    rechecks,
    schedule_recheck,
)
from tests.conftest import one_article_project

ARTICLE = """Ferry timetable changes

The operator said the ferry will run hourly. The harbour master plans to dredge the \
channel. Pilots predicted longer crossings. The new timetable starts on Monday.
"""
FIRST = ["fact", "fact", "intention", "intention"]
AGAIN = ["fact", "fact", "intention", "fact"]


@pytest.fixture
def project(project_location, tmp_path: Path):
    project = one_article_project(project_location("drift.annotator"), tmp_path, "ferry", ARTICLE)
    units = [u for u in list_units(project, "ferry") if u.kind == "sentence"]
    assert len(units) == 4
    for unit, code in zip(units, FIRST, strict=True):
        apply_codes(project, "alice", unit.id, {"claim_type": code})
        apply_codes(project, "bob", unit.id, {"claim_type": code})
    yield project
    project.close()


def _recode(project, recheck):
    ids = [u.id for u in list_units(project, "ferry") if u.kind == "sentence"]
    for unit_id in recheck.units:
        code_recheck_unit(project, "alice", unit_id, {"claim_type": AGAIN[ids.index(unit_id)]})


def test_drift_against_a_hand_worked_example(project):
    """Nominal alpha of alice's first codes and her re-check codes over four units.

    Units (first, again): (f,f) (f,f) (i,i) (i,f). Coincidences: o_ff = 4, o_ii = 2,
    o_fi = o_if = 1; n_f = 5, n_i = 3, n = 8. D_o = 2/8; D_e = 2 n_f n_i / (n (n - 1))
    = 30/56; alpha = 1 - (2/8) / (30/56) = 1 - 14/30 = 8/15 = 0.5333. Bob coded the four
    units as alice first did: inter-coder alpha over them is 1.
    """
    recheck = schedule_recheck(project, "alice", 4, seed=3)
    assert pending_units(project, "alice") == list(recheck.units)
    (before,) = drift(project, bootstrap_samples=0)
    assert before.units_recoded == 0 and before.fields[0].intra is None
    _recode(project, recheck)
    assert pending_units(project, "alice") == []
    (report,) = drift(project, bootstrap_samples=200, seed=1)
    assert report.recheck.coder == "alice" and report.units_recoded == 4
    (field,) = report.fields
    assert field.field == "claim_type"
    assert field.intra is not None
    intra = field.intra.krippendorff_alpha
    assert intra.value == pytest.approx(8 / 15)
    assert intra.ci_low is not None and intra.ci_high is not None
    assert intra.ci_low <= 8 / 15 <= intra.ci_high
    assert field.intra.coders == ("alice", "alice~recheck")
    assert field.inter.krippendorff_alpha.value == pytest.approx(1.0)
    assert field.inter.coders == ("alice", "bob")
    assert report.to_dict()["scheduled_at"] == recheck.scheduled_at


def test_the_sample_is_seeded_and_older_than_a_cutoff(project):
    now = datetime.now(UTC)
    with pytest.raises(AnnotatorError, match="0 units coded at least 7 days ago"):
        schedule_recheck(project, "alice", 2, seed=5, older_than_days=7, now=now)
    first = schedule_recheck(project, "alice", 2, seed=5, older_than_days=7, now=now + timedelta(8))
    second = schedule_recheck(project, "alice", 2, seed=5, now=now)
    assert set(first.units).isdisjoint(second.units)  # a unit comes back once
    with pytest.raises(AnnotatorError, match="0 units coded"):
        schedule_recheck(project, "alice", 1, seed=5)
    assert [r.units for r in rechecks(project, "alice")] == [first.units, second.units]


def test_the_same_seed_draws_the_same_units(project_location, tmp_path, project):
    drawn = schedule_recheck(project, "alice", 2, seed=11).units
    assert len(drawn) == 2
    project.close()
    again = Project.open(project.path)
    try:
        from annotator.core.store.models import ProjectSetting
        from annotator.core.study.recheck import RECHECK_KEY

        with again.writing() as session:
            session.delete(session.get(ProjectSetting, RECHECK_KEY))
        assert schedule_recheck(again, "alice", 2, seed=11).units == drawn
    finally:
        again.close()


def test_recheck_codes_go_only_on_scheduled_units_and_nobody_else_writes_them(project):
    schedule_recheck(project, "alice", 1, seed=2)
    (scheduled,) = rechecks(project, "alice")
    other = next(u.id for u in list_units(project, "ferry") if u.id not in scheduled.units)
    with pytest.raises(AnnotatorError, match="not in a re-check"):
        code_recheck_unit(project, "alice", other, {"claim_type": "fact"})
    with pytest.raises(CodingError, match="re-check"):
        apply_codes(project, "alice~recheck", scheduled.units[0], {"claim_type": "fact"})
    with pytest.raises(CodingError, match="~recheck"):
        apply_codes(project, "Carol~Recheck", scheduled.units[0], {"claim_type": "fact"})


def test_recheck_codes_never_mix_with_study_codes(project, tmp_path: Path):
    _recode(project, schedule_recheck(project, "alice", 4, seed=3))
    with project.reading() as session:
        roles = dict(session.exec(select(Coder.name, Coder.role)).all())
    assert roles["alice~recheck"] == Role.RECHECK
    agreement = project_agreement(project, bootstrap_samples=0)
    assert agreement.fields["claim_type"].coders == ("alice", "bob")
    assert set(coder_progress(project)) == {"alice", "bob"}
    for layout in LAYOUTS:
        path = tmp_path / f"{layout}.csv"
        export(project, path, ExportOptions(layout=layout))
        text = path.read_text(encoding="utf-8-sig")
        assert "~recheck" not in text, layout
        rows = list(csv.DictReader(text.splitlines()))
        assert rows or layout == "sources", layout  # nobody listed sources here
