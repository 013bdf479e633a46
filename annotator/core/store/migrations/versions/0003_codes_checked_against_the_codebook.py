"""Codes checked against the codebook by the database itself.

The application only ever writes codes its codebook has, but a team member with psql
(her own rows are hers to write) or anyone editing a file project could write others,
and one such code would break agreement for a whole field. A new table lists the
(field, code) pairs each codebook version allows, filled here from the stored
definitions, and a trigger refuses any code row that is not among them, on insert and
on update, on SQLite and PostgreSQL alike. Rows written before this migration are left
as they are; readers skip and count the ones that fail (coding.codebook_check).

On PostgreSQL the trigger's function runs with its owner's rights (a coder may not be
granted SELECT on a table made after she joined) and so, like every function of a
team project, with a fixed search_path (pg_catalog, then pg_temp last) and the table
named with its schema: nothing a member might plant elsewhere is ever looked up. The
members who may read the codebook may read the new table too (a supervisor's pull
copies it).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MESSAGE = "code not in the project's codebook"

_SQLITE_CHECK = """
WHEN NOT EXISTS (
    SELECT 1 FROM codebook_category k
    WHERE k.codebook_version_id = NEW.codebook_version_id
      AND k.field = NEW.field AND k.code = NEW.code
)
BEGIN SELECT RAISE(ABORT, '{message}'); END
"""

_POSTGRES_FUNCTION = """
CREATE FUNCTION {schema}.annotator_code_in_codebook() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM {schema}.codebook_category k
        WHERE k.codebook_version_id = NEW.codebook_version_id
          AND k.field = NEW.field AND k.code = NEW.code
    ) THEN
        RAISE EXCEPTION '{message}: field %, code %', NEW.field, NEW.code
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$body$
"""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    schema = _project_schema() if postgres else None
    op.create_table(
        "codebook_category",
        sa.Column("codebook_version_id", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["codebook_version_id"], ["codebook_version.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("codebook_version_id", "field", "code"),
        schema=schema,
    )
    _fill_categories()
    if schema is not None:
        _postgres_trigger(schema)
    else:
        _sqlite_triggers()


def _project_schema() -> str:
    """The PostgreSQL schema that holds the project's tables.

    New objects must be created there by name: a team project's connections search
    pg_catalog first (store/server_guard.py), so an unqualified CREATE would aim at pg_catalog
    (current_schema() names it too) and be refused.
    """
    query = (
        "SELECT n.nspname FROM pg_catalog.pg_class c"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.oid = 'code'::regclass"
    )
    return op.get_bind().execute(sa.text(query)).scalar_one()


def _fill_categories() -> None:
    """The pairs of every stored codebook version, read from its definition's JSON."""
    bind = op.get_bind()
    versions = bind.execute(sa.text("SELECT id, definition FROM codebook_version")).all()
    rows = [
        {"codebook_version_id": version_id, "field": field["key"], "code": category["code"]}
        for version_id, definition in versions
        for field in json.loads(str(definition))["fields"]
        for category in field["categories"]
    ]
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO codebook_category (codebook_version_id, field, code)"
                " VALUES (:codebook_version_id, :field, :code)"
            ),
            rows,
        )


def _sqlite_triggers() -> None:
    check = _SQLITE_CHECK.format(message=MESSAGE.replace("'", "''"))
    op.execute(f"CREATE TRIGGER code_in_codebook_on_insert BEFORE INSERT ON code {check}")
    op.execute(
        "CREATE TRIGGER code_in_codebook_on_update"
        f" BEFORE UPDATE OF field, code, codebook_version_id ON code {check}"
    )


def _postgres_trigger(schema: str) -> None:
    quoted = op.get_bind().dialect.identifier_preparer.quote_identifier(schema)
    op.execute(_POSTGRES_FUNCTION.format(schema=quoted, message=MESSAGE.replace("'", "''")))
    op.execute(f"REVOKE ALL ON FUNCTION {quoted}.annotator_code_in_codebook() FROM PUBLIC")
    op.execute(
        "CREATE TRIGGER code_in_codebook"
        " BEFORE INSERT OR UPDATE OF field, code, codebook_version_id ON code"
        f" FOR EACH ROW EXECUTE FUNCTION {quoted}.annotator_code_in_codebook()"
    )
    readers: list[str] = list(
        op.get_bind()
        .execute(
            sa.text(
                "SELECT DISTINCT grantee FROM information_schema.role_table_grants"
                " WHERE table_schema = :schema AND table_name = 'codebook_version'"
                " AND privilege_type = 'SELECT' AND grantee NOT IN ('PUBLIC', current_user)"
            ),
            {"schema": schema},
        )
        .scalars()
    )
    for reader in readers:
        role = op.get_bind().dialect.identifier_preparer.quote_identifier(reader)
        op.execute(f"GRANT SELECT ON {quoted}.codebook_category TO {role}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS code_in_codebook ON code")
        op.execute("DROP FUNCTION IF EXISTS annotator_code_in_codebook()")
    else:
        op.execute("DROP TRIGGER IF EXISTS code_in_codebook_on_insert")
        op.execute("DROP TRIGGER IF EXISTS code_in_codebook_on_update")
    op.drop_table("codebook_category")
