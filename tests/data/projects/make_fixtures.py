# ruff: noqa: E501
"""Writes project-v0001.annotator: a project as schema 0001 (the first release) left it.

Kept as a script beside the fixture so the fixture can be re-made and read; the
binary file itself is committed, as TagStudio does, so that later schema changes
are always tested against a database written by the old code path.
Run: .venv/bin/python tests/data/projects/make_fixtures.py
"""

from pathlib import Path

from annotator.core.codebook import bundled_codebook
from annotator.core.store import db

HERE = Path(__file__).resolve().parent
TEXT = "Talks resume\n\nOfficials said talks resume. Nobody knows more."


def main() -> None:
    target = HERE / "project-v0001.annotator"
    target.unlink(missing_ok=True)
    engine = db.make_engine(target, immediate=True)
    db.upgrade(engine, "0001")
    book = bundled_codebook()
    with engine.begin() as conn:  # raw SQL on purpose: the models now describe a newer schema
        run = conn.exec_driver_sql
        run("INSERT INTO project_setting VALUES ('name', 'Old project')")
        run(
            "INSERT INTO codebook_version (id, name, version, definition, added_at) "
            "VALUES (1, ?, ?, ?, '2026-01-01 10:00:00')",
            (book.name, book.version, book.to_json()),
        )
        run(
            "INSERT INTO article (id, key, sha256, title, metadata_json, text, imported_at) "
            "VALUES (1, 'talks', 'a1b2', 'Talks resume', '{}', ?, '2026-01-01 10:00:00')",
            (TEXT,),
        )
        for idx, (kind, start, end) in enumerate(
            [("title", 0, 12), ("sentence", 14, 42), ("sentence", 43, 62)], 1
        ):
            run(
                'INSERT INTO unit (article_id, idx, kind, start, "end", text) VALUES (1, ?, ?, ?, ?, ?)',
                (idx, kind, start, end, TEXT[start:end]),
            )
        run(
            "INSERT INTO coder (id, name, role, created_at) VALUES (1, 'alice', 'coder', '2026-01-01 10:00:00')"
        )
        run(
            "INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id, coded_at) "
            "VALUES (2, 1, 'attribution', 'anonymous_vague', 1, '2026-01-01 10:05:00')"
        )
        run(
            'INSERT INTO history (article_sha256, start, "end", coder, target, old, new, codebook_version_id, at) '
            "VALUES ('a1b2', 14, 42, 'alice', 'attribution', NULL, 'anonymous_vague', 1, '2026-01-01 10:05:00')"
        )
    engine.dispose()
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
