"""Issue 27: the README's R and Python snippets, run exactly as the README prints them on a
fresh export of a coded demo project, give `annotator agreement`'s figures to four decimals.

The snippets are taken from README.md by their `<!-- snippet: NAME -->` marker, so the test
runs what a reader copies. R runs where `Rscript` and haven are installed (CI installs
r-base-core and r-cran-haven); the SPSS syntax runs where PSPP is installed, and its
missing-value definitions are checked with pyreadstat everywhere.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyreadstat
import pytest
import test_export_support as support

from annotator import cli
from annotator.core.codebook import Scope
from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.demo import build_demo_project
from annotator.core.store.project import Project

ROOT = Path(__file__).resolve().parents[2]
CODERS = ("alice", "bob", "carol")

pytestmark = pytest.mark.slow


def readme_block(name: str) -> str:
    """The fenced code block right after `<!-- snippet: name -->` in README.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- snippet: {name} -->\n```\w+\n(.*?)\n```\n", readme, re.DOTALL)
    assert found, f"README.md has no snippet {name!r}"
    return found.group(1)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """A folder with demo.annotator (coded by three coders) and the files the README reads."""
    folder = tmp_path_factory.mktemp("readme")
    project = build_demo_project(folder / "demo.annotator")
    support.code_at_random(project, CODERS, seed=27)
    leave_one_reason_uncoded(project)
    project.close()
    for output, extra in (("wide.csv", ["--values"]), ("wide.sav", []), ("wide.dta", [])):
        args = ["export", str(folder / "demo.annotator"), "--layout", "wide", *extra]
        assert cli.main([*args, "-o", str(folder / output)]) == 0
    assert cli.main(["export", str(folder / "demo.annotator"), "-o", str(folder / "long.csv")]) == 0
    return folder


def leave_one_reason_uncoded(project) -> None:
    """alice's first reason for anonymity taken back: not coded, where it applies."""
    codes = coding.coder_codes(project, "alice")
    unit = min(unit for unit, given in codes.items() if "anonymity_reason" in given)
    coding.apply_codes(project, "alice", unit, {"anonymity_reason": None})


def reason_counts(folder: Path) -> tuple[int, int]:
    """(not applicable, not coded) of the reason for anonymity over the coders' rows of
    sentences, from the project itself (Codebook.applicable)."""
    not_applicable = not_coded = 0
    with Project.open(folder / "demo.annotator") as project:
        book = project.codebook
        sentences = [u.id for u in lookups.list_units(project) if u.kind == "sentence"]
        for coder in CODERS:
            codes = coding.coder_codes(project, coder)
            for unit in sentences:
                given = codes.get(unit, {})
                if given and "anonymity_reason" not in book.applicable(Scope.UNIT, given):
                    not_applicable += 1
                elif "anonymity_reason" not in given:
                    not_coded += 1
    return not_applicable, not_coded


@pytest.fixture(scope="module")
def agreement(exported) -> dict:
    """`annotator agreement --json` on the project itself, for the attribution field."""
    command = ["agreement", "demo.annotator", "--json", "--field", "attribution"]
    result = subprocess.run(
        [sys.executable, "-m", "annotator", *command, "--bootstrap", "0"],
        cwd=exported,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)["fields"]["attribution"]


