"""Training against the gold and certification: storage, feedback, the report, isolation.

The articles are invented here: one article of six sentences whose `claim_type` the
supervisor codes as the gold, and a coder who trains on it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlmodel import select

from annotator.core.agreement.from_project import project_agreement
from annotator.core.codebook import bundled_codebook
from annotator.core.coding.coded_groups import coder_names
from annotator.core.coding.lookups import list_units
from annotator.core.coding.measured_fields import left_out_fields, set_left_out_fields
from annotator.core.coding.progress import coder_progress
from annotator.core.coding.service import apply_codes
from annotator.core.errors import AnnotatorError, CodingError
from annotator.core.export import ExportOptions, export
from annotator.core.export.scope import LAYOUTS
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.models import Coder
from annotator.core.store.project import Project
from annotator.core.store.roles import Role
from annotator.core.study.certification import certify
from annotator.core.study.gold import gold_articles, mark_gold
from annotator.core.study.training import code_training_unit, differences
from annotator.core.supervision.adjudication import list_disagreements

ARTICLE = """Council weighs new bridge

The mayor said the bridge will open in May. Officials plan to close the old road. \
A spokesperson predicted delays. Residents called the plan careless. The council voted \
on Tuesday. Engineers expect heavy traffic.
"""
GOLD = ["fact", "fact", "fact", "intention", "intention", "prediction"]
TRAINEE = ["fact", "fact", "intention", "intention", "intention", "prediction"]


@pytest.fixture
def project(project_location, tmp_path: Path):
    path = tmp_path / "bridge.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    project = Project.create(project_location("training.annotator"), bundled_codebook())
    assert not import_paths(project, [path]).failures
    set_left_out_fields(
        project, [f.key for f in project.codebook.coded_fields if f.key != "claim_type"]
    )  # claim_type alone
    yield project
    project.close()


def _sentences(project):
    return [u for u in list_units(project, "bridge") if u.kind == "sentence"]


def _gold_and_training(project, trainee=TRAINEE):
    units = _sentences(project)
    for unit, code in zip(units, GOLD, strict=True):
        apply_codes(project, "sue", unit.id, {"claim_type": code})
    mark_gold(project, ["bridge"], "sue")
    for unit, code in zip(units, trainee, strict=True):
        code_training_unit(project, "alice", unit.id, {"claim_type": code})
    return units


def test_certification_against_a_hand_worked_example(project):
    """Nominal alpha of the gold and alice's training codes over six units, by hand.

    Units (gold, alice): (f,f) (f,f) (f,i) (i,i) (i,i) (p,p). Coincidences: o_ff = 4,
    o_ii = 4, o_pp = 2, o_fi = o_if = 1; n_f = 5, n_i = 5, n_p = 2, n = 12.
    D_o = (o_fi + o_if) / n = 2/12; D_e = (n^2 - sum n_c^2) / (n (n - 1))
    = (144 - 25 - 25 - 4) / 132 = 90/132; alpha = 1 - D_o / D_e = 1 - 264/1080 = 34/45
    = 0.7556. Below 0.8 it fails, above 0.75 it passes.
    """
    _gold_and_training(project)
    report = certify(project, "alice", 0.8, bootstrap_samples=200, seed=1)
    (field,) = report.fields
    assert field.field == "claim_type"
    assert field.alpha == pytest.approx(34 / 45)
    alpha = field.agreement.krippendorff_alpha
    assert alpha.ci_low is not None and alpha.ci_high is not None
    assert alpha.ci_low <= 34 / 45 <= alpha.ci_high
    assert (report.gold_units, report.coded_units) == (6, 6)
    assert report.verdict == "fail" and not field.passed
    labels = field.confusion.labels
    counts = {
        (labels[i], labels[j]): n
        for i, row in enumerate(field.confusion.counts)
        for j, n in enumerate(row)
        if n
    }  # rows: alice's codes, columns: the gold's
    assert counts == {
        ("fact", "fact"): 2,
        ("intention", "fact"): 1,
        ("intention", "intention"): 2,
        ("prediction", "prediction"): 1,
    }
    assert certify(project, "alice", 0.75, bootstrap_samples=0).verdict == "pass"


def test_certification_is_incomplete_until_every_gold_unit_is_coded(project):
    units = _sentences(project)
    for unit, code in zip(units, GOLD, strict=True):
        apply_codes(project, "sue", unit.id, {"claim_type": code})
    mark_gold(project, ["bridge"], "sue")
    code_training_unit(project, "alice", units[0].id, {"claim_type": "fact"})
    report = certify(project, "alice", bootstrap_samples=0)
    assert (report.coded_units, report.verdict) == (1, "incomplete")


def test_feedback_names_both_codes_with_their_definitions(project):
    units = _gold_and_training(project)
    found = differences(project, "alice", "bridge")
    assert [(d.unit_id, d.mine, d.gold) for d in found] == [(units[2].id, "intention", "fact")]
    book = project.codebook.field("claim_type")
    assert book.category("fact").definition in found[0].gold_definition
    assert book.category("intention").definition in found[0].mine_definition
    assert differences(project, "alice", "bridge", unit_id=units[0].id) == []


def test_gold_needs_a_complete_article_and_a_human_source(project):
    units = _sentences(project)
    apply_codes(project, "sue", units[0].id, {"claim_type": "fact"})
    with pytest.raises(AnnotatorError, match="only a completely coded article"):
        mark_gold(project, ["bridge"], "sue")
    assert gold_articles(project) == []
    with pytest.raises(AnnotatorError, match="no consensus yet"):
        mark_gold(project, ["bridge"], "consensus")


def test_training_codes_go_only_on_gold_units(project):
    unit = _sentences(project)[0]
    with pytest.raises(AnnotatorError, match="only on units of gold articles"):
        code_training_unit(project, "alice", unit.id, {"claim_type": "fact"})


@pytest.mark.parametrize("name", ["gold", "alice~training", "Alice ~Training"])
def test_nobody_codes_as_the_gold_or_a_training_identity(project, name):
    unit = _sentences(project)[0]
    with pytest.raises(CodingError):
        apply_codes(project, name, unit.id, {"claim_type": "fact"})


def test_training_and_gold_never_mix_with_study_codes(project, tmp_path: Path):
    units = _gold_and_training(project)
    for unit, code in zip(units, GOLD, strict=True):
        apply_codes(project, "alice", unit.id, {"claim_type": code})
        apply_codes(project, "bob", unit.id, {"claim_type": code})
    with project.reading() as session:
        roles = dict(session.exec(select(Coder.name, Coder.role)).all())
        assert roles["gold"] == Role.GOLD and roles["alice~training"] == Role.TRAINING
        assert coder_names(session, None) == ["alice", "bob", "sue"]
    agreement = project_agreement(project, bootstrap_samples=0)
    assert agreement.fields["claim_type"].coders == ("alice", "bob", "sue")
    assert set(coder_progress(project)) == {"alice", "bob", "sue"}
    for layout in LAYOUTS:
        path = tmp_path / f"{layout}.csv"
        export(project, path, ExportOptions(layout=layout))
        text = path.read_text(encoding="utf-8-sig")
        assert "~training" not in text, layout
        header = next(csv.reader([text.splitlines()[0]]))
        rows = list(csv.DictReader(text.splitlines()))
        assert not any("gold" in column for column in header), layout
        assert all(row.get("coder") != "gold" for row in rows), layout


def test_a_field_left_out_leaves_agreement_and_adjudication(project):
    """Every field is measured until the supervisor leaves one out (the fixture leaves
    out all but claim_type)."""
    units = _sentences(project)
    for coder, code in (("alice", "fact"), ("bob", "intention")):
        apply_codes(project, coder, units[0].id, {"claim_type": code, "confidence": "low"})
    assert set(project_agreement(project, bootstrap_samples=0).fields) == {"claim_type"}
    assert [d.field for d in list_disagreements(project)] == ["claim_type"]
    set_left_out_fields(project, [])
    assert left_out_fields(project) == set()
    measured = project_agreement(project, bootstrap_samples=0).fields
    assert list(measured) == [f.key for f in project.codebook.coded_fields]
    with pytest.raises(AnnotatorError, match="no field 'nope'"):
        set_left_out_fields(project, ["nope"])


def test_training_done_in_a_copy_merges_back_as_training(project, tmp_path: Path):
    """A coder trains in a copy of the supervisor's project (it holds the gold); merging the
    copy back brings the training codes as training, never as study codes."""
    from annotator.core.store.backup import backup_project
    from annotator.core.supervision.merge import merge_project

    units = _gold_and_training(project, trainee=GOLD)
    if not isinstance(project.path, Path):
        pytest.skip("a file copy: the server's copy is `annotator pull`")
    copy = tmp_path / "alice-training.annotator"
    backup_project(project.path, copy)
    with Project.open(copy) as theirs:
        code_training_unit(theirs, "carol", units[0].id, {"claim_type": "fact"})
    merge_project(project, copy)
    with project.reading() as session:
        roles = dict(session.exec(select(Coder.name, Coder.role)).all())
    assert roles["carol~training"] == Role.TRAINING
    assert "carol" not in coder_progress(project)
    assert project_agreement(project, bootstrap_samples=0).fields["claim_type"].coders == ("sue",)


def test_gold_and_certification_follow_scopes_and_conditions(project):
    """With the default codebook measured in full, the gold takes the article's own codes
    (story type, on the article's unit) and a sentence's reason for anonymity only where
    the source's attribution is anonymous; an optional field left empty (the outlet's
    anonymity policy) is not a gap. A trainee has answered a unit when they coded what
    the gold answers there and is asked of them by their own codes."""
    set_left_out_fields(project, [])
    units = _sentences(project)
    article = list_units(project)[0].article_id
    from annotator.core.coding.lookups import article_unit_id

    article_unit = article_unit_id(project, article)
    apply_codes(project, "sue", article_unit, {"story_type": "news"})
    for n, unit in enumerate(units):
        attribution = "anonymous_vague" if n == 0 else "named_person"
        codes = {"attribution": attribution, "claim_type": GOLD[n], "confidence": "high"}
        if n == 0:
            codes["anonymity_reason"] = "no_reason"
        apply_codes(project, "sue", unit.id, codes)
    marked = mark_gold(project, ["bridge"], "sue")
    assert marked.added == 1 + 3 * len(units) + 1  # story type, three fields, one reason
    same = {"attribution": "named_person", "claim_type": "fact", "confidence": "high"}
    code_training_unit(project, "alice", units[0].id, same)  # not anonymous: no reason asked
    code_training_unit(project, "alice", article_unit, {"story_type": "news"})
    report = certify(project, "alice", bootstrap_samples=0)
    assert report.gold_units == len(units) + 1 and report.coded_units == 2
    assert "story_type" in {f.field for f in report.fields}
