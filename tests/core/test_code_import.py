"""import-codes: round trips, equivalence with coding by hand, all or nothing, clear errors."""

from __future__ import annotations

import tracemalloc

import pytest
import test_export_support as support
from sqlmodel import select

from annotator import cli
from annotator.core.codebook import bundled_codebook
from annotator.core.coding import codes_from_csv, lookups
from annotator.core.coding import service as coding
from annotator.core.coding.codes_from_csv import import_codes, read_coded_rows, write_codes
from annotator.core.errors import InputError
from annotator.core.export import ExportOptions, export
from annotator.core.ingest.corrections import split_unit
from annotator.core.ingest.documents import ParsedArticle, join_blocks
from annotator.core.ingest.into_project import ImportReport, store_articles
from annotator.core.store.models import Code, Coder, History
from annotator.core.store.project import Project


@pytest.fixture
def coded(project_location):
    project = support.hostile_project(project_location("coded.annotator"))
    yield project
    project.close()


@pytest.fixture
def fresh(project_location):
    project = support.hostile_articles(project_location("fresh.annotator"))
    yield project
    project.close()


@pytest.mark.parametrize("mode", ["codes", "values", "labels"])
def test_a_long_export_imports_back_unchanged(coded, fresh, tmp_path, mode):
    path = tmp_path / "long.csv"
    export(coded, path, ExportOptions("long", mode), bom=mode == "labels")
    report = import_codes(fresh, path)
    assert support.db_codes(fresh) == support.db_codes(coded)
    assert report.added == len(support.db_codes(coded)) and report.changed == 0
    again = import_codes(fresh, path)
    assert again.added == again.changed == 0 and again.unchanged == report.added


def table(project, model, columns):
    with project.reading() as session:
        rows = session.exec(select(*[getattr(model, c) for c in columns])).all()
    return sorted((tuple(row) for row in rows), key=repr)


def test_bulk_path_writes_what_apply_codes_writes(coded, project_location, tmp_path):
    path = tmp_path / "long.csv"
    export(coded, path, ExportOptions("long"))
    by_bulk = support.hostile_articles(project_location("bulk.annotator"))
    by_hand = support.hostile_articles(project_location("hand.annotator"))
    unit = lookups.find_unit(by_bulk, "hostile#2").id
    for project in (by_bulk, by_hand):  # one code to change, one to keep
        coding.apply_codes(project, "alice", unit, {"attribution": "cannot", "tone": "pos"})
    rows = read_coded_rows(by_bulk, path)
    write_codes(by_bulk, rows)
    for row in rows:
        if row.codes:
            coding.apply_codes(by_hand, row.coder, row.unit.id, row.codes, origin="import")
        if row.note:
            coding.set_note(by_hand, row.coder, row.unit.id, row.note, origin="import")
    code_columns = ["unit_id", "field", "code", "codebook_version_id"]
    history_columns = [
        "article_sha256",
        "start",
        "end",
        "coder",
        "target",
        "old",
        "new",
        "codebook_version_id",
        "origin",
    ]
    assert table(by_bulk, Code, code_columns) == table(by_hand, Code, code_columns)
    assert table(by_bulk, History, history_columns) == table(by_hand, History, history_columns)
    assert table(by_bulk, Coder, ["name", "role"]) == table(by_hand, Coder, ["name", "role"])
    for project in (by_bulk, by_hand):
        project.close()


