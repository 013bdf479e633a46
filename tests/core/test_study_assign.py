"""Assigning articles to coders: balance, reproducibility, coder files, merge round trip."""

from __future__ import annotations

import dataclasses
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from sqlmodel import func, select

from annotator.core.coding.lookups import list_units
from annotator.core.coding.service import apply_codes, coder_codes, set_note
from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.store.models import Article, Code, Coder, History, Note
from annotator.core.store.project import Project
from annotator.core.study.articles import ArticleFacts, article_facts
from annotator.core.study.assign import (
    assign_study,
    check_coders,
    plan_assignment,
    reassign,
    recorded_assignment,
)
from annotator.core.study.plan import make_plan, save_plan
from annotator.core.study.sample_size import SmallestShare
from annotator.core.suggest.switch import set_suggestions_for_coders, suggestions_for_coders
from annotator.core.supervision.merge import merge_project

CODES = {"attribution": "named_person", "claim_type": "fact", "confidence": "high"}


def _articles(n: int = 40) -> list[ArticleFacts]:
    """Invented articles of 3 to 29 units."""
    return [
        ArticleFacts(i, f"a{i:03}", f"{i:064x}", None, None, 3 + (i * 7) % 27) for i in range(n)
    ]


def test_reliability_articles_go_to_every_coder_and_the_rest_balances():
    articles = _articles()
    sample = {a.sha256 for a in articles[:8]}
    coders = ["alice", "bob", "carol"]
    assigned = plan_assignment(articles, sample, coders, seed=5)
    assert all(sorted(assigned[sha]) == coders for sha in sample)
    rest = [a for a in articles if a.sha256 not in sample]
    assert all(len(assigned[a.sha256]) == 1 for a in rest)
    load = Counter({name: 0 for name in coders})
    for a in articles:
        for name in assigned[a.sha256]:
            load[name] += a.units
    # Greedy largest-first into the lightest coder: loads differ by at most one article.
    assert max(load.values()) - min(load.values()) <= max(a.units for a in rest)
    assert max(load.values()) - min(load.values()) <= 3  # measured on these articles


def test_assignment_is_reproducible_by_seed():
    articles = _articles()
    sample = {a.sha256 for a in articles[:6]}
    one = plan_assignment(articles, sample, ["alice", "bob", "carol"], seed=11)
    assert one == plan_assignment(
        list(reversed(articles)), sample, ["alice", "bob", "carol"], seed=11
    )
    others = [
        plan_assignment(articles, sample, ["alice", "bob", "carol"], seed=s) for s in range(12, 16)
    ]
    assert any(other != one for other in others)


def test_k_coders_per_reliability_article_balance_pairs():
    articles = _articles(30)
    sample = {a.sha256 for a in articles[:12]}
    coders = ["alice", "bob", "carol", "dan"]
    assigned = plan_assignment(articles, sample, coders, seed=2, k=2)
    pairs = Counter(tuple(sorted(assigned[sha])) for sha in sample)
    # 12 articles over the 6 pairs of 4 coders: every pair shares exactly two.
    assert set(pairs) == set(combinations(coders, 2))
    assert set(pairs.values()) == {2}
    with pytest.raises(AnnotatorError):
        plan_assignment(articles, sample, coders, seed=2, k=5)


def test_coder_names_are_checked():
    assert check_coders([" alice", "bob "]) == ["alice", "bob"]
    for bad in (["alice"], ["alice", "Alice "], ["alice", "consensus"], ["a b", "a-b"]):
        with pytest.raises(AnnotatorError):
            check_coders(bad)


def _planned(project: Project, sample_keys: list[str]) -> None:
    """Save a reliability sample of exactly these articles (through the real plan)."""
    plan = make_plan(project, 0.8, 0.05, SmallestShare(0.5, "test"), seed=1)
    chosen = [a for a in article_facts(project) if a.key in sample_keys]
    save_plan(project, dataclasses.replace(plan, articles=chosen))


def _pilot(project: Project) -> None:
    """The supervisor's project holds a pilot coder's codes and note beforehand."""
    unit = list_units(project)[1]
    apply_codes(project, "dave", unit.id, CODES)
    set_note(project, "dave", unit.id, "dave's private note")


