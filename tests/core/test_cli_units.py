"""`annotator unit split|merge|kind` and the one-line `annotator units` listing."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from annotator.cli import EXIT_USER_ERROR, main
from annotator.core.codebook import bundled_codebook, parse_codebook
from annotator.core.coding.lookups import list_units
from annotator.core.errors import CodebookError, CodingError
from annotator.core.ingest.corrections import set_kind
from annotator.core.ingest.documents import one_line
from annotator.core.store.project import Project

PASTED = Path(__file__).resolve().parents[1] / "data" / "pasted"


@pytest.fixture
def pasted_file(project_location) -> str:
    location = str(project_location("pasted.annotator"))
    assert main(["new", location]) == 0
    files = [PASTED / "ferry-strike-pasted.txt", PASTED / "pdf-hyphenated.txt"]
    assert main(["import", location, *map(str, files)]) == 0
    return location


def units_of(location: str, article: str = "ferry-strike-pasted") -> list[tuple[str, str]]:
    with Project.open(location) as project:
        return [(row.kind, row.text) for row in list_units(project, article)]


def test_split_before_a_text_and_merge_back(pasted_file, capsys):
    before = units_of(pasted_file)
    argv = ["unit", "split", pasted_file, "ferry-strike-pasted#2", "--before", "halting"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "ferry-strike-pasted#3" in out and "halting all sailings" in out
    after = units_of(pasted_file)
    assert after[1] == ("sentence", "HELSBY, May 12 - Ferry crews walked out at dawn on Wednesday,")
    assert after[2][1].startswith("halting all sailings") and len(after) == len(before) + 1
    assert main(["unit", "merge", pasted_file, "ferry-strike-pasted#2"]) == 0
    assert units_of(pasted_file) == before


def test_split_at_a_position_in_the_unit(pasted_file):
    assert main(["unit", "split", pasted_file, "ferry-strike-pasted#1", "--at", "11"]) == 0
    assert units_of(pasted_file)[:2] == [
        ("title", "Ferry crews"),
        ("title", "strike over new rota as island routes halt"),
    ]


def test_change_kind_of_furniture_taken_wrongly(pasted_file, capsys):
    assert units_of(pasted_file)[2] == ("furniture", "Share")
    assert main(["unit", "kind", pasted_file, "ferry-strike-pasted#3", "sentence"]) == 0
    assert units_of(pasted_file)[2] == ("sentence", "Share")
    assert main(["unit", "kind", pasted_file, "ferry-strike-pasted#3", "sentence"]) == 0
    assert "already a sentence" in capsys.readouterr().out


def test_a_coded_unit_is_refused_with_one_clear_line(pasted_file, capsys):
    assert (
        main(["code", pasted_file, "--coder", "ana", "ferry-strike-pasted#2", "claim_type=fact"])
        == 0
    )
    capsys.readouterr()
    before = units_of(pasted_file)
    for argv in (
        ["split", pasted_file, "ferry-strike-pasted#2", "--at", "5"],
        ["merge", pasted_file, "ferry-strike-pasted#1"],  # its neighbour is coded
        ["kind", pasted_file, "ferry-strike-pasted#2", "heading"],
    ):
        assert main(["unit", *argv]) == EXIT_USER_ERROR
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
        assert "ferry-strike-pasted#2 has codes or notes" in err
    assert units_of(pasted_file) == before


def test_bad_cuts_are_refused(pasted_file, capsys):
    for where in (["--at", "0"], ["--at", "999"], ["--before", "no such words"]):
        assert main(["unit", "split", pasted_file, "ferry-strike-pasted#2", *where]) == 2
        assert "not changed" in capsys.readouterr().err
    assert main(["unit", "merge", pasted_file, "ferry-strike-pasted#15"]) == 2
    assert "last of its article" in capsys.readouterr().err


def test_furniture_can_never_be_a_kind_to_code(empty_project):
    data = bundled_codebook().model_dump(mode="json") | {"coded_kinds": ["sentence", "furniture"]}
    with pytest.raises(CodebookError, match="never coded"):
        parse_codebook(data)
    with pytest.raises(CodingError, match="unknown unit kind"):
        set_kind(empty_project, 1, "caption")


def test_units_listing_is_one_line_per_unit_cut_to_the_terminal(pasted_file, capsys, monkeypatch):
    capsys.readouterr()
    assert main(["units", pasted_file, "--article", "pdf-hyphenated"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(units_of(pasted_file, "pdf-hyphenated"))
    assert "Monday, ⏎ estimates that" in lines[1] and not lines[1].endswith("…")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a: shutil.os.terminal_size((60, 20)))
    assert main(["units", pasted_file, "--article", "pdf-hyphenated"]) == 0
    narrow = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 60 for line in narrow) and narrow[1].endswith("…")
    assert main(["units", pasted_file, "--article", "pdf-hyphenated", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert "Monday,\nestimates" in listed[1]["text"]


def test_one_line_marks_line_breaks_and_cuts() -> None:
    assert one_line("a\r\n  b\n\nc") == "a ⏎ b ⏎ c"
    assert one_line("abcdef", 4) == "abc…"
    assert one_line("abc", 4) == "abc"
