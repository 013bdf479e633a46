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
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlmodel import select

from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.coding.article_metadata import metadata_of
from annotator.core.coding.lookups import UnitRow
from annotator.core.errors import AnnotatorError
from annotator.core.store import db
from annotator.core.store.models import Article, Coder, table_of, utcnow
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


@dataclass(frozen=True)
class SuggestionRun:
    """What a run suggested, and the changes it made (or would make, when dry)."""

    version: str
    records: list[UnitRecord]
    changes: list[coding.Change]
    dry_run: bool
    skipped: Counter[str] = field(default_factory=Counter)  # language -> articles skipped


@dataclass
class ArticlesToSuggest:
    """The units of the articles the suggester reads, by article in coding order, and
    the units of those it skips for their language."""

    units: dict[int, list[UnitRow]] = field(default_factory=dict)
    skipped_units: list[UnitRow] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # language -> articles


def articles_to_suggest(project: Project, article_key: str | None = None) -> ArticlesToSuggest:
    """Every unit (of one article, or all), split by whether its article's language is
    one the suggester reads."""
    with project.reading() as session:
        languages = {
            article_id: metadata_of(data).get("language")
            for article_id, data in session.exec(select(Article.id, Article.metadata_json))
        }
    found = ArticlesToSuggest()
    for unit in lookups.list_units(project, article_key):
        language = languages.get(unit.article_id)
        if suggests_for(language):
            found.units.setdefault(unit.article_id, []).append(unit)
            continue
        if not found.skipped_units or found.skipped_units[-1].article_id != unit.article_id:
            found.skipped[language or ""] += 1
        found.skipped_units.append(unit)
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
    kinds = project.codebook.coded_kinds
    for article_id, rows in articles.units.items():
        suggestions = article_unit_suggestions(project, suggester, article_id)
        for unit in rows:
            if unit.kind in kinds:
                yield UnitRecord(unit, suggestions[unit.id])


def run_suggester(
    project: Project, article_key: str | None = None, *, dry_run: bool = False
) -> SuggestionRun:
    """Suggest codes for every unit to code (of one article, or all) and store them as
    the codes of the `suggester` coder, replacing its earlier ones."""
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
    records = list(article_suggestions(project, suggester, article_key, articles))
    wanted = [(r.unit, r.suggestion.codes_to_apply()) for r in records]
    wanted += [(unit, {}) for unit in articles.skipped_units]  # an earlier run's codes go
    changes = _changes(project, wanted)
    if dry_run or not changes:
        return SuggestionRun(suggester.version, records, changes, dry_run, articles.skipped)
    ensure_machine_coder(project)
    units = {unit.id: unit for unit, _ in wanted}
    batch = machine_batch(changes, units)
    made = coding.write_in_batches(
        project, batch, origin=suggester.version, reserved=SUGGESTER
    ).changes
    return SuggestionRun(suggester.version, records, made, dry_run, articles.skipped)


def _changes(project: Project, wanted: list[tuple[UnitRow, dict[str, str]]]) -> list[coding.Change]:
    """What turns the suggester's stored codes into the wanted ones, field by field."""
    earlier = coding.coder_codes(project, SUGGESTER)
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