def write(tmp_path, text: str, name="codes.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_all_or_nothing(fresh, tmp_path):
    path = write(
        tmp_path,
        "unit_key,coder,attribution\r\nhostile#2,alice,named\r\n"
        "hostile#3,alice,Named\r\nhostile#4,alice,nonsense\r\n",
    )
    with pytest.raises(InputError, match=r"codes\.csv, row 4: field 'attribution' has no code"):
        import_codes(fresh, path)
    assert support.db_codes(fresh) == set()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("unit_key,coder,atribution\r\nhostile#2,a,named\r\n", "unknown column 'atribution'"),
        ("coder,attribution\r\na,named\r\n", "no 'unit_key' column"),
        ("unit_key,attribution\r\nhostile#2,named\r\n", "no 'coder' column"),
        ("unit_key,coder,text\r\nhostile#2,a,x\r\n", "no codebook field or .note. column"),
        ("unit_key,coder,attribution\r\nnope#9,a,named\r\n", "row 2: no unit 'nope#9'"),
        ("unit_key,coder,attribution\r\nhostile#2,,named\r\n", "row 2: no coder name"),
        ("unit_key,coder,attribution\r\nhostile#2,a\r\n", "row 2: 2 cells where the header has 3"),
        (
            "unit_key,coder,attribution\r\nhostile#2,a,named\r\nhostile#2,a,none\r\n",
            "row 3: unit and coder already given on row 2",
        ),
        ("unit_key,coder,attribution\r\nx,a,bad\r\ny,a,bad\r\n", r"\(and 1 more problem\(s\)\)"),
        ("", "empty file"),
    ],
)
def test_errors_name_the_file_row_and_reason(fresh, tmp_path, text, message):
    with pytest.raises(InputError, match=message) as caught:
        import_codes(fresh, write(tmp_path, text))
    assert str(caught.value).startswith(str(tmp_path / "codes.csv"))
    assert "\n" not in str(caught.value)


