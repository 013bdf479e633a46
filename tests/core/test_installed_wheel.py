"""The app works installed from its wheel, far from the checkout, as a user would run it.

The sdist is built from the checkout and the wheel from that sdist (`python -m build`
does both), so a missing file in either breaks this test. The wheel goes into a real
fresh venv (no system site-packages, no checkout on sys.path) with its dependencies from
the package index, as `pip install` or `pipx install` would do for a user: a venv
borrowing the developer's site-packages would hide a dependency missing from
pyproject.toml. Every command then runs from a temporary folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

ARTICLE = "Harbor deal\n\nThe mayor said the deal was signed. Officials expect more ships.\n"


def run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess:
    """Run a command with an environment that cannot see the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv holding the wheel built from the sdist."""
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", dist, ROOT], cwd=dist)
    (wheel,) = dist.glob("annotator-*.whl")
    assert list(dist.glob("annotator-*.tar.gz")), "no sdist was built"
    venv = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", venv], cwd=venv)
    bin_folder = venv / ("Scripts" if os.name == "nt" else "bin")
    run([bin_folder / "python", "-m", "pip", "install", "--quiet", wheel], cwd=venv)
    return bin_folder


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path


def test_the_package_comes_from_the_venv_not_the_checkout(installed, folder):
    where = run([installed / "python", "-c", "import annotator; print(annotator.__file__)"], folder)
    location = Path(where.stdout.strip()).resolve()
    assert location.is_relative_to(installed.parent.resolve())
    assert not location.is_relative_to(ROOT)


def test_new_import_and_units_from_the_wheel(installed, folder):
    annotator = installed / "annotator"
    (folder / "harbor-deal.txt").write_text(ARTICLE, encoding="utf-8")
    assert "created" in run([annotator, "new", "study.annotator"], folder).stdout
    assert (
        "imported 1 article(s)"
        in run([annotator, "import", "study.annotator", "harbor-deal.txt"], folder).stdout
    )
    units = json.loads(run([annotator, "units", "study.annotator", "--json"], folder).stdout)
    assert [unit["text"] for unit in units] == [
        "Harbor deal",
        "The mayor said the deal was signed.",
        "Officials expect more ships.",
    ]


def test_new_with_the_bundled_admiralty_codebook(installed, folder):
    annotator = installed / "annotator"
    run([annotator, "new", "nato.annotator", "--codebook", "admiralty"], folder)
    info = json.loads(run([annotator, "info", "nato.annotator", "--json"], folder).stdout)
    assert info["fields"] == ["source_reliability", "information_credibility"]


def test_the_codebook_schema_is_the_published_one(installed, folder):
    printed = json.loads(run([installed / "annotator", "codebook", "schema"], folder).stdout)
    published = ROOT / "annotator" / "resources" / "schemas" / "codebook.schema.json"
    assert printed == json.loads(published.read_text(encoding="utf-8"))


def test_the_demo_project_builds_from_the_bundled_samples(installed, folder):
    script = (
        "from annotator.core.demo import build_demo_project\n"
        "build_demo_project('demo.annotator').close()\n"
    )
    run([installed / "python", "-c", script], folder)
    listed = run([installed / "annotator", "articles", "demo.annotator", "--json"], folder)
    keys = sorted(article["key"] for article in json.loads(listed.stdout))
    assert keys == ["border-talks", "harbor-deal", "vaccine-plant"]
