"""The project database: SQLModel tables, portable to SQLite and PostgreSQL.

Codes are stored long (one row per unit, coder and field) so that any codebook
works without a schema change. Nothing here is SQLite-only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, ForeignKeyConstraint, Index, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel
from sqlmodel.sql.expression import Select

NOTE_TARGET = "#note"  # history target for notes; can never clash with a field key
SOURCE_TARGET = "#source"  # history targets of sources start with it (coding/sources_service.py)


class Origin(StrEnum):
    """Where a change came from, as `history.origin` records it (defined once here).

    An adjudication by a named supervisor is stored as "adjudication by NAME"
    (`Origin.ADJUDICATION` followed by the name), cut to the column's 40 characters.
    """

    MANUAL = "manual"  # a key press or click in the coding window
    UNDO = "undo"
    REDO = "redo"
    COMMAND_LINE = "command line"
    IMPORT = "import"  # annotator import-codes
    ADJUDICATION = "adjudication"
    UNANIMOUS = "unanimous"  # accept all unanimous units
    MERGE = "merge"
    SUGGESTION = "suggestion"  # a machine suggestion accepted by a coder (one key)
    CODEBOOK_UPDATE = "codebook update"  # codes a mapping moved when the codebook changed


def utcnow() -> datetime:
    """Timestamps are stored in UTC so that merged projects sort correctly."""
    return datetime.now(UTC)


def saved_id(id_: int | None) -> int:
    """The id of a row that is in the database (read from it, or added and flushed).

    SQLModel types every primary key `int | None` because a new row has none until it is
    flushed. This is the project's one allowance for that: code that holds the id of a
    stored row passes it through here instead of silencing the type checker, and the id
    of a row that was never flushed fails on the spot rather than becoming a NULL
    reference.
    """
    assert id_ is not None, "a row was used before it was flushed"
    return id_


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for statements the ORM does not offer (upserts)."""
    return model.__table__  # type: ignore[attr-defined]  # set by SQLModel, not declared


def wide_select(*columns: Any) -> Select[*tuple[Any, ...]]:
    """`sqlmodel.select` of more than four columns, for `session.exec`.

    It is what `select` itself builds for them, but sqlmodel types `select` for up to
    four columns only; past that the rows' values are typed Any.
    """
    return Select(*columns)


class ProjectSetting(SQLModel, table=True):
    """Key/value facts about the project: its name, creation time, app version."""

    __tablename__ = "project_setting"
    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(sa_column=Column(Text, nullable=False))


class CodebookVersion(SQLModel, table=True):
    """A codebook as it was when codes were made; every code points at one."""

    __tablename__ = "codebook_version"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_codebook_name_version"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    version: str = Field(max_length=50)
    definition: str = Field(sa_column=Column(Text, nullable=False))
    added_at: datetime = Field(default_factory=utcnow)


class CodebookCategory(SQLModel, table=True):
    """One (field, code) a codebook version allows, so the database can check codes.

    The definition's JSON says the same, but a trigger that parsed it for every code row
    would cost tens of microseconds a row; this table makes the check one index lookup
    (migration 0003 installs the triggers, on SQLite and PostgreSQL alike). Rows are
    written with their codebook version (`Project`), never afterwards.
    """

    __tablename__ = "codebook_category"
    codebook_version_id: int = Field(
        foreign_key="codebook_version.id", primary_key=True, ondelete="CASCADE"
    )
    field: str = Field(max_length=100, primary_key=True)
    code: str = Field(max_length=100, primary_key=True)


class CodebookFieldRow(SQLModel, table=True):
    """The type, scope and limits of each field of a codebook version, for the database's
    check of a code (migration 0005's triggers), as codebook_category lists its codes.

    A version stored before format 2 has no rows here: the check reads a missing row as
    format 1's single-choice unit field.
    """

    __tablename__ = "codebook_field"
    codebook_version_id: int = Field(
        foreign_key="codebook_version.id", primary_key=True, ondelete="CASCADE"
    )
    field: str = Field(max_length=100, primary_key=True)
    type: str = Field(max_length=20)
    scope: str = Field(max_length=20)
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    max_length: int = 200


class Article(SQLModel, table=True):
    """An imported article; identified across projects by the sha256 of its text."""

    __tablename__ = "article"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    sha256: str = Field(max_length=64, unique=True)
    title: str = Field(sa_column=Column(Text, nullable=False))
    outlet: str | None = Field(default=None, max_length=300)
    author: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, sa_column=Column(Text))
    published: str | None = Field(default=None, max_length=40)
    source: str | None = Field(default=None, sa_column=Column(Text))
    metadata_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    position: int = Field(default=0, index=True)
    imported_at: datetime = Field(default_factory=utcnow)


class Unit(SQLModel, table=True):
    """A codable piece of an article (title, heading, sentence): text == article.text[start:end]."""

    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("article_id", "start", "end", name="uq_unit_span"),
        Index("ix_unit_article_idx", "article_id", "idx"),
    )
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    idx: int
    kind: str = Field(max_length=20)
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))


