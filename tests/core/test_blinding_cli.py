"""Commands that show other coders' codes ask for the supervisor passphrase where one is
set: `units --coder`, `export`, `agreement` and `merge` on a project (issue 14)."""

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
    set_supervisor_passphrase(sample_project, PASSPHRASE)
    return str(sample_project.path)


def commands(path: str, tmp_path) -> list[list[str]]:
    return [
        ["units", path, "--coder", "bob"],
        ["export", path, "-o", str(tmp_path / "out.csv")],
        ["agreement", path, "--bootstrap", "0"],
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
