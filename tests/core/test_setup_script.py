"""scripts/setup-venv says what it is doing while it installs (issue 29: a fresh clone's
`scripts/run` was silent for over two minutes before the first window)."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Stands in for the venv's python: pip's install prints what a real one prints per library.
FAKE_PYTHON = """#!/bin/sh
echo "$@" >> "$(dirname "$0")/calls"
case "$*" in
  *" -e "*) echo "Collecting sqlmodel"; echo "  Using cached sqlmodel.whl"
            echo "Successfully installed sqlmodel" ;;
esac
"""


def test_a_first_setup_says_each_step_and_a_later_one_nothing(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup-venv", tmp_path / "scripts" / "setup-venv")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(python.stat().st_mode | stat.S_IEXEC)

    def setup() -> subprocess.CompletedProcess:
        script = tmp_path / "scripts" / "setup-venv"
        return subprocess.run(
            ["bash", "-c", 'source "$1"', "_", str(script)], capture_output=True, text=True
        )

    first = setup()
    assert first.returncode == 0, first.stderr
    lines = first.stderr.splitlines()
    assert lines[0] == "annotator setup: updating pip"
    assert lines[1].startswith("annotator setup: installing annotator")
    assert "  Collecting sqlmodel" in lines and "  Successfully installed sqlmodel" in lines
    assert lines[-1] == "annotator setup: ready"
    assert first.stdout == ""  # a command's own output stays clean

    again = setup()
    assert again.returncode == 0 and again.stderr == ""