class Coder(SQLModel, table=True):
    """Someone who codes; `role` is "coder" or "consensus" (the adjudicated version)."""

    __tablename__ = "coder"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    role: str = Field(default="coder", max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class Assignment(SQLModel, table=True):
    """An article given to a coder by `annotator assign` (study/assign.py mirrors its
    recorded assignment here). On a team project row-level security reads it: a coder's
    role sees an article with no assignment, or one assigned to them (store/assignment_rls.py).
    """

    __tablename__ = "assignment"
    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id", primary_key=True)


class Code(SQLModel, table=True):
    """The current code of one field of one unit by one coder."""

    __tablename__ = "code"
    __table_args__ = (
        UniqueConstraint("unit_id", "coder_id", "field", name="uq_code_unit_coder_field"),
        Index("ix_code_coder_unit", "coder_id", "unit_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id")
    field: str = Field(max_length=100)
    code: str = Field(sa_column=Column(Text, nullable=False))  # any type's value (field_values)
    codebook_version_id: int = Field(foreign_key="codebook_version.id")
    coded_at: datetime = Field(default_factory=utcnow)


class Note(SQLModel, table=True):
    """A coder's free-text note on a unit."""

    __tablename__ = "note"
    __table_args__ = (UniqueConstraint("unit_id", "coder_id", name="uq_note_unit_coder"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    noted_at: datetime = Field(default_factory=utcnow)


class History(SQLModel, table=True):
    """Append-only audit trail of every change to a code or note: who, when, old, new.

    It keeps the unit's stable identity (article sha256, start, end) rather than a
    foreign key, so the trail survives unit splits and travels with merges.
    """

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_unit", "article_sha256", "start", "end"),)
    id: int | None = Field(default=None, primary_key=True)
    article_sha256: str = Field(max_length=64)
    start: int
    end: int
    coder: str = Field(max_length=100)
    target: str = Field(max_length=100)
    old: str | None = Field(default=None, sa_column=Column(Text))
    new: str | None = Field(default=None, sa_column=Column(Text))
    codebook_version_id: int | None = Field(default=None, foreign_key="codebook_version.id")
    origin: str = Field(default=Origin.MANUAL, max_length=40)
    at: datetime = Field(default_factory=utcnow, index=True)


class Source(SQLModel, table=True):
    """A source of an article as one coder sees it: an entity with a label, mentioned in
    units (SourceMention), linked to the units whose claims rest on it (SourceLink), coded
    once in the codebook's source fields (SourceCode). `uid` names it in history and files
    (stable across renames); the suggester's list is the suggester coder's sources."""

    __tablename__ = "source"
    __table_args__ = (
        UniqueConstraint("article_id", "coder_id", "uid", name="uq_source_article_coder_uid"),
        UniqueConstraint("id", "coder_id", name="uq_source_id_coder"),  # for the children's FK
        Index("ix_source_coder_article", "coder_id", "article_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id")
    uid: str = Field(max_length=32)
    label: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


def _of_the_source_coder() -> ForeignKeyConstraint:
    """A source's mention, link or code belongs to the source's own coder: the database
    refuses one that names another coder (so row-level security on `coder_id` is enough)."""
    return ForeignKeyConstraint(
        ["source_id", "coder_id"], ["source.id", "source.coder_id"], ondelete="CASCADE"
    )


class SourceMention(SQLModel, table=True):
    """Where a source is mentioned: a character span of the article inside one unit."""

    __tablename__ = "source_mention"
    __table_args__ = (
        UniqueConstraint("source_id", "start", "end", name="uq_source_mention_span"),
        _of_the_source_coder(),
    )
    id: int | None = Field(default=None, primary_key=True)
    source_id: int
    coder_id: int = Field(foreign_key="coder.id")
    unit_id: int = Field(foreign_key="unit.id", ondelete="CASCADE")
    start: int
    end: int


class SourceLink(SQLModel, table=True):
    """A unit whose claim rests on a source; `position` 0 is the claim's own source."""

    __tablename__ = "source_link"
    __table_args__ = (
        UniqueConstraint("unit_id", "source_id", name="uq_source_link_unit_source"),
        Index("ix_source_link_coder_unit", "coder_id", "unit_id"),
        _of_the_source_coder(),
    )
    id: int | None = Field(default=None, primary_key=True)
    source_id: int
    coder_id: int = Field(foreign_key="coder.id")
    unit_id: int = Field(foreign_key="unit.id", ondelete="CASCADE")
    position: int = 0


class SourceCode(SQLModel, table=True):
    """The code of one source field of one source (checked like a code by migration
    0006's trigger: a field of source scope, a valid value of its type)."""

    __tablename__ = "source_code"
    __table_args__ = (
        UniqueConstraint("source_id", "field", name="uq_source_code_field"),
        _of_the_source_coder(),
    )
    id: int | None = Field(default=None, primary_key=True)
    source_id: int
    coder_id: int = Field(foreign_key="coder.id")
    field: str = Field(max_length=100)
    code: str = Field(sa_column=Column(Text, nullable=False))
    codebook_version_id: int = Field(foreign_key="codebook_version.id")
    coded_at: datetime = Field(default_factory=utcnow)


class SpanCorrection(SQLModel, table=True):
    """A coder's own cue or source span of a unit (article offsets inside the unit),
    shown instead of the machine's; `kind` is "cue" or "source"."""

    __tablename__ = "span_correction"
    __table_args__ = (
        UniqueConstraint("unit_id", "coder_id", "kind", name="uq_span_correction_kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id")
    kind: str = Field(max_length=20)
    start: int
    end: int


# A code row is checked against codebook_category (migration 0003's triggers), so whatever
# copies tables in dependency order (push, pull) must fill that table first.
table_of(Code).add_is_dependent_on(table_of(CodebookCategory))
table_of(Code).add_is_dependent_on(table_of(CodebookFieldRow))
table_of(SourceCode).add_is_dependent_on(table_of(CodebookFieldRow))
