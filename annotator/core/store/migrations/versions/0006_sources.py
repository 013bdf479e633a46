"""Sources: each coder's source list per article, its mentions, links and codes.

Adds the tables of store/models.py's Source, SourceMention, SourceLink, SourceCode and
SpanCorrection (see coding/sources_service.py, the one write path to them), and a check
of source codes as migration 0005 checks codes: a source code's field must be a field of
source scope of its codebook version and the code a valid value of its type (the very
checks of 0005, with the unit's scope replaced by "source"; a code table row for a field
of source scope is already refused by 0005, whose scope never reads "source").

PostgreSQL: the trigger function runs as its owner with a fixed search_path, as in 0005.
On a team project (row-level security on `code`) the new tables get the policies of
store/source_rls.py and the members who write codes are granted them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
import sqlmodel
from alembic import op

from annotator.core.store.server_guard import SCHEMA
from annotator.core.store.source_rls import (
    SOURCE_TABLES,
    source_grant_statements,
    source_policy_statements,
)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MESSAGE = "source code not in the project's codebook"


def _revision_0005():
    """Migration 0005's module (its file name starts with a digit: no plain import)."""
    path = next(Path(__file__).parent.glob("0005_*.py"))
    spec = importlib.util.spec_from_file_location("revision_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _replaced(text: str, old: str, new: str) -> str:
    assert old in text, f"migration 0005's check changed: {old!r} not found"
    return text.replace(old, new)


def sqlite_check() -> str:
    """0005's condition on a code row, for a source code row (its scope: "source")."""
    check = _revision_0005().sqlite_check()
    scope_of_unit = (
        "CASE\n        (SELECT u.kind FROM unit u WHERE u.id = NEW.unit_id)\n"
        "        WHEN 'article' THEN 'article' ELSE 'unit' END"
    )
    return _replaced(check, scope_of_unit, "'source'")


def postgres_function(quoted: str) -> str:
    """0005's trigger function, made for source codes."""
    function = _revision_0005()._POSTGRES_FUNCTION
    function = _replaced(
        function, "annotator_code_in_codebook()", "annotator_source_code_in_codebook()"
    )
    function = _replaced(
        function,
        "SELECT u.kind INTO unit_kind FROM {schema}.unit u WHERE u.id = NEW.unit_id;",
        "unit_kind := 'source';",
    )
    function = _replaced(
        function,
        "unit_scope := CASE WHEN unit_kind = 'article' THEN 'article' ELSE 'unit' END;",
        "unit_scope := unit_kind;",
    )
    return function.format(schema=quoted, message=MESSAGE.replace("'", "''"))


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _coder() -> list:
    return [
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"]),
    ]


def _of_source() -> list:
    return [
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id", "coder_id"], ["source.id", "source.coder_id"], ondelete="CASCADE"
        ),
    ]


def _in_unit() -> list:
    return [
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], ondelete="CASCADE"),
    ]


def _span() -> list:
    return [
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
    ]


def _create_tables(schema: str | None) -> None:
    op.create_table(
        "source",
        _id(),
        sa.Column("article_id", sa.Integer(), nullable=False),
        *_coder(),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "coder_id", "uid", name="uq_source_article_coder_uid"),
        sa.UniqueConstraint("id", "coder_id", name="uq_source_id_coder"),
        schema=schema,
    )
    op.create_index("ix_source_coder_article", "source", ["coder_id", "article_id"], schema=schema)
    op.create_table(
        "source_mention",
        _id(),
        *_coder(),
        *_of_source(),
        *_in_unit(),
        *_span(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "start", "end", name="uq_source_mention_span"),
        schema=schema,
    )
    op.create_table(
        "source_link",
        _id(),
        *_coder(),
        *_of_source(),
        *_in_unit(),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "source_id", name="uq_source_link_unit_source"),
        schema=schema,
    )
    op.create_index(
        "ix_source_link_coder_unit", "source_link", ["coder_id", "unit_id"], schema=schema
    )
    op.create_table(
        "source_code",
        _id(),
        *_coder(),
        *_of_source(),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("codebook_version_id", sa.Integer(), nullable=False),
        sa.Column("coded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["codebook_version_id"], ["codebook_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "field", name="uq_source_code_field"),
        schema=schema,
    )
    op.create_table(
        "span_correction",
        _id(),
        *_in_unit(),
        *_coder(),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        *_span(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "coder_id", "kind", name="uq_span_correction_kind"),
        schema=schema,
    )


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _create_tables(SCHEMA if postgres else None)
    if not postgres:
        message = MESSAGE.replace("'", "''")
        check = f"WHEN NOT {sqlite_check()} BEGIN SELECT RAISE(ABORT, '{message}'); END"
        op.execute(
            f"CREATE TRIGGER source_code_in_codebook_on_insert BEFORE INSERT ON source_code {check}"
        )
        op.execute(
            "CREATE TRIGGER source_code_in_codebook_on_update"
            f" BEFORE UPDATE OF field, code, codebook_version_id ON source_code {check}"
        )
        return
    quoted = op.get_bind().dialect.identifier_preparer.quote_identifier(SCHEMA)
    op.execute(postgres_function(quoted))
    op.execute(
        "CREATE TRIGGER source_code_in_codebook"
        " BEFORE INSERT OR UPDATE OF field, code, codebook_version_id"
        f" ON {quoted}.source_code FOR EACH ROW EXECUTE FUNCTION"
        f" {quoted}.annotator_source_code_in_codebook()"
    )
    if _is_team_project():
        for statement in source_policy_statements(quoted):
            op.execute(statement)
        for member in _code_writers():
            role = op.get_bind().dialect.identifier_preparer.quote_identifier(member)
            for statement in source_grant_statements(quoted, role):
                op.execute(statement)


def _is_team_project() -> bool:
    """Row-level security on `code` is what the team setup leaves (team/roles.py)."""
    return bool(
        op.get_bind()
        .execute(
            sa.text(
                "SELECT c.relrowsecurity FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                " ON n.oid = c.relnamespace WHERE n.nspname = :schema AND c.relname = 'code'"
            ),
            {"schema": SCHEMA},
        )
        .scalar()
    )


def _code_writers() -> list[str]:
    """The members who may insert codes: those the team setup granted (team/roles.py)."""
    return list(
        op.get_bind()
        .execute(
            sa.text(
                "SELECT DISTINCT grantee FROM information_schema.role_table_grants"
                " WHERE table_schema = :schema AND table_name = 'code'"
                " AND privilege_type = 'INSERT' AND grantee NOT IN ('PUBLIC', current_user)"
            ),
            {"schema": SCHEMA},
        )
        .scalars()
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    schema = SCHEMA if postgres else None
    if postgres:
        quoted = op.get_bind().dialect.identifier_preparer.quote_identifier(SCHEMA)
        op.execute(f"DROP FUNCTION IF EXISTS {quoted}.annotator_source_code_in_codebook() CASCADE")
    for table in reversed(SOURCE_TABLES):
        op.drop_table(table, schema=schema)
