"""Changing a project's codebook during a study, without losing a code.

AmCAT users lost codes when a codebook was edited mid-study (amcat#65). Here an update
is planned first (`plan_update`): the changes between the project's codebook and the
new one, one line each (coding.codebook_changes), and the codes the new codebook would
leave without a place (a removed field or category that has codes, a value the new type
or limits refuse, a field moved to the other scope). Such a change is refused until a
mapping (coding.codebook_mapping) says where those codes go, null (drop) included.

Applying it (`update_codebook`) is one transaction: the codes the mapping drops are
cleared under the version they were made with, the new codebook version is stored
(with its article units when it asks anything of articles), and the codes the mapping
moves are rewritten under the new version; every write goes through the coding
service, with history (origin `Origin.CODEBOOK_UPDATE`). A code of a conditional field
that the new codebook no longer asks for (a narrowed condition, or a moved code that the
condition reads) is cleared too, as the write path clears one a coder's change switches
off; the plan lists those. Every other code keeps the codebook version it was made
under, which the database goes on checking it against. The codes of source fields
(issue 24) are counted, refused, moved, dropped and cleared the same way, through the
sources' write path (coding.sources_service.recode_in), one list per article and coder.

On a team server only the project's owner may do it: a member's role may write codes
and nothing else, and never another coder's (core.team.roles).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import and_, text
from sqlmodel import Session, col, func, select

from annotator.core import field_values
from annotator.core.codebook import ARTICLE_KIND, Codebook, CodebookField, Scope
from annotator.core.coding import sources_service
from annotator.core.coding.codebook_changes import codebook_changes
from annotator.core.coding.codebook_mapping import NO_MAPPING, CodeMapping
from annotator.core.coding.service import BatchCode, CodeWriter
from annotator.core.coding.source_lists import SourceEntry
from annotator.core.errors import AnnotatorError, CodebookError, InputError, ProjectError
from annotator.core.field_values import FieldType, choices
from annotator.core.store.models import (
    Article,
    Code,
    CodebookVersion,
    Coder,
    Origin,
    Source,
    SourceCode,
    Unit,
    wide_select,
)
from annotator.core.store.project import Project, add_codebook

SHOWN = 5  # orphaned codes named in a refusal; the rest are counted


class UpdateRefused(AnnotatorError):
    """A codebook update that would orphan codes, or that the project cannot take."""


@dataclass(frozen=True)
class Orphans:
    """Codes the new codebook has no place for: `count` codes of `field` holding `value`
    (None: every code of the field), and why."""

    field: str
    value: str | None
    count: int
    reason: str

    @property
    def name(self) -> str:
        return self.field if self.value is None else f"{self.field}.{self.value}"


@dataclass(frozen=True)
class UpdatePlan:
    """What an update would do: `changes` one line each, the codes it would move or drop,
    and the codes it would orphan (then it is refused)."""

    current: Codebook
    new: Codebook
    changes: list[str]
    orphans: list[Orphans] = field(default_factory=list)
    remapped: int = 0
    dropped: int = 0
    cleared: int = 0

    @property
    def unchanged(self) -> bool:
        return not self.changes

    @property
    def refusal(self) -> str | None:
        """The one line that refuses the update, naming the orphaned codes and how to map
        them; None when it may be applied."""
        if not self.orphans:
            return None
        total = sum(o.count for o in self.orphans)
        named = ", ".join(f"{o.name} ({o.count}: {o.reason})" for o in self.orphans[:SHOWN])
        more = f" and {len(self.orphans) - SHOWN} more" if len(self.orphans) > SHOWN else ""
        example = {o.name: None if o.value is None else "CODE" for o in self.orphans[:2]}
        codes = f"{total} codes would lose their" if total != 1 else "1 code would lose its"
        return (
            f"codebook update refused: {codes} place: {named}{more}; say where they go "
            "in a mapping file, e.g. "
            f"{json.dumps(example, ensure_ascii=False)} (null drops them)"
        )


@dataclass(frozen=True)
class UpdateResult:
    """What an applied update did."""

    name: str
    version: str
    version_id: int
    remapped: int
    dropped: int
    article_units: int
    cleared: int = 0

    def summary(self) -> str:
        units = f", {self.article_units} article units added" if self.article_units else ""
        cleared = f", {self.cleared} cleared where no longer asked" if self.cleared else ""
        return (
            f"codebook updated: {self.remapped} code(s) remapped, {self.dropped} dropped"
            f"{cleared}{units}; the codebook is now {self.name} {self.version} "
            f"(version {self.version_id} in the project); other codes keep their version"
        )


def plan_update(project: Project, new: Codebook, mapping: CodeMapping = NO_MAPPING) -> UpdatePlan:
    """The changes from the project's codebook to `new`, checked against its codes (a read;
    `update_codebook` plans again inside its own transaction). On a team server a member
    is refused here already: row-level security would show her only her own codes."""
    with project.reading() as session:
        _refuse_members(session, project)
        return _plan(session, project.codebook, new, mapping)


def update_codebook(
    project: Project, new: Codebook, mapping: CodeMapping = NO_MAPPING
) -> UpdateResult:
    """Apply the update in one transaction (see the module docstring); an update that
    would orphan codes raises UpdateRefused and writes nothing."""
    try:
        with project.writing() as session:
            _refuse_members(session, project)
            plan = _plan(session, project.codebook, new, mapping)
            if plan.unchanged:
                raise UpdateRefused(f"{project.label}: the project's codebook is already this one")
            if plan.refusal:
                raise UpdateRefused(plan.refusal)
            recoder = _Recoder(plan.current, new, mapping)
            moved = list(_mapped_rows(session, recoder))
            dropped = [entry for entry in moved if entry.code is None]
            cleared = {_key(entry): entry for entry in _not_asked(session, new, recoder)}
            remapped = [e for e in moved if e.code is not None and _key(e) not in cleared]
            _write(session, project, dropped)  # under the version they were made with
            before = _article_units(session)
            version_id = add_codebook(session, new)
            units = _article_units(session) - before
            row = session.get(CodebookVersion, version_id)
            assert row is not None, "the version just added"
            project.use_codebook(row, new)  # the codes moved below are made with it
            _write(session, project, remapped + list(cleared.values()))
            _recode_sources(session, project, recoder)
    finally:
        project.forget_codebook()  # the committed one: the new, or the old after a failure
    return UpdateResult(
        new.name, new.version, version_id, len(remapped), len(dropped), units, len(cleared)
    )


def _key(entry: BatchCode) -> tuple[int, str, str]:
    return entry.unit_id, entry.coder, entry.field


# -- planning -----------------------------------------------------------------------------


def _plan(session: Session, current: Codebook, new: Codebook, mapping: CodeMapping) -> UpdatePlan:
    _refuse_stored_version(session, current, new)
    recoder = _Recoder(current, new, mapping)
    changes = codebook_changes(current, new)
    counts = _value_counts(session, _fields_to_check(current, new, mapping))
    orphans: list[Orphans] = []
    remapped = dropped = 0
    touched: Counter[tuple[str, str | None]] = Counter()
    for (key, value), count in sorted(counts.items()):
        mapped, entries = recoder.target(key, value)
        for entry in entries:
            touched[entry] += count
        if mapped is None:
            dropped += count
            continue
        if mapped != value:
            remapped += count
        reason = recoder.problem(key, mapped)
        if reason is not None:
            orphans.append(Orphans(key, value, count, reason))
    orphans = _whole_fields(orphans)
    changes += [_mapping_line(current, new, entry, touched) for entry in mapping.entries()]
    cleared = Counter(entry.field for entry in _not_asked(session, new, recoder))
    cleared += _sources_not_asked(session, recoder)
    changes += [
        f"not asked any more: {key} on {count} unit(s) (its condition no longer holds): "
        "cleared, with history"
        for key, count in sorted(cleared.items())
    ]
    return UpdatePlan(current, new, changes, orphans, remapped, dropped, cleared.total())


def _whole_fields(orphans: list[Orphans]) -> list[Orphans]:
    """A field removed or moved to the other scope is named once, not value by value."""
    whole: dict[str, Orphans] = {}
    kept: list[Orphans] = []
    for orphan in orphans:
        if orphan.reason in (_REMOVED, _OTHER_SCOPE):
            before = whole.get(orphan.field)
            count = orphan.count + (before.count if before else 0)
            whole[orphan.field] = Orphans(orphan.field, None, count, orphan.reason)
        else:
            kept.append(orphan)
    return list(whole.values()) + kept


def _fields_to_check(current: Codebook, new: Codebook, mapping: CodeMapping) -> set[str]:
    """Fields whose codes the update may leave without a place, or that the mapping moves."""
    new_fields = {f.key: f for f in new.fields}
    changed = {
        f.key
        for f in current.fields
        if f.key not in new_fields or _validity(f) != _validity(new_fields[f.key])
    }
    return changed | mapping.fields


def _validity(field: CodebookField) -> tuple:
    """What decides which stored values a field accepts."""
    codes = tuple(sorted(c.code for c in field.categories))
    limits = (field.minimum, field.maximum, field.integer, field.max_length)
    return (field.type, field.scope, codes, limits)


def _value_counts(session: Session, keys: set[str]) -> Counter[tuple[str, str]]:
    """(field, stored value) -> how many codes of any coder hold it, for these fields."""
    counts: Counter[tuple[str, str]] = Counter()
    if not keys:
        return counts
    for table in (Code, SourceCode):  # a field's codes are in one of them (its scope)
        query = (
            select(table.field, table.code, func.count())
            .where(col(table.field).in_(sorted(keys)))
            .group_by(col(table.field), col(table.code))
        )
        counts.update({(key, value): count for key, value, count in session.exec(query)})
    return counts


def _refuse_stored_version(session: Session, current: Codebook, new: Codebook) -> None:
    """A project keeps every version it was coded with, one row per (name, version)."""
    if new.to_json() == current.to_json():
        return
    found = session.exec(
        select(CodebookVersion.id).where(
            CodebookVersion.name == new.name, CodebookVersion.version == new.version
        )
    ).first()
    if found is not None:
        raise UpdateRefused(
            f"codebook {new.name!r} version {new.version!r} is already in the project with "
            "other contents; give the new codebook a version of its own"
        )


_REMOVED = "field removed"
_OTHER_SCOPE = "the field is now coded at the other scope"


class _Recoder:
    """A stored value as the mapping makes it, and whether the new codebook takes it."""

    def __init__(self, current: Codebook, new: Codebook, mapping: CodeMapping) -> None:
        self.current = {f.key: f for f in current.fields}
        self.new = {f.key: f for f in new.fields}
        self.new_codebook = new
        self.mapping = mapping
        self.targets = self._parsed_targets()

    def _parsed_targets(self) -> dict[tuple[str, str], str | None]:
        """Each mapping target in the new field's stored spelling; a target the new
        codebook does not take is refused naming the entry."""
        source = self.mapping.source
        for key in sorted(self.mapping.fields - self.current.keys()):
            raise InputError(source, f"the project's codebook has no field {key!r}")
        parsed: dict[tuple[str, str], str | None] = {}
        for (key, value), target in self.mapping.values.items():
            if target is None:
                parsed[(key, value)] = None
                continue
            new_field = self.new.get(key)
            if new_field is None:
                raise InputError(
                    source,
                    f'"{key}.{value}": the new codebook has no field {key!r}; its codes can '
                    "only be dropped (null)",
                )
            try:
                parsed[(key, value)] = field_values.parse(new_field, target)
            except CodebookError as error:
                raise InputError(source, f'"{key}.{value}": {error}') from None
        return parsed

    def target(self, key: str, value: str) -> tuple[str | None, list[tuple[str, str | None]]]:
        """The value as mapped (None: dropped), and the mapping entries that applied."""
        if key in self.mapping.dropped_fields:
            return None, [(key, None)]
        if (key, value) in self.targets:
            return self.targets[(key, value)], [(key, value)]
        old = self.current.get(key)
        if old is None or old.type is not FieldType.MULTIPLE:
            return value, []
        parts: list[str] = []
        used: list[tuple[str, str | None]] = []
        for part in choices(value):
            if (key, part) in self.targets:
                used.append((key, part))
                parts += choices(self.targets[(key, part)])
            else:
                parts.append(part)
        if not used:
            return value, []
        return self._joined(key, parts), used

    def _joined(self, key: str, parts: list[str]) -> str | None:
        new_field = self.new.get(key)
        if new_field is not None and new_field.type is FieldType.MULTIPLE:
            return field_values.join_choices(new_field, parts) or None
        return field_values.MULTIPLE_SEPARATOR.join(dict.fromkeys(parts)) or None

    def problem(self, key: str, value: str) -> str | None:
        """Why the new codebook has no place for `value` of `key`, or None."""
        new_field = self.new.get(key)
        if new_field is None:
            return _REMOVED
        old = self.current.get(key)
        if old is not None and old.scope is not new_field.scope:
            return _OTHER_SCOPE
        if old is not None and old.has_categories and new_field.has_categories:
            for code in choices(value):
                if old.category(code) is not None and new_field.category(code) is None:
                    return "category removed"
        return field_values.check(new_field, value)


def _mapping_line(
    current: Codebook,
    new: Codebook,
    entry: tuple[str, str | None, str | None],
    touched: Counter[tuple[str, str | None]],
) -> str:
    key, value, target = entry
    count = touched[(key, value)]
    codes = f"({count} code{'s' if count != 1 else ''})"
    name = key if value is None else f"{key}.{value}"
    if target is None:
        return f"dropped: {name} {codes}"
    old_field = next((f for f in current.fields if f.key == key), None)
    new_field = next((f for f in new.fields if f.key == key), None)
    removed = (
        old_field is not None
        and new_field is not None
        and (
            old_field.category(value or "") is not None and new_field.category(value or "") is None
        )
    )
    verb = "merged" if removed else "recoded"
    joined = "into" if removed else "→"
    return f"{verb}: {name} {joined} {key}.{target} {codes}"


# -- applying -------------------------------------------------------------------------------


def _mapped_rows(session: Session, recoder: _Recoder) -> Iterator[BatchCode]:
    """Each code the mapping moves or drops, as the batch entry that writes it."""
    keys = recoder.mapping.fields
    if not keys:
        return
    query = (
        wide_select(
            Code.unit_id, Code.field, Code.code, Coder.name, Article.sha256, Unit.start, Unit.end
        )
        .join(Coder, col(Coder.id) == Code.coder_id)
        .join(Unit, col(Unit.id) == Code.unit_id)
        .join(Article, col(Article.id) == Unit.article_id)
        .where(col(Code.field).in_(sorted(keys)))
        .order_by(col(Code.id))
    )
    for unit_id, key, value, coder, sha, start, end in session.exec(query):
        mapped, _entries = recoder.target(key, value)
        if mapped != value:
            yield BatchCode(unit_id, sha, start, end, coder, key, mapped)


def _not_asked(session: Session, new: Codebook, recoder: _Recoder) -> list[BatchCode]:
    """Codes of conditional fields whose condition, in the new codebook and on the codes
    as the mapping leaves them, no longer holds: the write path clears such a code when a
    coder's change switches its field off, and so does the update (the plan lists them)."""
    conditional = {f.key for f in new.fields if f.when is not None}
    if not conditional or not _conditions_touched(recoder):
        return []
    pairs = (
        select(Code.unit_id, Code.coder_id)
        .where(col(Code.field).in_(sorted(conditional)))
        .distinct()
        .subquery()
    )
    query = (
        wide_select(
            Code.unit_id,
            Coder.name,
            Code.field,
            Code.code,
            Unit.kind,
            Article.sha256,
            Unit.start,
            Unit.end,
        )
        .join(pairs, and_(pairs.c.unit_id == Code.unit_id, pairs.c.coder_id == Code.coder_id))
        .join(Coder, col(Coder.id) == Code.coder_id)
        .join(Unit, col(Unit.id) == Code.unit_id)
        .join(Article, col(Article.id) == Unit.article_id)
        .order_by(col(Code.unit_id), col(Code.coder_id))
    )
    units: dict[tuple[int, str], tuple[tuple[str, int, int], str, dict[str, str]]] = {}
    for unit_id, coder, key, value, kind, sha, start, end in session.exec(query):
        mapped, _entries = recoder.target(key, value)
        codes = units.setdefault((unit_id, coder), ((sha, start, end), kind, {}))[2]
        if mapped is not None:
            codes[key] = mapped
    cleared: list[BatchCode] = []
    for (unit_id, coder), ((sha, start, end), kind, codes) in units.items():
        asked = new.applicable(Scope.ARTICLE if kind == ARTICLE_KIND else Scope.UNIT, codes)
        cleared += [
            BatchCode(unit_id, sha, start, end, coder, key, None)
            for key in sorted(codes.keys() & conditional - asked)
        ]
    return cleared