def printed_numbers(output: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+\.\d+", output)]


def test_the_demo_export_has_not_applicable_codes(exported):
    """Without "not applicable" (0) in every coder's column the snippets would prove
    nothing about recoding it."""
    frame, _ = pyreadstat.read_sav(exported / "wide.sav", user_missing=True)
    for coder in CODERS:
        assert (frame[f"attribution__{coder}"] == 0).sum() >= 2


def test_python_snippet_gives_the_apps_alpha(exported, agreement):
    script = exported / "snippet.py"
    script.write_text(readme_block("python"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, script.name], cwd=exported, capture_output=True, text=True, check=True
    )
    alpha = round(agreement["krippendorff_alpha"]["value"], 4)
    assert printed_numbers(result.stdout) == [alpha, alpha]


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_r_snippet_gives_the_apps_alpha_and_recodes_every_coder(exported, agreement):
    """The snippet's alpha from the CSV, the .dta and the .sav; and its recoded matrix,
    written by a line added after the snippet, has NA for every coder's "not applicable"."""
    script = exported / "snippet.R"
    check = '\nwrite.csv(t(m), "recoded.csv", row.names = FALSE, na = "")\n'
    script.write_text(readme_block("r") + check, encoding="utf-8")
    result = subprocess.run(
        ["Rscript", script.name], cwd=exported, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    alpha = round(agreement["krippendorff_alpha"]["value"], 4)
    assert printed_numbers(result.stdout) == [alpha, alpha, alpha]
    recoded = np.genfromtxt(exported / "recoded.csv", delimiter=",", skip_header=1)
    wide, _ = pyreadstat.read_sav(exported / "wide.sav", user_missing=True)
    original = wide[[f"attribution__{c}" for c in CODERS]].to_numpy(dtype=float)
    expected = np.where(original == 0, np.nan, original)
    np.testing.assert_array_equal(recoded, expected)


def unweighted_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two columns over the rows both have, every value a category."""
    both = ~np.isnan(a) & ~np.isnan(b)
    a, b = a[both], b[both]
    categories = np.union1d(a, b)
    observed = np.mean(a == b)
    chance = sum(np.mean(a == c) * np.mean(b == c) for c in categories)
    return (observed - chance) / (1 - chance)


def test_the_sav_declares_not_applicable_missing_and_the_spss_syntax_gives_the_apps_kappa(
    exported, agreement
):
    """The .sav declares 0 user-missing; with the README's `MISSING VALUES ... ().` the
    0s count as a category again, which is the app's unweighted kappa."""
    frame, meta = pyreadstat.read_sav(exported / "wide.sav", user_missing=True)
    for coder in CODERS:
        assert meta.missing_ranges[f"attribution__{coder}"] == [{"lo": 0.0, "hi": 0.0}]
    pair = next(p for p in agreement["cohen_kappa"] if (p["coder_a"], p["coder_b"]) == CODERS[:2])
    alice, bob = (frame[f"attribution__{c}"].to_numpy(dtype=float) for c in CODERS[:2])
    assert unweighted_kappa(alice, bob) == pytest.approx(pair["kappa"]["value"], abs=5e-5)
    without = np.where(alice == 0, np.nan, alice), np.where(bob == 0, np.nan, bob)
    assert round(unweighted_kappa(*without), 2) != round(pair["kappa"]["value"], 2)


@pytest.mark.skipif(shutil.which("pspp") is None, reason="PSPP is not installed")
def test_the_readme_spss_syntax_in_pspp(exported, agreement):
    (exported / "kappa.sps").write_text(readme_block("spss"), encoding="utf-8")
    result = subprocess.run(
        ["pspp", "-O", "format=csv", "-o", "-", "kappa.sps"],
        cwd=exported,
        capture_output=True,
        text=True,
        check=False,
    )
    (line,) = [row for row in result.stdout.splitlines() if row.startswith("Measure of Agreement")]
    pair = next(p for p in agreement["cohen_kappa"] if (p["coder_a"], p["coder_b"]) == CODERS[:2])
    assert float(line.split(",")[2]) == round(pair["kappa"]["value"], 2)  # PSPP prints .55


def test_the_dta_has_not_applicable_as_labelled_extended_missing(exported):
    frame, meta = pyreadstat.read_dta(exported / "wide.dta", user_missing=True)
    wide, _ = pyreadstat.read_sav(exported / "wide.sav", user_missing=True)
    for coder in CODERS:
        name = f"attribution__{coder}"
        assert meta.missing_user_values[name] == ["a"]
        assert meta.variable_value_labels[name]["a"] == "Not applicable"
        assert 0 not in meta.variable_value_labels[name]
        assert list(frame[name] == "a") == list(wide[name] == 0)
    assert (exported / "wide.dta").read_bytes()[:40].find(b"<release>118<") > 0


def test_python_missing_snippet_tells_not_applicable_from_not_coded(exported):
    script = exported / "missing.py"
    script.write_text(readme_block("python-missing"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, script.name], cwd=exported, capture_output=True, text=True, check=True
    )
    expected = reason_counts(exported)
    assert expected[0] > 0 and expected[1] == 1
    assert result.stdout.strip() == "not applicable: {} not coded: {}".format(*expected)


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_r_missing_snippet_tells_not_applicable_from_not_coded(exported):
    script = exported / "missing.R"
    script.write_text(readme_block("r-missing"), encoding="utf-8")
    result = subprocess.run(
        ["Rscript", script.name], cwd=exported, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "not applicable: {} not coded: {}".format(
        *reason_counts(exported)
    )
