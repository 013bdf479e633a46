"""Project paths that are not plain words, and outputs that would replace the project
(issue 21).

`annotator new 'we?ird.annotator'` made a file `we`: the path was pasted into an SQLite URL
where `?` starts the query. And `annotator export study -o study` wrote the export over the
project it read.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator import cli
from tests.conftest import SAMPLE_TEXTS

ODD_NAMES = [
    "we?ird.annotator",
    "what?mode=memory.annotator",
    "100%25 sure%.annotator",
    "#1 study.annotator",
    "two  spaces .annotator",
    "Zürich – 日本 ✓.annotator",
]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_every_command_opens_the_file_it_is_given(name, tmp_path, capsys):
    folder = tmp_path / "projects"
    folder.mkdir()
    project = str(folder / name)
    assert cli.main(["new", project]) == 0
    assert cli.main(["import", project, str(SAMPLE_TEXTS[0])]) == 0
    capsys.readouterr()
    assert cli.main(["units", project]) == 0
    key = next(
        line.split()[0] for line in capsys.readouterr().out.splitlines() if "sentence" in line
    )
    assert cli.main(["code", project, "--coder", "ann", key, "attribution=named_person"]) == 0
    assert cli.main(["info", project, "--json"]) == 0
    assert '"units"' in capsys.readouterr().out
    output = tmp_path / "out.csv"
    assert cli.main(["export", project, "-o", str(output)]) == 0
    assert "named_person" in output.read_text(encoding="utf-8")
    made = sorted(os.listdir(folder))
    assert [entry for entry in made if not entry.startswith(name)] == []  # nothing else made
    assert name in made


@pytest.fixture
def project(tmp_path, capsys) -> str:
    path = str(tmp_path / "study")  # no suffix: `export study -o study` is a CSV
    assert cli.main(["new", path]) == 0
    assert cli.main(["import", path, str(SAMPLE_TEXTS[0])]) == 0
    capsys.readouterr()
    return path


def _outputs(project: str) -> list[str]:
    folder, name = os.path.split(project)
    return [
        project,
        f"{project}-wal",
        f"{project}-shm",
        os.path.join(folder, ".", name),
        os.path.join(folder, "..", os.path.basename(folder), name),
        os.path.join(f"{project}.backups", "study.20260101T000000000000Z.manual.annotator"),
    ]


def test_an_export_never_replaces_the_project(project, capsys):
    before = Path(project).read_bytes()
    for output in _outputs(project):
        for argv in (
            ["export", project, "-o", output],
            ["agreement", project, "--bootstrap", "0", "--csv", output],
            ["agreement", project, "--bootstrap", "0", "--html", output],
        ):
            assert cli.main(argv) == cli.EXIT_USER_ERROR, argv
            err = capsys.readouterr().err
            assert os.path.basename(output) in err and "choose another output file" in err
    assert Path(project).read_bytes() == before
    assert cli.main(["info", project]) == 0


def test_a_hard_link_or_symbolic_link_to_the_project_is_refused(project, tmp_path, capsys):
    hard, soft = tmp_path / "hard.csv", tmp_path / "soft.csv"
    os.link(project, hard)
    soft.symlink_to(project)
    for output in (hard, soft):
        assert cli.main(["export", project, "-o", str(output)]) == cli.EXIT_USER_ERROR
        assert "would replace" in capsys.readouterr().err
    assert cli.main(["info", project]) == 0


def test_an_agreement_from_a_csv_does_not_write_over_the_csv(tmp_path, capsys):
    data = tmp_path / "codes.csv"
    data.write_text("unit,coder,value\nu1,a,x\nu1,b,x\n", encoding="utf-8")
    argv = ["agreement", str(data), "--bootstrap", "0", "--csv", str(data)]
    assert cli.main(argv) == cli.EXIT_USER_ERROR
    assert data.read_text(encoding="utf-8").startswith("unit,coder,value")


def test_a_backup_is_not_written_over_the_project_or_its_wal(project, capsys):
    before = Path(project).read_bytes()
    for output in (project, f"{project}-wal", f"{project}-shm"):
        assert cli.main(["backup", project, "-o", output]) == cli.EXIT_USER_ERROR
        assert "would replace" in capsys.readouterr().err
    assert not Path(f"{project}-wal").exists() or Path(f"{project}-wal").stat().st_size == 0
    assert Path(project).read_bytes() == before
