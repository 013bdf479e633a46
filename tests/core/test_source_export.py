"""The `sources` export layout, read back with pandas (CSV) and pyreadstat (SPSS, Stata);
and the `annotator sources` command end to end."""

from __future__ import annotations

import json

import pandas as pd
import pyreadstat

from annotator.cli import main
from annotator.core.coding import service as coding
from annotator.core.coding import source_lists as lists
from annotator.core.coding import sources_service as sources
from annotator.core.coding.lookups import find_unit
from annotator.core.coding.source_lists import Mention
from annotator.core.export import ExportOptions, export
from annotator.core.store.project import Project


def _two_sources(project: Project) -> None:
    """alice: Ilse Brandt (named government source, 2 mentions, units 4 and 5) and two
    anonymous officials (no reason given; unit 2, where Brandt is linked second)."""
    two, four, five = (find_unit(project, f"harbor-deal#{i}") for i in (2, 4, 5))
    at = four.text.index("Ilse Brandt")

    def build(s, u):
        brandt = lists.add_source(
            s, "Ilse Brandt", [Mention(four.id, four.start + at, four.start + at + 11)]
        )
        lists.add_mention(s, brandt, Mention(five.id, five.start, five.start + 3), u.unit(five.id))
        officials = lists.add_source(s, "two officials")
        for unit, uid in (
            (four.id, brandt),
            (five.id, brandt),
            (two.id, officials),
            (two.id, brandt),
        ):
            lists.link(s, unit, uid)
        book = project.codebook
        lists.code(s, brandt, book, {"source_type": "government", "named_or_anonymous": "named"})
        lists.code(
            s, officials, book, {"named_or_anonymous": "anonymous", "reason_given": "no_reason"}
        )

    sources.edit(project, two.article_id, "alice", build)


def test_the_sources_layout_reads_back_in_pandas_spss_and_stata(sample_project, tmp_path):
    project = sample_project
    _two_sources(project)
    options = ExportOptions(layout="sources")
    export(project, tmp_path / "s.csv", options)
    table = pd.read_csv(tmp_path / "s.csv", keep_default_na=False)
    assert list(table.columns[5:]) == [
        "coder",
        "source_id",
        "source_label",
        "mentions",
        "first_mention",
        "first_mention_unit",
        "units",
        "claim_units",
        "source_type",
        "named_or_anonymous",
        "reason_given",
        "quote_form",
    ]
    rows = table.set_index("source_label")
    brandt, officials = rows.loc["Ilse Brandt"], rows.loc["two officials"]
    assert (brandt.mentions, brandt.first_mention, brandt.first_mention_unit) == (
        2,
        "Ilse Brandt",
        "harbor-deal#4",
    )
    assert brandt.units == "harbor-deal#2;harbor-deal#4;harbor-deal#5"
    assert brandt.claim_units == "harbor-deal#4;harbor-deal#5"
    assert (brandt.source_type, brandt.named_or_anonymous, brandt.reason_given) == (
        "government",
        "named",
        "NA",  # not asked of a named source: not applicable, apart from not coded
    )
    assert brandt.quote_form == ""  # asked, not coded
    assert (officials.mentions, officials.first_mention, officials.claim_units) == (
        0,
        "",
        "harbor-deal#2",
    )
    assert officials.reason_given == "no_reason"

    export(project, tmp_path / "s.sav", ExportOptions(layout="sources", values="values"))
    frame, meta = pyreadstat.read_sav(str(tmp_path / "s.sav"))
    assert len(frame) == 2
    labels = meta.variable_value_labels["source_type"]
    brandt_row = frame[frame.source_label == "Ilse Brandt"].iloc[0]
    assert labels[brandt_row.source_type] == "Government"
    assert brandt_row.mentions == 2
    export(project, tmp_path / "s.dta", ExportOptions(layout="sources", values="values"))
    stata, _ = pyreadstat.read_dta(str(tmp_path / "s.dta"))
    assert sorted(stata.source_label) == ["Ilse Brandt", "two officials"]


