"""Commands that show other coders' codes ask for the supervisor passphrase where one is
set: `units --coder`, `export`, `agreement`, `merge` on a project (issue 14) and the
listing of coders' source lists (`sources`, issue 24)."""

from __future__ import annotations

import io

import pytest

from annotator import cli
from annotator.cli.passphrase import ENVIRONMENT
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.supervision.passphrase import set_supervisor_passphrase

PASSPHRASE = "harbour lights"


@pytest.fixture
def guarded(sample_project, monkeypatch):
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    unit = next(u for u in list_units(sample_project) if u.kind == "sentence")
    for coder, code in (("ann", "named_person"), ("bob", "unattributed")):
        coding.apply_codes(sample_project, coder, unit.id, {"attribution": code})
    assert (
        cli.main(
            [
                "sources",
                str(sample_project.path),
                "--article",
                unit.key.split("#")[0],
                "--coder",
                "bob",
                "--new",
                "unattributed claims desk",
            ]
        )
        == 0
    )
    set_supervisor_passphrase(sample_project, PASSPHRASE)
    return str(sample_project.path)


def commands(path: str, tmp_path) -> list[list[str]]:
    return [
        ["units", path, "--coder", "bob"],
        ["export", path, "-o", str(tmp_path / "out.csv")],
        ["agreement", path, "--bootstrap", "0"],
        ["sources", path, "--article", "border-talks"],
        ["sources", path, "--article", "border-talks", "--coder", "bob", "--json"],
    ]


def test_a_wrong_or_missing_passphrase_shows_nothing(guarded, tmp_path, monkeypatch, capsys):
    for argv in commands(guarded, tmp_path):
        monkeypatch.setattr("sys.stdin", io.StringIO("guess\n"))
        assert cli.main(argv) == cli.EXIT_USER_ERROR
        out, err = capsys.readouterr()
        assert "wrong supervisor passphrase" in err and "unattributed" not in out
    assert not (tmp_path / "out.csv").exists()


def test_the_right_passphrase_lets_them_run(guarded, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSPHRASE}\n"))
    assert cli.main(commands(guarded, tmp_path)[0]) == 0
    assert "attribution=unattributed" in capsys.readouterr().out
    monkeypatch.setenv(ENVIRONMENT, PASSPHRASE)  # as scripts give it
    assert cli.main(commands(guarded, tmp_path)[1]) == 0
    assert "unattributed" in (tmp_path / "out.csv").read_text(encoding="utf-8")


def test_merging_a_guarded_file_into_a_new_project_needs_its_passphrase(
    guarded, tmp_path, monkeypatch, capsys
):
    """`annotator new mine && annotator merge mine shared` must not copy every coder's codes
    out of a project whose passphrase was not given (issue 21)."""
    mine = str(tmp_path / "mine.annotator")
    assert cli.main(["new", mine]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("guess\n"))
    assert cli.main(["merge", mine, guarded]) == cli.EXIT_USER_ERROR
    assert "wrong supervisor passphrase" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli.main(["merge", mine, guarded, "--dry-run"]) == cli.EXIT_USER_ERROR
    monkeypatch.setenv(ENVIRONMENT, PASSPHRASE)
    assert cli.main(["export", mine, "-o", str(tmp_path / "mine.csv")]) == 0
    assert "unattributed" not in (tmp_path / "mine.csv").read_text(encoding="utf-8")
    assert cli.main(["merge", mine, guarded]) == 0
    assert cli.main(["export", mine, "-o", str(tmp_path / "mine.csv")]) == 0
    assert "unattributed" in (tmp_path / "mine.csv").read_text(encoding="utf-8")


def test_code_does_not_show_another_coders_earlier_code(guarded, monkeypatch, capsys):
    """Anyone may code under any name; without the passphrase `code` says what it saved,
    never the code it replaced, nor whether it was the same."""
    key = next(u.key for u in list_units_of(guarded) if u.kind == "sentence")
    for code in ("unattributed", "named_person"):
        assert cli.main(["code", guarded, "--coder", "bob", key, f"attribution={code}"]) == 0
        out = capsys.readouterr().out
        assert out == f"{key}: attribution -> {code} (saved)\n"
    monkeypatch.setenv(ENVIRONMENT, PASSPHRASE)
    assert cli.main(["code", guarded, "--coder", "bob", key, "attribution=anonymous_vague"]) == 0
    assert "named_person -> anonymous_vague" in capsys.readouterr().out
    monkeypatch.setenv(ENVIRONMENT, "guess")
    assert cli.main(["code", guarded, "--coder", "bob", key, "attribution="]) == cli.EXIT_USER_ERROR
    assert "wrong supervisor passphrase" in capsys.readouterr().err


def list_units_of(path: str):
    from annotator.core.store.project import Project

    with Project.open(path) as project:
        return list_units(project)


def test_a_source_with_a_passphrase_of_its_own_is_asked_for_it(
    guarded, tmp_path, monkeypatch, capsys
):
    """The target's passphrase is tried first; a source with another one is asked for."""
    mine = str(tmp_path / "mine.annotator")
    assert cli.main(["new", mine]) == 0
    from annotator.core.store.project import Project

    with Project.open(mine) as project:
        set_supervisor_passphrase(project, "my own")
    monkeypatch.setattr("sys.stdin", io.StringIO("my own\nguess\n"))
    assert cli.main(["merge", mine, guarded]) == cli.EXIT_USER_ERROR
    assert "wrong supervisor passphrase for this file" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(f"my own\n{PASSPHRASE}\n"))
    assert cli.main(["merge", mine, guarded]) == 0
    assert "merged" in capsys.readouterr().out