def test_not_utf8_and_missing_files_are_refused(fresh, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("unit_key,coder,attribution\nhostile#2,Zoë,named\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        import_codes(fresh, path)
    with pytest.raises(InputError, match="no such file"):
        import_codes(fresh, tmp_path / "missing.csv")


def test_coder_option_and_semicolons_and_empty_cells(fresh, tmp_path):
    path = write(tmp_path, "unit_key;attribution;tone\r\nhostile#2;3;\r\nhostile#3;;-1.5\r\n")
    report = import_codes(fresh, path, coder="dana")
    assert support.db_codes(fresh) == {
        ("hostile#2", "dana", "attribution", "none"),
        ("hostile#3", "dana", "tone", "neg"),
    }
    assert report.summary().startswith("imported 2 row(s): 2 code(s) added")
    clash = write(tmp_path, "unit_key,coder,tone\r\nhostile#2,eve,neg\r\n", "clash.csv")
    with pytest.raises(InputError, match="differs from --coder"):
        import_codes(fresh, clash, coder="dana")


def test_history_records_the_import(fresh, tmp_path):
    import_codes(fresh, write(tmp_path, "unit_key,coder,tone\r\nhostile#2,ann,pos\r\n"))
    [entry] = coding.unit_history(fresh, lookups.find_unit(fresh, "hostile#2").id)
    assert (entry.coder, entry.target, entry.old, entry.new, entry.origin) == (
        "ann",
        "tone",
        None,
        "pos",
        "import",
    )


def test_cli_round_trip(coded, fresh, tmp_path, capsys):
    out = tmp_path / "long.csv"
    assert cli.main(["export", str(coded.path), "--layout", "long", "-o", str(out)]) == 0
    assert cli.main(["import-codes", str(fresh.path), str(out)]) == 0
    assert "code(s) added" in capsys.readouterr().out
    assert support.db_codes(fresh) == support.db_codes(coded)
    bad = write(tmp_path, "unit_key,coder,tone\r\nhostile#2,ann,loud\r\n")
    assert cli.main(["import-codes", str(fresh.path), str(bad)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"annotator: {bad}, row 2: field 'tone'") and error.count("\n") == 1


def db_notes(project) -> set[tuple[str, str, str]]:
    """Every note as (unit key, coder, text)."""
    from annotator.core.store.models import Article, Note, Unit

    with project.reading() as session:
        rows = session.exec(
            select(Article.key, Unit.idx, Coder.name, Note.text)
            .join(Unit, Unit.id == Note.unit_id)
            .join(Article, Article.id == Unit.article_id)
            .join(Coder, Coder.id == Note.coder_id)
        ).all()
    return {(f"{key}#{idx}", coder, text) for key, idx, coder, text in rows}


def test_notes_come_back_with_the_codes(coded, fresh, tmp_path):
    """Issue 17: the note column of a long export is imported (it used to be dropped),
    through the coding service's set_note, with history; hostile text survives."""
    notes = db_notes(coded)
    assert len(notes) == 2 and any(text.startswith("-") for _, _, text in notes)
    path = tmp_path / "long.csv"
    export(coded, path, ExportOptions("long"))
    report = import_codes(fresh, path)
    assert db_notes(fresh) == notes
    assert (report.notes_added, report.notes_changed) == (2, 0)
    assert "notes: 2 added, 0 changed, 0 unchanged" in report.summary()
    with fresh.reading() as session:
        trail = session.exec(select(History).where(History.target == "#note")).all()
    assert {(h.new, h.origin) for h in trail} == {(text, "import") for _, _, text in notes}
    again = import_codes(fresh, path)
    assert (again.notes_added, again.notes_changed, again.notes_unchanged) == (0, 0, 2)


def test_a_note_alone_is_a_row_and_an_empty_note_keeps_the_old_one(fresh, tmp_path):
    import_codes(fresh, write(tmp_path, "unit_key,coder,note\r\nhostile#2,ann,first look\r\n"))
    assert db_notes(fresh) == {("hostile#2", "ann", "first look")}
    changed = import_codes(
        fresh,
        write(
            tmp_path,
            "unit_key,coder,tone,note\r\nhostile#2,ann,pos,\r\nhostile#3,ann,,second\r\n",
            "more.csv",
        ),
    )
    assert db_notes(fresh) == {("hostile#2", "ann", "first look"), ("hostile#3", "ann", "second")}
    assert (changed.added, changed.notes_added) == (1, 1)


def test_rows_whose_text_is_not_the_units_are_refused(coded, fresh, tmp_path):
    """Issue 21: after a unit split, `hostile#3` names another sentence than in the export;
    the codes went onto it without a word. Now nothing is imported and the row is named."""
    path = tmp_path / "long.csv"
    export(coded, path, ExportOptions("long"))
    unit = lookups.find_unit(fresh, "hostile#2")
    split_unit(fresh, unit.id, unit.text.index(" wrote"), within_unit=True)
    with pytest.raises(InputError, match=r"long\.csv, row \d+: the text of unit 'hostile#2'"):
        import_codes(fresh, path)
    assert support.db_codes(fresh) == set() and db_notes(fresh) == set()


def test_text_is_compared_whatever_its_spacing(fresh, tmp_path):
    text = lookups.find_unit(fresh, "hostile#9").text  # "over\ntwo lines"
    other = lookups.find_unit(fresh, "hostile#2").text
    respaced = " ".join(text.split()).replace(" ", "  ")
    path = write(
        tmp_path,
        f'unit_key,coder,text,tone\r\nhostile#9,ann,"{respaced}",pos\r\n'
        f'hostile#3,ann,"{other.replace(chr(34), chr(34) * 2)}",pos\r\n',
    )
    with pytest.raises(InputError, match="row 3: the text of unit 'hostile#3'"):
        import_codes(fresh, path)
    path = write(tmp_path, f'unit_key,coder,text,tone\r\nhostile#9,ann,"{respaced}",pos\r\n')
    assert import_codes(fresh, path).added == 1


def test_a_notes_leading_tab_and_quotes_come_back_exactly(coded, fresh, tmp_path):
    """Issue 27: the note's leading tab was stripped on the way back; a note that itself
    began with a quote and a trigger lost its quote."""
    units = lookups.list_units(coded)
    notes = {units[3].id: "\tindented, as typed", units[4].id: "'=not a neutralised note"}
    for unit_id, note in notes.items():
        coding.set_note(coded, "alice", unit_id, note)
    path = tmp_path / "long.csv"
    export(coded, path, ExportOptions("long"))
    assert "\tindented, as typed" in {text for _, _, text in db_notes(coded)}
    import_codes(fresh, path)
    assert db_notes(fresh) == db_notes(coded)


def test_an_export_with_a_200_kb_unit_and_note_reads_back(project_location, tmp_path):
    """csv's default cell limit (131,072 characters) refused the exporter's own file."""
    long_text = "word " * 40_000 + "end."
    projects = []
    for name in ("source", "target"):
        project = Project.create(project_location(f"{name}.annotator"), bundled_codebook())
        body, blocks = join_blocks([("title", "Long"), ("paragraph", long_text)])
        article = ParsedArticle(
            text=body, blocks=blocks, title="Long", key_hint="long", source="l.txt"
        )
        store_articles(project, [article], ImportReport())
        projects.append(project)
    source, target = projects
    unit = lookups.find_unit(source, "long#2")
    assert len(unit.text) > 200_000
    coding.apply_codes(source, "ann", unit.id, {"claim_type": "fact"})
    coding.set_note(source, "ann", unit.id, "n" * 200_000)
    path = tmp_path / "long.csv"
    export(source, path, ExportOptions("long"))
    assert import_codes(target, path).added == 1
    assert db_notes(target) == db_notes(source)
    for project in projects:
        project.close()


def test_reading_streams_the_file(fresh, tmp_path):
    """Issue 21: a 200 MB file took 1.4 GB (the whole file as bytes, then as text, then as
    a StringIO). Now what is held is the rows' codes: a 20 MB file of long passed-over
    cells peaks at a small part of its size."""
    path = tmp_path / "big.csv"
    cell = "t" * 100_000
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("unit_key,coder,title,tone\r\n")
        for n in range(200):
            stream.write(f"hostile#2,c{n},{cell},pos\r\n")
    tracemalloc.start()
    try:
        rows = read_coded_rows(fresh, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(rows) == 200
    assert peak < path.stat().st_size / 10, f"peak {peak:,} bytes"


def test_files_over_the_limit_and_bad_lines_are_one_line(fresh, tmp_path, monkeypatch):
    path = write(tmp_path, "unit_key,coder,tone\r\nhostile#2,ann,pos\r\n")
    monkeypatch.setattr(codes_from_csv, "MAX_FILE_BYTES", 20)
    with pytest.raises(InputError, match=r"codes\.csv: too large \(40 bytes; the limit is 20\)"):
        import_codes(fresh, path)
    monkeypatch.undo()
    path.write_bytes(b"unit_key,coder,tone\r\nhostile#2,ann,pos\r\nhostile#3,Zo\xeb,pos\r\n")
    with pytest.raises(InputError, match=r"not UTF-8 text \(line 3, byte 13\)"):
        import_codes(fresh, path)
    assert support.db_codes(fresh) == set()
    with pytest.raises(InputError, match="not a regular file"):
        import_codes(fresh, tmp_path)


def test_old_mac_line_ends_are_read(fresh, tmp_path):
    path = write(tmp_path, "unit_key,coder,tone\rhostile#2,ann,pos\rhostile#3,ann,neg\r")
    assert import_codes(fresh, path).added == 2


def test_cli_names_the_file_and_row_of_a_text_mismatch(fresh, tmp_path, capsys):
    path = write(tmp_path, "unit_key,coder,text,tone\r\nhostile#2,ann,another sentence.,pos\r\n")
    assert cli.main(["import-codes", str(fresh.path), str(path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"annotator: {path}, row 2: the text of unit 'hostile#2'")
    assert error.count("\n") == 1 and support.db_codes(fresh) == set()
