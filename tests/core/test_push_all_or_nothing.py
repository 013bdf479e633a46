"""`annotator push` is all or nothing (issue 14): a push that fails says why in one line
(never article text), leaves the server database empty, and the same push works once the
cause is fixed."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy.engine import make_url

from annotator.core.codebook import bundled_codebook
from annotator.core.ingest.into_project import import_paths
from annotator.core.store import transfer
from annotator.core.store.project import Project
from tests.conftest import SAMPLE_TEXTS, run_annotator

pytestmark = pytest.mark.postgres

SECRET = "Ministry officials whispered"  # article text that must never reach a message


def _tables(url: str) -> list[str]:
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return [name for (name,) in rows]


def _file_with_a_nul(path) -> str:
    """A file project whose first article's text (and a unit's) holds a NUL, as a UTF-16
    file imported before the importer looked for NULs there could leave it."""
    project = Project.create(path, bundled_codebook())
    import_paths(project, SAMPLE_TEXTS)
    project.close()
    with sqlite3.connect(path) as connection:
        key, text = connection.execute("SELECT key, text FROM article WHERE id = 1").fetchone()
        first = text.index(".")
        nul = text[:first] + f" {SECRET}\x00." + text[first + 1 :]
        connection.execute("UPDATE article SET text = ? WHERE id = 1", [nul])
        connection.execute(
            "UPDATE unit SET text = text || ? WHERE article_id = 1 AND idx = 2", [f"{SECRET}\x00"]
        )
    connection.close()
    return key


def test_a_nul_is_refused_in_one_line_and_a_fixed_push_goes_through(tmp_path, new_database):
    path = tmp_path / "nul.annotator"
    key = _file_with_a_nul(path)
    result = run_annotator("push", str(path), new_database)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"article(s) {key} hold NUL characters" in lines[0]
    assert SECRET not in result.stderr and "Traceback" not in result.stderr
    assert _tables(new_database) == []  # nothing written: a retry is not refused as "not empty"

    with sqlite3.connect(path) as connection:  # the user fixes the text
        for table in ("article", "unit"):
            rows = connection.execute(f"SELECT id, text FROM {table}").fetchall()
            fixed = [(text.replace("\x00", ""), id_) for id_, text in rows if "\x00" in text]
            connection.executemany(f"UPDATE {table} SET text = ? WHERE id = ?", fixed)
    connection.close()
    result = run_annotator("push", str(path), new_database)
    assert result.returncode == 0, result.stderr
    assert "pushed" in result.stdout
    with Project.open(new_database) as pushed:
        assert pushed.summary()["articles"] == len(SAMPLE_TEXTS)


def test_a_failure_while_copying_leaves_the_database_empty(tmp_path, new_database, monkeypatch):
    """Any failure in the middle (here the server refuses a row) rolls the schema back too."""
    path = tmp_path / "fine.annotator"
    Project.create(path, bundled_codebook()).close()
    with Project.open(path) as project:
        import_paths(project, SAMPLE_TEXTS[:1])
    copy_table = transfer._copy_table

    def failing(reader, writer, table):
        if table.name == "unit":
            writer.exec_driver_sql("SELECT 1/0")  # a database error after some tables are in
        return copy_table(reader, writer, table)

    monkeypatch.setattr(transfer, "_copy_table", failing)
    with pytest.raises(Exception, match=r"push failed, nothing was written \(division by zero\)"):
        transfer.push(path, new_database)
    assert _tables(new_database) == []
    monkeypatch.undo()
    transfer.push(path, new_database)
    assert "article" in _tables(new_database)