def _sources_not_asked(session: Session, recoder: _Recoder) -> Counter[str]:
    """Source codes the update clears because their condition no longer holds, by field."""
    cleared: Counter[str] = Counter()
    for _article, _coder, _uid, codes in _source_codes(session, recoder):
        kept = _recoded(recoder, codes)
        cleared.update(k for k, v in codes.items() if recoder.target(k, v)[0] and k not in kept)
    return cleared


def _recode_sources(session: Session, project: Project, recoder: _Recoder) -> None:
    """Move, drop or clear source codes as unit codes are (`_write`), through the sources'
    write path, one list per article and coder, under the new codebook version."""
    lists = sorted(
        {(article, coder) for article, coder, _uid, _codes in _source_codes(session, recoder)}
    )
    for article_id, coder in lists:
        writer = CodeWriter(session, project, origin=Origin.CODEBOOK_UPDATE, reserved=coder)
        sources_service.recode_in(writer, article_id, coder, lambda s: _recode_entry(recoder, s))


def _recode_entry(recoder: _Recoder, source: SourceEntry) -> None:
    source.codes = _recoded(recoder, source.codes)


def _recoded(recoder: _Recoder, codes: dict[str, str]) -> dict[str, str]:
    """A source's codes as the mapping leaves them, less those no longer asked."""
    mapped = {key: recoder.target(key, value)[0] for key, value in codes.items()}
    kept = {key: value for key, value in mapped.items() if value is not None}
    new_book = recoder.new_codebook
    asked = new_book.applicable(Scope.SOURCE, kept)
    conditional = {f.key for f in new_book.fields_of(Scope.SOURCE) if f.when is not None}
    # as `_not_asked` for unit codes: only a conditional field is cleared here; a field the
    # new codebook lacks is the plan's to refuse or the mapping's to drop
    return {k: v for k, v in kept.items() if k in asked or k not in conditional}


