"""`annotator agreement` and `annotator merge` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select
from test_agreement_project import KRIPPENDORFF_2011, PUBLISHED, krippendorff_project

from annotator.cli import main
from annotator.core.codebook import bundled_codebook
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project

DATA = Path(__file__).resolve().parents[1] / "data"
THREE_DECIMALS = 5e-4


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def kripp_file(project_location) -> str:
    location = str(project_location("k.annotator"))
    krippendorff_project(location, groups=3).close()
    return location


def wide_csv(path: Path, missing: str = "") -> Path:
    """Krippendorff (2011), section C data as a wide CSV: a unit column, one per coder."""
    rows = ["unit," + ",".join(KRIPPENDORFF_2011)]
    columns = [row.split() for row in KRIPPENDORFF_2011.values()]
    for j in range(12):
        cells = [col[j].replace(".", missing) for col in columns]
        rows.append(f"u{j + 1}," + ",".join(cells))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_project_json_has_every_coefficient_under_self_explaining_keys(kripp_file, capsys):
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    nominal alpha .743 for 4 coders x 12 units with missing values."""
    result = run_json(
        capsys, "agreement", str(kripp_file), "--field", "nominal_rating", "--bootstrap", "200"
    )
    assert result["source_type"] == "project"
    field = result["fields"]["nominal_rating"]
    for key in (
        "krippendorff_alpha",
        "fleiss_kappa",
        "cohen_kappa",
        "gwet_ac1",
        "percent_agreement",
    ):
        assert key in field
    alpha = field["krippendorff_alpha"]
    assert alpha["value"] == pytest.approx(0.743, abs=THREE_DECIMALS)
    assert alpha["level"] == "nominal" and alpha["bootstrap_samples"] == 200
    assert alpha["ci95_low"] <= alpha["value"] <= alpha["ci95_high"]
    assert (field["n_units"], field["n_coders"], field["n_pairable_values"]) == (12, 4, 40)
    assert len(field["cohen_kappa"]) == 6 and field["cohen_kappa"][0]["coder_a"] == "A"
    assert result["by_article"] == {}


@pytest.mark.parametrize("level", list(PUBLISHED))
def test_level_comes_from_the_codebook_and_can_be_overridden(kripp_file, capsys, level):
    """Krippendorff (2011), section C: .743 / .815 / .849 / .797 at the four levels."""
    field = f"{level}_rating"
    result = run_json(capsys, "agreement", str(kripp_file), "--field", field, "--bootstrap", "0")
    assert result["fields"][field]["krippendorff_alpha"]["value"] == pytest.approx(
        PUBLISHED[level], abs=THREE_DECIMALS
    )
    forced = run_json(
        capsys,
        "agreement",
        str(kripp_file),
        "--field",
        field,
        "--level",
        "nominal",
        "--bootstrap",
        "0",
    )
    assert forced["fields"][field]["krippendorff_alpha"]["value"] == pytest.approx(
        0.743, abs=THREE_DECIMALS
    )


def test_human_output_is_a_compact_table_with_thresholds(kripp_file, capsys):
    code, out, _ = run(
        capsys,
        "agreement",
        str(kripp_file),
        "--field",
        "ordinal_rating",
        "--coders",
        "A,B,C,D",
        "--bootstrap",
        "100",
        "--seed",
        "7",
    )
    assert code == 0
    assert out.startswith("ordinal_rating: 12 units, 4 coders, 40 pairable values\n")
    assert "Krippendorff's alpha (ordinal)  0.815  95% CI [" in out
    assert "≥ .800 reliable" in out
    assert "Krippendorff's alpha (nominal)  0.743" in out
    assert "Cohen's kappa (weighted: quadratic)" in out and "A × B (" in out
    # Every coefficient has its interval, the kappas and AC1 a Landis & Koch band.
    lines = {line.strip().split("  ")[0]: line for line in out.splitlines()}
    for name in ("percent agreement", "Fleiss' kappa", "Gwet's AC1"):
        assert "95% CI [" in lines[name], name
    assert "      weighted: " in out and out.count("95% CI [") == 5 + 6 * 2
    assert "Landis & Koch (1977)" in out
    assert "Fleiss' kappa" in out and "Gwet's AC1" in out and "percent agreement" in out
    # The same seed gives the same interval.
    assert (
        run(
            capsys,
            "agreement",
            str(kripp_file),
            "--field",
            "ordinal_rating",
            "--bootstrap",
            "100",
            "--seed",
            "7",
        )[1]
        == out
    )


def test_by_article(kripp_file, capsys):
    result = run_json(
        capsys,
        "agreement",
        str(kripp_file),
        "--field",
        "nominal_rating",
        "--by",
        "article",
        "--bootstrap",
        "0",
    )
    parts = result["by_article"]["nominal_rating"]
    assert list(parts) == ["part-1", "part-2", "part-3"]
    assert all("krippendorff_alpha" in part for part in parts.values())
    code, out, _ = run(
        capsys,
        "agreement",
        str(kripp_file),
        "--field",
        "nominal_rating",
        "--by",
        "article",
        "--bootstrap",
        "0",
    )
    assert code == 0 and "  article part-2: 4 units, alpha " in out


def test_outside_scale_handling_and_undefined_values_are_stated(project_location, capsys):
    path = str(project_location("s.annotator"))
    with Project.create(path, bundled_codebook()) as project:
        import_paths(project, [DATA / "harbor-deal.txt"])
        s = [u.id for u in list_units(project) if u.kind == "sentence"][:3]
        for coder in ("ann", "bob"):
            for unit_id, code in zip(
                s, ["named_person", "not_applicable", "named_person"], strict=True
            ):
                coding.code_unit(project, coder, unit_id, "attribution", code)
    code, out, _ = run(capsys, "agreement", str(path), "--field", "attribution", "--bootstrap", "0")
    assert code == 0
    assert "outside the scale: not_applicable: " in out
    assert "treated as missing values for ordinal alpha" in out
    assert "(2 value(s) set aside)" in out
    assert "Krippendorff's alpha (ordinal)  undefined (no variation" in out