def test_the_sources_command_proposes_accepts_edits_and_lists(sample_project, capsys):
    location = str(sample_project.path)
    sample_project.close()
    base = ["sources", location, "--article", "harbor-deal"]
    assert main([*base, "--propose"]) == 0
    assert main([*base, "--coder", "alice", "--accept", "port authority chair Ilse Brandt"]) == 0
    assert (
        main(
            [
                *base,
                "--coder",
                "alice",
                "--rename",
                "port authority chair Ilse Brandt",
                "Ilse Brandt",
            ]
        )
        == 0
    )
    assert (
        main([*base, "--coder", "alice", "--new", "two officials", "--unit", "harbor-deal#2"]) == 0
    )
    assert (
        main(
            [
                *base,
                "--coder",
                "alice",
                "--mention",
                "two officials",
                "harbor-deal#2",
                "two officials",
            ]
        )
        == 0
    )
    assert (
        main([*base, "--coder", "alice", "--code", "two officials", "named_or_anonymous=anonymous"])
        == 0
    )
    assert main([*base, "--coder", "alice", "--merge", "Ilse Brandt", "two officials"]) == 0
    assert (
        main([*base, "--coder", "alice", "--split", "Ilse Brandt", "harbor-deal#2", "officials"])
        == 0
    )
    assert main([*base, "--coder", "alice", "--link", "officials", "harbor-deal#3", "--first"]) == 0
    capsys.readouterr()
    assert main([*base, "--coder", "alice", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["alice"]
    assert [(s["label"], s["units"], len(s["mentions"])) for s in listed] == [
        ("Ilse Brandt", ["harbor-deal#4", "harbor-deal#5"], 2),
        ("officials", ["harbor-deal#2", "harbor-deal#3"], 1),
    ]
    assert listed[0]["codes"] == {"named_or_anonymous": "anonymous"}  # kept from the merge
    # one-line errors, nothing written
    assert main([*base, "--link", "officials", "harbor-deal#3"]) == 2
    assert capsys.readouterr().err.strip() == "annotator: --link needs --coder"
    assert main([*base, "--coder", "alice", "--link", "nobody", "harbor-deal#3"]) == 2
    assert main([*base, "--coder", "alice", "--link", "officials", "border-talks#2"]) == 2
    assert "not a unit of this article" in capsys.readouterr().err
    assert main([*base, "--coder", "alice", "--code", "officials", "reason_given=no_reason"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_the_articles_layout_counts_each_coders_sources(sample_project, tmp_path):
    """alice coded units 2 and 4: unit 2's own source is the anonymous officials, unit 4's
    the named Brandt, so half her coded units rest on an anonymous source."""
    project = sample_project
    _two_sources(project)
    for key in ("harbor-deal#2", "harbor-deal#4"):
        coding.code_unit(project, "alice", find_unit(project, key).id, "claim_type", "fact")
    coding.code_unit(
        project, "bob", find_unit(project, "harbor-deal#2").id, "claim_type", "evaluation"
    )
    options = ExportOptions(layout="articles", articles=("harbor-deal",))
    export(project, tmp_path / "a.csv", options)
    table = pd.read_csv(tmp_path / "a.csv").set_index("coder")
    columns = ["sources", "named_sources", "anonymous_sources", "anonymous_claim_share"]
    assert list(table.columns).index("memo") == list(table.columns).index(columns[-1]) + 1
    assert table.loc["alice", columns].tolist() == [2, 1, 1, 0.5]
    assert table.loc["bob", columns[:3]].tolist() == [0, 0, 0]
    assert table.loc["bob", "anonymous_claim_share"] == 0  # one coded unit, no sources
    assert pd.isna(table.loc["consensus", "anonymous_claim_share"])  # no unit agreed: none
    export(project, tmp_path / "a.sav", options)
    frame, _ = pyreadstat.read_sav(str(tmp_path / "a.sav"))
    assert frame.set_index("coder").loc["alice", "anonymous_claim_share"] == 0.5


def test_the_sources_layout_lists_each_coders_sources_of_an_article(sample_project, tmp_path):
    """Every coder's list of the article, read in one go (sources_service.article_lists),
    and only the coders the export is restricted to."""
    project = sample_project
    _two_sources(project)
    three = find_unit(project, "harbor-deal#3")
    sources.edit(
        project, three.article_id, "bob", lambda s, _u: lists.add_source(s, "the port authority")
    )
    export(project, tmp_path / "all.csv", ExportOptions(layout="sources"))
    table = pd.read_csv(tmp_path / "all.csv", keep_default_na=False)
    assert sorted(zip(table.coder, table.source_label, strict=True)) == [
        ("alice", "Ilse Brandt"),
        ("alice", "two officials"),
        ("bob", "the port authority"),
    ]
    export(project, tmp_path / "bob.csv", ExportOptions(layout="sources", coders=("bob",)))
    only = pd.read_csv(tmp_path / "bob.csv", keep_default_na=False)
    assert list(zip(only.coder, only.source_label, strict=True)) == [("bob", "the port authority")]
