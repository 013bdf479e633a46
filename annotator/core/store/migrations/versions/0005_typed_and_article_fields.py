"""Codebook format 2: typed fields, article-level fields, checked by the database.

Format 2 codebooks have fields of five types (single and multiple choice, number, short
text, date; core/field_values.py) coded per unit or once per article (on the article's
own unit, store/article_units.py). This migration

- adds `codebook_field`: each stored codebook version's fields with their type, scope
  and limits, filled here from the stored definitions (a format 1 version gives single
  choice, unit scope);
- lets `code.code` hold any type's value (text, no length; SQLite never enforced the
  old 100, PostgreSQL did);
- replaces the check of migration 0003 by one that knows the types and scopes: a code
  must be the stored spelling of a value of its field's type (a category; categories
  joined by ';'; a plain decimal within the bounds; a text within its length; an ISO
  date), and a field of article scope is coded on an article unit only, a unit field on
  a text unit only. A version with no `codebook_field` rows (none are left after this
  migration, but a pull from an older server could bring one) is checked as format 1.

PostgreSQL: the trigger function runs as its owner with a fixed search_path, as in 0003;
the members who read codebook_category are granted codebook_field.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import importlib.util
import json
from pathlib import Path

import sqlalchemy as sa
import sqlmodel
from alembic import op

from annotator.core.store.server_guard import SCHEMA

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MESSAGE = "code not in the project's codebook"

# The field's row, or format 1's meaning when there is none.
_SQLITE_FIELD = (
    "(SELECT {column} FROM codebook_field f"
    " WHERE f.codebook_version_id = NEW.codebook_version_id AND f.field = NEW.field)"
)
_IS_CATEGORY = (
    "EXISTS (SELECT 1 FROM codebook_category k WHERE k.codebook_version_id ="
    " NEW.codebook_version_id AND k.field = NEW.field AND k.code = {code})"
)

_SQLITE_VALID = """
(
    COALESCE({scope}, 'unit') = CASE
        (SELECT u.kind FROM unit u WHERE u.id = NEW.unit_id)
        WHEN 'article' THEN 'article' ELSE 'unit' END
    AND CASE COALESCE({type}, 'single')
        WHEN 'single' THEN {is_category}
        WHEN 'multiple' THEN
            NEW.code <> '' AND NEW.code NOT GLOB '*[^a-z0-9_;]*'
            AND NEW.code NOT LIKE ';%' AND NEW.code NOT LIKE '%;' AND NEW.code NOT LIKE '%;;%'
            AND NOT EXISTS (
                SELECT 1 FROM json_each('["' || replace(NEW.code, ';', '","') || '"]') item
                WHERE NOT {item_is_category}
            )
        WHEN 'number' THEN
            NEW.code GLOB '*[0-9]*' AND NEW.code NOT GLOB '*[^0-9.-]*'
            AND NEW.code NOT GLOB '?*-*' AND NEW.code NOT GLOB '*.*.*'
            AND NEW.code NOT GLOB '*.' AND NEW.code NOT GLOB '-.*' AND NEW.code NOT GLOB '.*'
            AND ({integer} = 0 OR NEW.code NOT GLOB '*.*')
            AND ({minimum} IS NULL OR CAST(NEW.code AS REAL) >= {minimum})
            AND ({maximum} IS NULL OR CAST(NEW.code AS REAL) <= {maximum})
        WHEN 'text' THEN length(NEW.code) BETWEEN 1 AND {max_length}
            AND NEW.code = trim(NEW.code)
        WHEN 'date' THEN NEW.code GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
            AND date(julianday(NEW.code)) IS NEW.code
        ELSE 0 END
)
"""

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.annotator_code_in_codebook() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
    spec record;
    unit_kind text;
    valid boolean;
BEGIN
    SELECT f.type, f.scope, f.minimum, f.maximum, f.integer, f.max_length INTO spec
        FROM {schema}.codebook_field f
        WHERE f.codebook_version_id = NEW.codebook_version_id AND f.field = NEW.field;
    SELECT u.kind INTO unit_kind FROM {schema}.unit u WHERE u.id = NEW.unit_id;
    IF COALESCE(spec.scope, 'unit')
            <> (CASE WHEN unit_kind = 'article' THEN 'article' ELSE 'unit' END) THEN
        valid := false;
    ELSIF COALESCE(spec.type, 'single') = 'single' THEN
        valid := EXISTS (SELECT 1 FROM {schema}.codebook_category k
            WHERE k.codebook_version_id = NEW.codebook_version_id
              AND k.field = NEW.field AND k.code = NEW.code);
    ELSIF spec.type = 'multiple' THEN
        valid := NEW.code ~ '^[a-z][a-z0-9_]*(;[a-z][a-z0-9_]*)*$' AND NOT EXISTS (
            SELECT 1 FROM unnest(string_to_array(NEW.code, ';')) AS item(code)
            WHERE NOT EXISTS (SELECT 1 FROM {schema}.codebook_category k
                WHERE k.codebook_version_id = NEW.codebook_version_id
                  AND k.field = NEW.field AND k.code = item.code));
    ELSIF spec.type = 'number' THEN
        valid := NEW.code ~ '^-?(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?$'
            AND (NOT spec.integer OR position('.' in NEW.code) = 0);
        IF valid THEN
            valid := (spec.minimum IS NULL OR NEW.code::numeric >= spec.minimum::numeric)
                AND (spec.maximum IS NULL OR NEW.code::numeric <= spec.maximum::numeric);
        END IF;
    ELSIF spec.type = 'text' THEN
        valid := char_length(NEW.code) BETWEEN 1 AND spec.max_length
            AND NEW.code = btrim(NEW.code);
    ELSIF spec.type = 'date' THEN
        valid := NEW.code ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$';
        IF valid THEN
            BEGIN
                valid := to_char(NEW.code::date, 'YYYY-MM-DD') = NEW.code;
            EXCEPTION WHEN others THEN
                valid := false;
            END;
        END IF;
    ELSE
        valid := false;
    END IF;
    IF NOT valid THEN
        RAISE EXCEPTION '{message}: field %, code %', NEW.field, left(NEW.code, 100)
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$body$
"""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    schema = SCHEMA if postgres else None
    op.create_table(
        "codebook_field",
        sa.Column("codebook_version_id", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("minimum", sa.Float(), nullable=True),
        sa.Column("maximum", sa.Float(), nullable=True),
        sa.Column("integer", sa.Boolean(), nullable=False),
        sa.Column("max_length", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["codebook_version_id"], ["codebook_version.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("codebook_version_id", "field"),
        schema=schema,
    )
    _fill_fields()
    if postgres:
        quoted = op.get_bind().dialect.identifier_preparer.quote_identifier(SCHEMA)
        # PostgreSQL will not change the type of a column a trigger names: off, then on
        # again (checking the unit too, whose kind now decides a code's scope).
        op.execute(f"DROP TRIGGER IF EXISTS code_in_codebook ON {quoted}.code")
        op.execute(f"ALTER TABLE {quoted}.code ALTER COLUMN code TYPE TEXT")
        op.execute(_POSTGRES_FUNCTION.format(schema=quoted, message=MESSAGE.replace("'", "''")))
        op.execute(
            "CREATE TRIGGER code_in_codebook BEFORE INSERT OR UPDATE OF"
            f" field, code, codebook_version_id, unit_id ON {quoted}.code"
            f" FOR EACH ROW EXECUTE FUNCTION {quoted}.annotator_code_in_codebook()"
        )
        _grant_to_readers(quoted)
    else:
        op.execute("DROP TRIGGER IF EXISTS code_in_codebook_on_insert")
        op.execute("DROP TRIGGER IF EXISTS code_in_codebook_on_update")
        # SQLite never enforced VARCHAR(100), but the declared type is the schema's word.
        with op.batch_alter_table("code") as batch:
            batch.alter_column(
                "code", type_=sa.Text(), existing_type=sa.String(100), existing_nullable=False
            )
        message = MESSAGE.replace("'", "''")
        check = f"WHEN NOT {sqlite_check()} BEGIN SELECT RAISE(ABORT, '{message}'); END"
        op.execute(f"CREATE TRIGGER code_in_codebook_on_insert BEFORE INSERT ON code {check}")
        op.execute(
            "CREATE TRIGGER code_in_codebook_on_update"
            f" BEFORE UPDATE OF field, code, codebook_version_id, unit_id ON code {check}"
        )


def sqlite_check() -> str:
    """The condition a code row must meet, as SQLite reads it in a trigger."""
    return _SQLITE_VALID.format(
        scope=_SQLITE_FIELD.format(column="scope"),
        type=_SQLITE_FIELD.format(column="type"),
        integer=_SQLITE_FIELD.format(column='"integer"'),
        minimum=_SQLITE_FIELD.format(column="minimum"),
        maximum=_SQLITE_FIELD.format(column="maximum"),
        max_length=_SQLITE_FIELD.format(column="max_length"),
        is_category=_IS_CATEGORY.format(code="NEW.code"),
        item_is_category=_IS_CATEGORY.format(code="item.value"),
    )


def _fill_fields() -> None:
    """The fields of every stored codebook version, read from its definition's JSON."""
    bind = op.get_bind()
    versions = bind.execute(sa.text("SELECT id, definition FROM codebook_version")).all()
    rows = [
        {
            "codebook_version_id": version_id,
            "field": field["key"],
            "type": field.get("type", "single"),
            "scope": field.get("scope", "unit"),
            "minimum": field.get("minimum"),
            "maximum": field.get("maximum"),
            "integer": bool(field.get("integer", False)),
            "max_length": int(field.get("max_length", 200)),
        }
        for version_id, definition in versions
        for field in json.loads(str(definition))["fields"]
    ]
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO codebook_field (codebook_version_id, field, type, scope, minimum,"
                ' maximum, "integer", max_length) VALUES (:codebook_version_id, :field, :type,'
                " :scope, :minimum, :maximum, :integer, :max_length)"
            ),
            rows,
        )


def _grant_to_readers(quoted: str) -> None:
    """Members who read codebook_category read codebook_field (a pull copies it)."""
    readers: list[str] = list(
        op.get_bind()
        .execute(
            sa.text(
                "SELECT DISTINCT grantee FROM information_schema.role_table_grants"
                " WHERE table_schema = :schema AND table_name = 'codebook_category'"
                " AND privilege_type = 'SELECT' AND grantee NOT IN ('PUBLIC', current_user)"
            ),
            {"schema": SCHEMA},
        )
        .scalars()
    )
    for reader in readers:
        role = op.get_bind().dialect.identifier_preparer.quote_identifier(reader)
        op.execute(f"GRANT SELECT ON {quoted}.codebook_field TO {role}")


def downgrade() -> None:
    """Back to 0003's check of categories only (codes of other types would fail it on
    their next update; the migration backup is the way back for a project that has any)."""
    previous = _revision_0003()
    if op.get_bind().dialect.name == "postgresql":
        quoted = op.get_bind().dialect.identifier_preparer.quote_identifier(SCHEMA)
        function = previous._POSTGRES_FUNCTION.replace(
            "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
        )
        op.execute(function.format(schema=quoted, message=MESSAGE.replace("'", "''")))
    else:
        op.execute("DROP TRIGGER IF EXISTS code_in_codebook_on_insert")
        op.execute("DROP TRIGGER IF EXISTS code_in_codebook_on_update")
        previous._sqlite_triggers()
    op.drop_table(
        "codebook_field", schema=SCHEMA if op.get_bind().dialect.name == "postgresql" else None
    )


def _revision_0003():
    """Migration 0003's module (its file name starts with a digit: no plain import)."""
    path = next(Path(__file__).parent.glob("0003_*.py"))
    spec = importlib.util.spec_from_file_location("revision_0003", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
