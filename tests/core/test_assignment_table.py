"""Issue 25: `assign` and `--reassign` keep the assignment table equal to the recorded
assignment (the table is what a team project's row-level security reads)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlmodel import select

from annotator.core.store.models import Article, Assignment, Coder
from annotator.core.store.project import Project
from annotator.core.study.articles import article_facts
from annotator.core.study.assign import assign_study, reassign, recorded_assignment
from annotator.core.study.plan import make_plan, save_plan
from annotator.core.study.sample_size import SmallestShare


def table_pairs(project: Project) -> set[tuple[str, str]]:
    with project.reading() as session:
        rows = session.exec(
            select(Article.sha256, Coder.name)
            .join(Assignment, Assignment.article_id == Article.id)  # type: ignore[arg-type]
            .join(Coder, Coder.id == Assignment.coder_id)  # type: ignore[arg-type]
        ).all()
    return set(rows)


def recorded_pairs(project: Project) -> set[tuple[str, str]]:
    record = recorded_assignment(project)
    assert record is not None
    return {(sha, name) for sha, e in record["articles"].items() for name in e["coders"]}


def test_assign_and_reassign_write_the_assignment_table(sample_project, tmp_path: Path):
    plan = make_plan(sample_project, 0.8, 0.05, SmallestShare(0.5, "test"), seed=1)
    save_plan(sample_project, dataclasses.replace(plan, articles=article_facts(sample_project)[:1]))
    assign_study(sample_project, ["alice", "bob"], tmp_path / "coders", seed=3)
    before = table_pairs(sample_project)
    assert before == recorded_pairs(sample_project) and len(before) == 4  # 2 shared + 1 + 1
    record = recorded_assignment(sample_project)
    assert record is not None
    key = next(e["key"] for e in record["articles"].values() if e["coders"] == ["alice"])
    reassign(sample_project, key, "carol")
    after = table_pairs(sample_project)
    assert after == recorded_pairs(sample_project) and after != before
    assert ("carol" in {name for _, name in after}) and len(after) == 4