def test_coder_files_hold_only_their_articles_and_no_codes(sample_project, tmp_path: Path):
    _pilot(sample_project)
    set_suggestions_for_coders(sample_project, False)  # a blind study
    keys = [a.key for a in article_facts(sample_project)]
    _planned(sample_project, keys[:1])
    work = assign_study(sample_project, ["alice", "bob"], tmp_path / "coders", seed=3)
    assigned = recorded_assignment(sample_project)
    assert assigned is not None
    for row in work:
        assert row.file is not None and row.file.exists()
        expected = {sha for sha, e in assigned["articles"].items() if row.coder in e["coders"]}
        with Project.open(row.file) as coder_file, coder_file.reading() as session:
            assert set(session.exec(select(Article.sha256)).all()) == expected
            for model in (Code, Note, History, Coder):
                assert session.exec(select(func.count()).select_from(model)).one() == 0
        with Project.open(row.file) as coder_file:
            assert not suggestions_for_coders(coder_file)
    shared = next(sha for sha, e in assigned["articles"].items() if e["reliability"])
    assert sorted(assigned["articles"][shared]["coders"]) == ["alice", "bob"]
    assert sum(row.articles for row in work) == len(keys) + 1  # the shared one twice


def test_assign_refuses_without_a_plan_and_over_an_assignment(sample_project, tmp_path: Path):
    with pytest.raises(ProjectError, match="no reliability sample"):
        assign_study(sample_project, ["alice", "bob"], tmp_path / "a", seed=1)
    _planned(sample_project, [])
    assign_study(sample_project, ["alice", "bob"], tmp_path / "a", seed=1)
    with pytest.raises(ProjectError, match="already assigned"):
        assign_study(sample_project, ["alice", "bob"], tmp_path / "b", seed=1)
    with pytest.raises(ProjectError, match="already exists"):
        assign_study(sample_project, ["alice", "bob"], tmp_path / "a", seed=1, replace=True)
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())


def test_merge_brings_the_coders_work_back(sample_project, tmp_path: Path):
    keys = [a.key for a in article_facts(sample_project)]
    _planned(sample_project, keys[:1])
    work = assign_study(sample_project, ["alice", "bob"], tmp_path / "coders", seed=3)
    coded: dict[str, set[str]] = {}
    for row in work:
        assert row.file is not None
        with Project.open(row.file) as coder_file:
            units = list_units(coder_file)
            for unit in units[:2]:
                apply_codes(coder_file, row.coder, unit.id, CODES)
            coded[row.coder] = {unit.key for unit in units[:2]}
        merge_project(sample_project, str(row.file))
    by_key = {unit.id: unit.key for unit in list_units(sample_project)}
    for name, unit_keys in coded.items():
        merged = coder_codes(sample_project, name)
        assert {by_key[unit_id] for unit_id in merged} == unit_keys
        assert all(codes == CODES for codes in merged.values())


def test_reassign_moves_an_article_and_writes_its_file(sample_project, tmp_path: Path):
    _planned(sample_project, [])
    assign_study(sample_project, ["alice", "bob"], tmp_path / "coders", seed=3)
    record = recorded_assignment(sample_project)
    assert record is not None
    sha, entry = next(iter(record["articles"].items()))
    key, owner = entry["key"], entry["coders"][0]
    path = reassign(sample_project, key, "carol", out=tmp_path / "coders")
    after = recorded_assignment(sample_project)
    assert after is not None and after["articles"][sha]["coders"] == ["carol"]
    assert "carol" in after["coders"]
    assert path is not None
    with Project.open(path) as carol_file, carol_file.reading() as session:
        assert session.exec(select(Article.key)).all() == [key]
    with pytest.raises(AnnotatorError, match="not assigned to"):
        reassign(sample_project, key, "bob", from_=owner)
    for bad in (" ", "consensus", "Carol "):  # no name, a reserved one, carol's lookalike
        with pytest.raises(AnnotatorError):
            reassign(sample_project, key, bad)
    assert recorded_assignment(sample_project) == after
