"""The core must work where Qt is not installed: analysts script it on servers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BLOCK_QT = """
import importlib.abc, pkgutil, sys

class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "qtawesome", "qtpy"):
            raise ImportError(f"Qt is not available here ({name})")
        return None

sys.meta_path.insert(0, NoQt())
import annotator.core
import annotator.cli
for module in pkgutil.walk_packages(annotator.core.__path__, "annotator.core."):
    if ".migrations" not in module.name:
        __import__(module.name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
print("qt modules:", loaded)
sys.exit(1 if loaded else 0)
"""


def test_every_core_module_imports_with_pyside6_unavailable():
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "qt modules: []" in result.stdout


def test_cli_runs_a_core_command_with_pyside6_unavailable(tmp_path):
    script = BLOCK_QT.split("import annotator.core")[0] + (
        "from annotator.cli import main\n"
        f"sys.exit(main(['new', {str(tmp_path / 'p.annotator')!r}]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "created" in result.stdout
