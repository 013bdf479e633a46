"""The gold standard: articles whose codes coders are trained and certified against.

The supervisor marks gold articles with the codes of the adjudicated consensus (a
pilot's) or of a supervisor who coded them; `mark_gold` copies those codes, through the
coding service and with history, to the reserved coder `gold` (role `Role.GOLD`). A copy,
not a pointer: a later adjudication of the same article does not move the standard that
coders were certified against. The gold never counts in agreement, adjudication, progress
or exports (`store.roles.OUTSIDE_THE_STUDY`). Only complete articles can be gold: a unit
the source left uncoded in a measured field would have no answer to learn from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from annotator.core.codebook import ARTICLE_KIND, Codebook, Scope
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import article_by_key
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.coding.service import BatchCode
from annotator.core.errors import AnnotatorError
from annotator.core.store.models import Article, Code, Coder, Unit, wide_select
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS, GOLD, Role

GOLD_SOURCES = (Role.CONSENSUS, Role.CODER, Role.SUPERVISOR)  # never a machine or a trainee
MAX_GOLD_ARTICLES = 1000


@dataclass(frozen=True)
class GoldMarked:
    """What `mark_gold` did: the articles now gold, the source and the codes copied."""

    articles: tuple[str, ...]
    source: str
    added: int
    changed: int

    def to_dict(self) -> dict[str, object]:
        return {
            "articles": list(self.articles),
            "source": self.source,
            "codes_added": self.added,
            "codes_changed": self.changed,
        }


def mark_gold(project: Project, articles: Sequence[str], source: str) -> GoldMarked:
    """Make `articles` gold with `source`'s codes (`consensus` or a coder's name).

    Every coded unit of every article must have the source's code in every measured
    field, else nothing is written and the first gap is named. Marking an article again
    replaces its gold codes with the source's."""
    keys = list(dict.fromkeys(key.strip() for key in articles if key.strip()))
    if not keys:
        raise AnnotatorError("name at least one article to mark as gold")
    if len(keys) > MAX_GOLD_ARTICLES:
        raise AnnotatorError(f"at most {MAX_GOLD_ARTICLES} gold articles at once")
    fields = measured_fields(project)
    codebook = project.codebook
    with project.reading() as session:
        _check_source(session, source)
        _check_gold_coder(session)
        ids = [article_by_key(session, key).id for key in keys]
        units = session.exec(
            wide_select(
                Unit.id, Article.key, Unit.idx, Article.sha256, Unit.start, Unit.end, Unit.kind
            )
            .join(Article, col(Article.id) == Unit.article_id)
            .where(col(Unit.article_id).in_(ids), col(Unit.kind).in_(codebook.progress_kinds))
            .order_by(col(Article.position), col(Unit.idx))
        ).all()
    codes = _source_codes(project, source, [row[0] for row in units], fields)
    batch = []
    for unit_id, article_key, idx, sha, start, end, kind in units:
        coded = {f: c for (u, f), c in codes.items() if u == unit_id}
        for key in _gold_fields(codebook, kind, coded, fields):
            code = coded.get(key)
            if code is None:
                raise AnnotatorError(
                    f"{article_key}#{idx}: {source!r} has not coded {key!r}; only a "
                    "completely coded article can be gold (nothing marked)"
                )
            batch.append(BatchCode(unit_id, sha, start, end, GOLD, key, code))
    with coding.writing(project, origin=f"gold from {source}"[:40], reserved=GOLD) as writer:
        counts = writer.write_batch(batch, keep_changes=False)
    return GoldMarked(tuple(keys), source, counts.added, counts.changed)


def _gold_fields(
    codebook: Codebook, kind: str, coded: dict[str, str], measured: list[str]
) -> list[str]:
    """The measured fields a gold unit of this kind carries: those asked of it (a
    conditional field where the source's codes ask it), required ones always, optional
    ones where the source coded them."""
    scope = Scope.ARTICLE if kind == ARTICLE_KIND else Scope.UNIT
    asked = codebook.applicable(scope, coded)
    return [
        f.key
        for f in codebook.fields_of(scope)
        if f.key in measured and f.key in asked and (f.required or f.key in coded)
    ]


def gold_articles(project: Project) -> list[str]:
    """The keys of the gold articles (those the gold coder has codes in), in reading order."""
    with project.reading() as session:
        return list(
            session.exec(
                select(Article.key)
                .where(
                    col(Article.id).in_(
                        select(Unit.article_id)
                        .join(Code, col(Code.unit_id) == Unit.id)
                        .join(Coder, col(Coder.id) == Code.coder_id)
                        .where(Coder.name == GOLD, Coder.role == Role.GOLD)
                    )
                )
                .order_by(col(Article.position), col(Article.id))
            ).all()
        )


def _check_source(session, source: str) -> None:
    role = session.exec(select(Coder.role).where(Coder.name == source)).first()
    if role is None:
        what = "no consensus yet: adjudicate first" if source == CONSENSUS else "no such coder"
        raise AnnotatorError(f"cannot take gold codes from {source!r}: {what}")
    if role not in GOLD_SOURCES:
        raise AnnotatorError(
            f"cannot take gold codes from {source!r} ({role}): the gold comes from the "
            "consensus or a person's own codes"
        )


def _check_gold_coder(session) -> None:
    role = session.exec(select(Coder.role).where(Coder.name == GOLD)).first()
    if role is not None and role != Role.GOLD:
        raise AnnotatorError(f"an ordinary coder is named {GOLD!r}; their codes cannot be the gold")


def _source_codes(
    project: Project, source: str, unit_ids: list[int], fields: list[str]
) -> dict[tuple[int, str], str]:
    with project.reading() as session:
        rows = session.exec(
            select(Code.unit_id, Code.field, Code.code)
            .join(Coder, col(Coder.id) == Code.coder_id)
            .where(
                Coder.name == source, col(Code.unit_id).in_(unit_ids), col(Code.field).in_(fields)
            )
        ).all()
    return {(unit_id, field): code for unit_id, field, code in rows}
