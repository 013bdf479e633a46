"""The assignment as the database sees it: (article, coder) rows beside the JSON record.

The JSON setting (study/settings.py) keeps what the study needs to report (seed, k,
reliability flags, dates) and stays the one place the application reads an assignment
from (assign.assigned_articles). The `assignment` table mirrors its pairs so that a
team project's row-level security can show a coder's role only her articles
(store/assignment_rls.py). Both are written in one transaction, so they never disagree.
"""

from __future__ import annotations

from sqlmodel import delete, select

from annotator.core.store.models import Article, Assignment, saved_id
from annotator.core.store.project import Project
from annotator.core.study.settings import ASSIGNMENT_KEY, put_setting


def save_assignment(project: Project, record: dict) -> None:
    """Store `record` (assign.assign_study's JSON) and replace the table's rows with its
    pairs; coders with no coder row yet get one, as their first code would make."""
    try:
        with project.writing() as session:
            put_setting(session, ASSIGNMENT_KEY, record)
            session.exec(delete(Assignment))
            ids = dict(session.exec(select(Article.sha256, Article.id)).all())
            coders = {name: project.coder_id(session, name) for name in record["coders"]}
            session.add_all(
                Assignment(article_id=saved_id(ids[sha]), coder_id=coders[name])
                for sha, entry in record["articles"].items()
                if sha in ids
                for name in entry["coders"]
            )
    except BaseException:
        project.forget_cached_ids()
        raise