def _source_codes(
    session: Session, recoder: _Recoder
) -> Iterator[tuple[int, str, str, dict[str, str]]]:
    """(article id, coder, source uid, all its codes) of each source the update may
    change: one with a code the mapping names, or any with codes when a condition may
    now hold elsewhere (source codes are few: a handful per source)."""
    if not recoder.mapping.fields and not _conditions_touched(recoder):
        return
    query = (
        wide_select(Source.article_id, Coder.name, Source.uid, SourceCode.field, SourceCode.code)
        .join(Source, col(Source.id) == SourceCode.source_id)
        .join(Coder, col(Coder.id) == SourceCode.coder_id)
        .order_by(col(Source.id))
    )
    grouped: dict[tuple[int, str, str], dict[str, str]] = {}
    for article_id, coder, uid, key, value in session.exec(query):
        grouped.setdefault((article_id, coder, uid), {})[key] = value
    every = _conditions_touched(recoder)
    for (article_id, coder, uid), codes in grouped.items():
        if every or codes.keys() & recoder.mapping.fields:
            yield article_id, coder, uid, codes


def _conditions_touched(recoder: _Recoder) -> bool:
    """Whether a condition may hold elsewhere than before: one changed, or a code it
    reads may change."""
    new_conditions = {key: f.when for key, f in recoder.new.items() if f.when is not None}
    old_conditions = {key: f.when for key, f in recoder.current.items() if f.when is not None}
    return new_conditions != old_conditions or bool(recoder.mapping.fields)


