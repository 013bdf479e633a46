"""The suggester as a coder of its own: its suggestions stored as the codes of `suggester`.

Stored through the coding service like anyone's codes (a history row per change, the
origin naming the suggester's version), they take part in agreement statistics, reviews
and exports as machine-versus-human agreement. Running again replaces the machine's
earlier codes: changed codes are updated, codes it no longer suggests are cleared, both
with history. The codes go in bulk, in short transactions of a few hundred codes
(`coding.write_in_batches`), so coders saving meanwhile wait a moment at most; a run
stopped half-way leaves whole batches, and the next run completes it.

Articles in a language the suggester does not read (`languages.suggests_for`, as in the
window) get no suggestions: they are skipped and counted, and a code an earlier run
left on them is cleared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlmodel import col, select

from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.coding.article_metadata import metadata_of
from annotator.core.coding.lookups import UnitRow
from annotator.core.errors import AnnotatorError
from annotator.core.store import db
from annotator.core.store.models import Article, Coder, saved_id, table_of, utcnow
from annotator.core.store.project import Project
from annotator.core.store.roles import SUGGESTER, Role
from annotator.core.suggest.for_article import article_unit_suggestions
from annotator.core.suggest.languages import suggests_for
from annotator.core.suggest.suggester import Suggester, UnitSuggestion

__all__ = [
    "SUGGESTER",
    "ArticlesToSuggest",
    "SuggestionRun",
    "UnitRecord",
    "article_suggestions",
    "articles_to_suggest",
    "run_suggester",
]


@dataclass(frozen=True)
class UnitRecord:
    """One unit with its suggestion, as `annotator suggest --json` prints it."""

    unit: UnitRow
    suggestion: UnitSuggestion

    def to_dict(self) -> dict[str, object]:
        s = self.suggestion
        cue = s.cue
        return {
            "key": self.unit.key,
            "text": self.unit.text,
            "codes": {key: value.to_dict() for key, value in s.codes.items()},
            "confidence": s.confidence,
            "cue": cue.cue.to_dict() if cue else None,
            "source": cue.source.to_dict() if cue and cue.source else None,
            "refers_to": cue.antecedent.to_dict() if cue and cue.antecedent else None,
            "carried_quote": s.carried,
            "cues": [
                {
                    "cue": c.cue.to_dict(),
                    "source": c.source.to_dict() if c.source else None,
                    "shape": c.shape,
                }
                for c in s.cues
            ],
        }


@dataclass
class SuggestionRun:
    """What a run suggested, and how many codes it changed (or would change, when dry):
    counts, not the records, so that a run over a whole archive holds one pass of
    articles at a time (issue 29: 6.8 GB at 100,000 articles when it kept them all)."""

    version: str
    dry_run: bool
    skipped: Counter[str] = field(default_factory=Counter)  # language -> articles skipped
    suggested: int = 0  # units suggested for
    changed: int = 0  # codes changed (or that would change)


@dataclass
class ArticlesToSuggest:
    """The articles the suggester reads, in coding order, and those it skips for their
    language (ids only: their units are read a pass at a time)."""

    read: list[int] = field(default_factory=list)
    skipped_ids: list[int] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # language -> articles


# Articles read, suggested for and stored per pass: enough to keep each query's cost
# small against its rows, few enough that a pass's records are a few megabytes.
ARTICLES_PER_PASS = 200


def articles_to_suggest(project: Project, article_key: str | None = None) -> ArticlesToSuggest:
    """Every article (or one), in coding order, split by whether its language is one the
    suggester reads."""
    with project.reading() as session:
        query = select(Article.id, Article.metadata_json).order_by(
            col(Article.position), col(Article.id)
        )
        if article_key is not None:
            query = query.where(Article.id == lookups.article_by_key(session, article_key).id)
        rows = session.exec(query).all()
    found = ArticlesToSuggest()
    for article_id, data in rows:
        language = metadata_of(data).get("language")
        if suggests_for(language):
            found.read.append(saved_id(article_id))
        else:
            found.skipped_ids.append(saved_id(article_id))
            found.skipped[language or ""] += 1
    return found


def article_suggestions(
    project: Project,
    suggester: Suggester,
    article_key: str | None = None,
    articles: ArticlesToSuggest | None = None,
) -> Iterator[UnitRecord]:
    """The suggestion for every unit to code, article by article in coding order (only
    articles in a language the suggester reads)."""
    if articles is None:
        articles = articles_to_suggest(project, article_key)
    for ids in _passes(articles.read):
        yield from _pass_records(project, suggester, ids)


def run_suggester(
    project: Project,
    article_key: str | None = None,
    *,
    dry_run: bool = False,
    on_record: Callable[[UnitRecord], None] | None = None,
) -> SuggestionRun:
    """Suggest codes for every unit to code (of one article, or all) and store them as
    the codes of the `suggester` coder, replacing its earlier ones. A pass of articles
    at a time: its suggestions, its changes against the stored codes, then the changes
    stored in short transactions; `on_record` sees each unit's record as it is made."""
    suggester = Suggester.for_codebook(project.codebook)
    if suggester is None:
        raise AnnotatorError(
            f"codebook {project.codebook.name!r} has no suggestion rules "
            "(it is not about sources, or it turns suggestions off): nothing to suggest"
        )
    machine_role = _role_of_suggester(project)
    if machine_role is not None and machine_role != Role.MACHINE:
        raise _name_taken(machine_role)
    articles = articles_to_suggest(project, article_key)
    run = SuggestionRun(suggester.version, dry_run, articles.skipped)
    for ids in _passes(articles.read):
        records = _pass_records(project, suggester, ids)
        run.suggested += len(records)
        if on_record is not None:
            for record in records:
                on_record(record)
        wanted = [(r.unit, r.suggestion.codes_to_apply()) for r in records]
        _store(project, run, wanted, ids, suggester.version)
    for ids in _passes(articles.skipped_ids):  # an earlier run's codes there go
        units = lookups.units_of_articles(project, ids)
        _store(project, run, [(unit, {}) for unit in units], ids, suggester.version)
    return run


