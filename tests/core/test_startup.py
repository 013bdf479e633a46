"""The command line loads only what a command uses: `--version` and `--help` start at once.

Each case runs in a fresh interpreter (this test process has long imported everything)
and lists which heavy libraries ended up in sys.modules.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import COMMANDS, build_parser
from annotator.core.codebook import bundled_codebook
from annotator.core.store.project import Project

ROOT = Path(__file__).resolve().parents[2]
DATABASE = ("sqlalchemy", "sqlmodel", "alembic", "psycopg")
DATA = ("pandas", "numpy", "pyreadstat", "krippendorff")
QT = ("PySide6", "shiboken6", "qtawesome")
READERS = ("pysbd", "docx", "lxml", "charset_normalizer")

LOADED_AFTER = """
import json, sys
from annotator.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


def loaded_by(*argv: str, cwd: Path = ROOT) -> set[str]:
    """The top-level modules imported by running `annotator ARGV` in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", LOADED_AFTER, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_import_no_database_data_or_qt_library(option):
    assert loaded_by(option).isdisjoint(DATABASE + DATA + QT + READERS + ("pydantic",))


def test_a_commands_own_help_loads_only_its_module():
    assert loaded_by("codebook", "--help").isdisjoint(DATABASE + DATA + QT + READERS)


def test_coding_a_unit_loads_no_data_library_readers_qt_or_alembic(tmp_path):
    project = tmp_path / "p.annotator"
    Project.create(project, bundled_codebook()).close()
    loaded = loaded_by("code", str(project), "--coder", "alice", "x#1", "claim_type=fact")
    assert "sqlalchemy" in loaded  # it did open the project
    assert loaded.isdisjoint(DATA + QT + READERS + ("alembic", "mako"))


def test_a_csv_export_loads_neither_pandas_nor_pyreadstat(tmp_path):
    project = tmp_path / "p.annotator"
    Project.create(project, bundled_codebook()).close()
    loaded = loaded_by("export", str(project), "-o", str(tmp_path / "codes.csv"))
    assert (tmp_path / "codes.csv").exists()
    assert loaded.isdisjoint(DATA + QT + READERS)


def test_every_listed_command_is_registered_by_its_module():
    """COMMANDS holds the one-line help; the modules add arguments and handlers."""
    parser = build_parser()
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(commands.choices) == list(COMMANDS)
    for name, sub in commands.choices.items():
        assert name in sub.format_help()
        assert sub.get_default("handler") is not None, name
