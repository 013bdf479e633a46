"""Merging coders' files of a typed study (issue 23): every type and scope arrives.

The supervisor's project uses the typed-study codebook (article fields, multiple choice,
number, text, date, conditional fields); each coder's file is made from it with
`write_coder_file`, coded differently through the write path (a conditional field
switched off on the way, so its clearing is in the history too), and merged back. Every
code and every history row must arrive, by the unit's stable identity, and the article
codes must land on the target's own article units.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from annotator.core.codebook import ARTICLE_KIND, load_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import article_unit_id, find_unit, list_articles
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.models import Article, Code, Coder, History, Unit
from annotator.core.store.project import Project
from annotator.core.study.coder_files import write_coder_file
from annotator.core.supervision import adjudication
from annotator.core.supervision.merge import merge_project

DATA = Path(__file__).resolve().parents[1] / "data"
TYPED = load_codebook(DATA / "codebooks" / "typed-study.json")
ARTICLES = [DATA / "harbor-deal.txt", DATA / "border-talks.txt"]

ANN_ARTICLE = {
    "story_kind": "opinion",
    "topics": "politics;health",
    "column_author": "Ama Boateng",
    "event_date": "2026-03-14",
}
BOB_ARTICLE = {"story_kind": "news", "topics": "economy;politics", "event_date": "2026-03-20"}
ANN_SENTENCE = {
    "source": "anonymous",
    "reason": "given",
    "sources_cited": "2",
    "printed_name": "a ministry official",
}
BOB_SENTENCE = {"source": "named", "sources_cited": "13", "printed_name": "Kofi Mensah"}


def _article_unit(project: Project, article: str) -> int:
    unit_id = article_unit_id(project, find_unit(project, f"{article}#1").article_id)
    assert unit_id is not None
    return unit_id


def _state(project: Project) -> dict[str, set[tuple]]:
    """Codes and history by the unit's stable identity (article sha256, start, end, kind):
    what a merge must carry whole."""
    with project.reading() as session:
        units = {
            u.id: (a.sha256, u.start, u.end, u.kind)
            for u, a in session.exec(select(Unit, Article).join(Article))
        }
        coders = dict(session.exec(select(Coder.id, Coder.name)).all())
        codes = {
            (*units[c.unit_id], coders[c.coder_id], c.field, c.code, c.coded_at)
            for c in session.exec(select(Code))
        }
        history = {
            (h.article_sha256, h.start, h.end, h.coder, h.target, h.old, h.new, h.origin, h.at)
            for h in session.exec(select(History))
        }
    return {"codes": codes, "history": history}


@pytest.fixture
def study(project_location, tmp_path):
    """The supervisor's typed project and two coders' files made from it, each coded."""
    supervisor = Project.create(project_location("study.annotator"), TYPED)
    assert not import_paths(supervisor, ARTICLES).failures
    shas = [a.sha256 for a in list_articles(supervisor)]
    files = {}
    for coder in ("ann", "bob"):
        files[coder] = tmp_path / f"study-{coder}.annotator"
        assert write_coder_file(supervisor, files[coder], coder, shas) == 2
    with Project.open(files["ann"]) as ann:
        coding.apply_codes(ann, "ann", _article_unit(ann, "harbor-deal"), ANN_ARTICLE)
        sentence = find_unit(ann, "harbor-deal#2").id
        coding.apply_codes(ann, "ann", sentence, ANN_SENTENCE)
        border = _article_unit(ann, "border-talks")
        coding.apply_codes(ann, "ann", border, {"story_kind": "news", "topics": "economy"})
    with Project.open(files["bob"]) as bob:
        article = _article_unit(bob, "harbor-deal")
        coding.apply_codes(bob, "bob", article, {"story_kind": "opinion", "column_author": "A. B."})
        coding.apply_codes(bob, "bob", article, BOB_ARTICLE)  # clears column_author, with history
        sentence = find_unit(bob, "harbor-deal#2").id
        coding.apply_codes(bob, "bob", sentence, {"source": "anonymous", "reason": "not_given"})
        coding.apply_codes(bob, "bob", sentence, BOB_SENTENCE)  # clears reason
    yield supervisor, files
    supervisor.close()


def test_every_type_and_its_history_arrive_and_article_codes_land_on_article_units(study):
    supervisor, files = study
    before = _state(supervisor)
    coders = {}
    for coder, path in files.items():
        with Project.open(path) as source:
            coders[coder] = _state(source)
        report = merge_project(supervisor, path)
        assert report.conflicts == [] and report.skipped == []
    after = _state(supervisor)
    for kind in ("codes", "history"):
        assert after[kind] == before[kind] | coders["ann"][kind] | coders["bob"][kind], kind
    assert any(h[4] == "column_author" and h[6] is None for h in after["history"])
    article = _article_unit(supervisor, "harbor-deal")
    sentence = find_unit(supervisor, "harbor-deal#2").id
    assert coding.unit_codes(supervisor, "ann", article) == ANN_ARTICLE
    assert coding.unit_codes(supervisor, "bob", article) == BOB_ARTICLE
    assert coding.unit_codes(supervisor, "ann", sentence) == ANN_SENTENCE
    assert coding.unit_codes(supervisor, "bob", sentence) == BOB_SENTENCE
    assert coding.unit_codes(supervisor, "ann", _article_unit(supervisor, "border-talks")) == {
        "story_kind": "news",
        "topics": "economy",
    }
    with supervisor.reading() as session:
        kinds = session.exec(
            select(Unit.kind, Unit.idx)
            .join(Code, col(Code.unit_id) == col(Unit.id))
            .where(col(Code.field).in_([f.key for f in TYPED.article_fields]))
        ).all()
        article_units = session.exec(select(Unit).where(Unit.kind == ARTICLE_KIND)).all()
    assert kinds and set(kinds) == {(ARTICLE_KIND, 0)}
    assert len(article_units) == 2  # the merge made no second article unit
    found = {(d.unit_id, d.field) for d in adjudication.list_disagreements(supervisor)}
    assert found == {
        (article, "story_kind"),  # column_author: bob's condition no longer holds
        (article, "topics"),
        (article, "event_date"),
        (sentence, "source"),  # reason: bob was not asked it in the end
        (sentence, "sources_cited"),
        (sentence, "printed_name"),
    }