def _passes(article_ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(article_ids), ARTICLES_PER_PASS):
        yield article_ids[start : start + ARTICLES_PER_PASS]


def _pass_records(project: Project, suggester: Suggester, ids: list[int]) -> list[UnitRecord]:
    """The records of one pass's units to code, in coding order."""
    kinds = project.codebook.coded_kinds
    by_article: dict[int, list[UnitRow]] = {}
    for unit in lookups.units_of_articles(project, ids):
        by_article.setdefault(unit.article_id, []).append(unit)
    records = []
    for article_id in ids:
        rows = by_article.get(article_id, [])
        if not rows:
            continue
        suggestions = article_unit_suggestions(project, suggester, article_id)
        records += [UnitRecord(u, suggestions[u.id]) for u in rows if u.kind in kinds]
    return records


def _store(
    project: Project,
    run: SuggestionRun,
    wanted: list[tuple[UnitRow, dict[str, str]]],
    article_ids: list[int],
    version: str,
) -> None:
    """One pass's changes counted, and stored unless the run is dry."""
    changes = _changes(project, wanted, article_ids)
    if run.dry_run or not changes:
        run.changed += len(changes)
        return
    if run.changed == 0:
        ensure_machine_coder(project)
    units = {unit.id: unit for unit, _ in wanted}
    batch = machine_batch(changes, units)
    made = coding.write_in_batches(project, batch, origin=version, reserved=SUGGESTER)
    run.changed += len(made.changes)


def _changes(
    project: Project, wanted: list[tuple[UnitRow, dict[str, str]]], article_ids: list[int]
) -> list[coding.Change]:
    """What turns the suggester's stored codes on these articles into the wanted ones,
    field by field."""
    earlier = coding.coder_codes(project, SUGGESTER, article_ids=article_ids)
    fields = [f.key for f in project.codebook.coded_fields]
    changes = []
    for unit, codes in wanted:
        now = earlier.get(unit.id, {})
        for key in fields:
            old, new = now.get(key), codes.get(key)
            if old != new:
                changes.append(coding.Change(unit.id, SUGGESTER, key, old, new))
    return changes


def machine_batch(
    changes: list[coding.Change], units: dict[int, UnitRow]
) -> Iterator[coding.BatchCode]:
    """The suggester's changes as the coding service's batch entries (a None code clears)."""
    for change in changes:
        unit = units[change.unit_id]
        yield coding.BatchCode(
            unit.id, unit.article_sha256, unit.start, unit.end, SUGGESTER, change.target, change.new
        )


def ensure_machine_coder(project: Project) -> None:
    """The `suggester` coder, created with the machine's role; a human of that name is
    refused, so a person's codes are never overwritten by the machine."""
    with project.writing() as session:
        role = session.exec(select(Coder.role).where(Coder.name == SUGGESTER)).first()
        if role is None:
            values = {"name": SUGGESTER, "role": Role.MACHINE, "created_at": utcnow()}
            db.insert_unless_present(session, table_of(Coder), values, ["name"])
            role = session.exec(select(Coder.role).where(Coder.name == SUGGESTER)).one()
    if role != Role.MACHINE:
        raise _name_taken(role)


def _role_of_suggester(project: Project) -> str | None:
    with project.reading() as session:
        return session.exec(select(Coder.role).where(Coder.name == SUGGESTER)).first()


def _name_taken(role: str) -> AnnotatorError:
    return AnnotatorError(
        f"a coder named {SUGGESTER!r} already codes in this project as a {role}; "
        "the suggester needs that name for itself"
    )
