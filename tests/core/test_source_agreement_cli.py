"""`annotator agreement PROJECT` with sources: the sources' section in text, JSON and HTML."""

from __future__ import annotations

import csv
import json

import pytest

from annotator.cli import main
from annotator.core.codebook import bundled_codebook
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project
from tests.conftest import SAMPLE_TEXTS
from tests.core.test_source_agreement import HAND_WORKED, write_lists


@pytest.fixture
def coded(project_location) -> str:
    """The sample articles with the hand-worked source lists, closed again for the CLI."""
    location = project_location("sources.annotator")
    with Project.create(location, bundled_codebook()) as project:
        assert not import_paths(project, SAMPLE_TEXTS).failures
        write_lists(project, HAND_WORKED)
    return str(location)


def run(capsys, *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_the_text_report_ends_with_the_sources(coded, capsys):
    out = run(capsys, "agreement", coded, "--bootstrap", "200")
    sources = out[out.index("sources: 3 article(s)") :]
    assert "4 matched source(s)" in sources
    assert "    alice: 5, 4, 1" in sources and "    bob: 5, 4, 1" in sources
    assert "alice × bob (3): 5 and 5, 4 matched, 1 and 1 alone" in sources
    assert "source named_or_anonymous: 4 matched sources, 2 coders, 8 pairable values" in sources
    block = sources[sources.index("source named_or_anonymous") :]
    alpha = next(line for line in block.splitlines() if "Krippendorff's alpha (nominal)" in line)
    assert "0.533" in alpha and "95% CI [" in alpha
    per_article = sources[sources.index("sources per article: 3 articles") :]
    assert "Krippendorff's alpha (interval) 0.500" in per_article
    assert "  border-talks  bob  Observers" in sources
    assert "  vaccine-plant  alice  A source" in sources


def test_json_carries_the_exact_figures_and_field_picks_a_source_field(coded, capsys):
    result = json.loads(
        run(
            capsys,
            "agreement",
            coded,
            "--field",
            "named_or_anonymous",
            "--json",
            "--bootstrap",
            "0",
        )
    )
    assert result["fields"] == {}
    sources = result["sources"]
    assert list(sources["fields"]) == ["named_or_anonymous"]
    alpha = sources["fields"]["named_or_anonymous"]["krippendorff_alpha"]["value"]
    assert alpha == pytest.approx(16 / 30)
    assert sources["sources_per_article"]["krippendorff_alpha"]["value"] == pytest.approx(0.5)
    assert {u["label"] for u in sources["unmatched"]} == {"Observers", "A source"}
    unit_only = json.loads(
        run(capsys, "agreement", coded, "--field", "claim_type", "--json", "--bootstrap", "0")
    )
    assert unit_only["sources"] is None


def test_the_html_report_has_a_sources_section_and_the_csv_their_rows(coded, capsys, tmp_path):
    page, table = tmp_path / "report.html", tmp_path / "table.csv"
    run(capsys, "agreement", coded, "--bootstrap", "0", "--html", str(page), "--csv", str(table))
    with table.open(encoding="utf-8", newline="") as cells:
        rows = list(csv.DictReader(cells))
    alphas = {
        r["field"]: float(r["value"])
        for r in rows
        if r["coefficient"] == "krippendorff_alpha" and r["value"] and not r["article"]
    }
    assert alphas["named_or_anonymous"] == pytest.approx(16 / 30)
    assert alphas["sources per article"] == pytest.approx(0.5)
    html = page.read_text(encoding="utf-8")
    assert '<section class="field" id="sources"><h2>Sources</h2>' in html
    assert "Source: Named or anonymous" in html
    assert "sources per article" in html and "Observers" in html