def test_csv_long_and_wide_through_the_cli(tmp_path, capsys):
    """Krippendorff (2011), section C, as CSV: nominal .743 by default, ordinal .815."""
    wide = wide_csv(tmp_path / "wide.csv")
    result = run_json(capsys, "agreement", str(wide), "--bootstrap", "0")
    assert result["source_type"] == "csv"
    assert result["fields"]["wide"]["krippendorff_alpha"]["value"] == pytest.approx(
        0.743, abs=THREE_DECIMALS
    )
    long = tmp_path / "long.csv"
    lines = ["field,unit,coder,value"]
    for coder, row in KRIPPENDORFF_2011.items():
        lines += [f"rating,u{j},{coder},{v}" for j, v in enumerate(row.split(), 1) if v != "."]
    long.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_json(
        capsys,
        "agreement",
        str(long),
        "--level",
        "ordinal",
        "--field",
        "rating",
        "--bootstrap",
        "0",
    )
    assert result["fields"]["rating"]["krippendorff_alpha"]["value"] == pytest.approx(
        0.815, abs=THREE_DECIMALS
    )
    code, out, _ = run(capsys, "agreement", str(long), "--coders", "A,B", "--bootstrap", "0")
    assert code == 0 and out.startswith("rating: 11 units, 2 coders")


@pytest.mark.parametrize(
    ("content", "argv", "message"),
    [
        ("unit,coder,value\nu1,A,1\nu1,A,2\n", [], "already has a value from coder 'A'"),
        ("id;x\n1;2\n", [], "no 'unit' column"),
        ("unit,A,B\nu1,1,2\n", ["--by", "article"], "--by article needs a project"),
        ("unit,A,B\nu1,1,2\n", ["--field", "nope"], "no field 'nope'"),
        ("unit,A,B\nu1,1,2\n", ["--coders", "A"], "--coders needs at least two names"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, content, argv, message):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "agreement", str(bad), *argv)
    assert code == 2 and out == ""
    assert err.startswith("annotator: ") and err.count("\n") == 1 and message in err


def test_merge_command_prints_the_report_and_refuses_other_codebooks(
    project_location, tmp_path, capsys
):
    ann = str(project_location("ann.annotator"))
    bob = tmp_path / "bob.annotator"
    other = tmp_path / "other.annotator"
    for path, coder in ((ann, "ann"), (bob, "bob")):
        with Project.create(path, bundled_codebook()) as project:
            import_paths(
                project,
                [DATA / "harbor-deal.txt"]
                + ([DATA / "border-talks.txt"] if coder == "bob" else []),
            )
            unit = next(u.id for u in list_units(project) if u.kind == "sentence")
            coding.code_unit(project, coder, unit, "claim_type", "fact")
    Project.create(other, bundled_codebook("admiralty")).close()

    code, out, err = run(capsys, "merge", str(ann), str(bob), str(other))
    assert code == 2
    assert f"merged {bob} into {ann}" in out
    assert "articles added  1 (border-talks)" in out
    assert "codes           1 added, 0 updated, 0 removed, 0 unchanged" in out
    assert err.count("\n") == 1 and "merge refused" in err
    again = run_json(capsys, "merge", str(ann), str(bob))
    assert again[0]["codes_unchanged"] == 1 and again[0]["history_added"] == 0
    code, out, _ = run(capsys, "merge", str(ann), str(bob))
    assert code == 0 and out == f"{bob}: nothing new for {ann}\n"


def test_merge_dry_run_prints_the_table_and_writes_nothing(project_location, tmp_path, capsys):
    """Issue 17: `merge --dry-run` shows a row per coder of each source; the target's
    database is unchanged, and the real merge then does what the table said."""
    from annotator.core.store.models import Code, Coder

    ann = str(project_location("ann.annotator"))
    bob = tmp_path / "bob.annotator"
    for path, coder in ((ann, "ann"), (bob, "bob")):
        with Project.create(path, bundled_codebook()) as project:
            files = [DATA / "harbor-deal.txt"] + (
                [DATA / "border-talks.txt"] if coder == "bob" else []
            )
            import_paths(project, files)
            for unit in [u.id for u in list_units(project) if u.kind == "sentence"][:3]:
                coding.code_unit(project, coder, unit, "claim_type", "fact")

    def rows() -> tuple[int, int]:
        with Project.open(ann) as project, project.reading() as session:
            return len(session.exec(select(Code)).all()), len(session.exec(select(Coder)).all())

    before = rows()
    code, out, err = run(capsys, "merge", ann, str(bob), "--dry-run")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"dry run: nothing was written to {ann}"
    assert lines[1].split()[:3] == ["Source", "Coder", "Units"]
    assert lines[2].split() == ["bob.annotator", "bob", "(new)", "3", "0", "3", "0", "0", "0"]
    assert rows() == before
    planned = run_json(capsys, "merge", ann, str(bob), "--dry-run", "--json")
    assert planned[0]["dry_run"] and planned[0]["codes_added"] == 3
    assert rows() == before
    code, out, _ = run(capsys, "merge", ann, str(bob))
    assert code == 0 and lines[2] in out.splitlines()  # the same row, now done
    assert rows() == (before[0] + 3, before[1] + 1)