def _write(session: Session, project: Project, rows: list[BatchCode]) -> None:
    """The rows through the write path, one writer per coder: each writes as that coder
    only, the consensus and the machine coder included (a mapping moves their codes too)."""
    by_coder: dict[str, list[BatchCode]] = {}
    for row in rows:
        by_coder.setdefault(row.coder, []).append(row)
    for coder, batch in by_coder.items():
        writer = CodeWriter(session, project, origin=Origin.CODEBOOK_UPDATE, reserved=coder)
        writer.write_batch(batch, keep_changes=False)


def _article_units(session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(Unit).where(Unit.kind == ARTICLE_KIND)
    ).one()


_OWNER = (
    "SELECT pg_catalog.pg_get_userbyid(c.relowner)::pg_catalog.text OPERATOR(pg_catalog.=)"
    " CURRENT_USER::pg_catalog.text FROM pg_catalog.pg_class c"
    " WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass('public.codebook_version')"
)


def _refuse_members(session: Session, project: Project) -> None:
    """On a team server, only the owner stores codebooks and moves everyone's codes."""
    if not project.on_server:
        return
    if not session.execute(text(_OWNER)).scalar():
        raise ProjectError(
            f"{project.label}: only the project's owner (the supervisor who set it up) may "
            "update a team project's codebook; members write their own codes only. "
            "Connect as the owner"
        )
