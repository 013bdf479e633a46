"""The app works installed from its wheel, far from the checkout, as a user would run it.

The sdist is built from the checkout and the wheel from that sdist (`python -m build`
does both), so a missing file in either breaks this test. The wheel goes into a real
fresh venv (no system site-packages, no checkout on sys.path) with its dependencies from
the package index, as `pip install` or `pipx install` would do for a user: a venv
borrowing the developer's site-packages would hide a dependency missing from
pyproject.toml. Every command then runs from a temporary folder. The venv's pip is the
one Python ships (ensurepip), older than a developer's, as a user's would be.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTION = "source_reliability_annotator"  # as wheel and sdist file names spell it

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
def dist(tmp_path_factory) -> Path:
    """A folder holding the sdist and the wheel `python -m build` makes of the checkout."""
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", dist, ROOT], cwd=dist)
    return dist


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv holding the wheel built from the sdist."""
    (wheel,) = dist.glob(f"{DISTRIBUTION}-*.whl")
    venv = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", venv], cwd=venv)
    bin_folder = venv / ("Scripts" if os.name == "nt" else "bin")
    installing = run([bin_folder / "python", "-m", "pip", "install", "--quiet", wheel], cwd=venv)
    # Issue 27: every install warned "lxml ... does not provide the extra 'html_clean'".
    assert "does not provide the extra" not in installing.stderr, installing.stderr
    return bin_folder


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path


def test_wheel_and_sdist_carry_the_new_name_the_licence_and_an_index_page(dist, folder):
    """Issue 27: a free distribution name, the MIT licence shipped in both files, and a
    description that renders on the package index (`twine check`)."""
    (wheel,) = dist.glob(f"{DISTRIBUTION}-0.1.0-*.whl")
    (sdist,) = dist.glob(f"{DISTRIBUTION}-0.1.0.tar.gz")
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (shipped,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert archive.read(shipped).decode() == licence
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        info = archive.read(metadata).decode()
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "annotator = annotator.cli:main" in archive.read(entry_points).decode()
    with tarfile.open(sdist) as archive:
        assert f"{DISTRIBUTION}-0.1.0/LICENSE" in archive.getnames()
    assert "Name: source-reliability-annotator" in info
    assert "License-Expression: MIT" in info and "Classifier: Topic :: Sociology" in info
    description = info.partition("\n\n")[2]
    assert description.startswith("# source-reliability-annotator")
    assert "pipx install source-reliability-annotator" in description
    links = re.findall(r"\]\(([^)]*)\)", description)
    assert all(link.startswith("https://") for link in links), links  # no relative links
    run([sys.executable, "-m", "twine", "check", "--strict", wheel, sdist], cwd=folder)


def test_html_articles_import_from_the_wheel(installed, folder):
    """HTML is read with lxml alone: what the wheel installs is enough."""
    page = "<html><head><title>Harbor deal</title></head><body><article>"
    page += "<p>The mayor said the deal was signed. Officials expect more ships.</p>" * 3
    (folder / "harbor-deal.html").write_text(page + "</article></body></html>", encoding="utf-8")
    annotator = installed / "annotator"
    run([annotator, "new", "study.annotator"], folder)
    imported = run([annotator, "import", "study.annotator", "harbor-deal.html"], folder)
    assert "imported 1 article(s)" in imported.stdout


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
