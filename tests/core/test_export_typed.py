"""Exports of a codebook with a field of every type and scope (issue 23): CSV, .sav, .dta
and .xlsx read back as R, pandas, SPSS and Stata users read them; "not applicable" apart
from "not coded"; a multiple choice as 0/1 columns; dates as dates; import-codes reads
every type back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import test_export_support as support
from openpyxl import load_workbook

from annotator import cli
from annotator.core.codebook import load_codebook
from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.coding.codes_from_csv import import_codes
from annotator.core.errors import InputError
from annotator.core.export import ExportOptions, export, preview_rows
from annotator.core.ingest.into_project import import_paths
from annotator.core.store.project import Project

DATA = Path(__file__).resolve().parents[1] / "data"
TYPED = load_codebook(DATA / "codebooks" / "typed-study.json")
ARTICLES = [DATA / "harbor-deal.txt", DATA / "border-talks.txt"]
UNIT_FIELDS = ["source", "reason", "sources_cited", "printed_name"]

# Sentence codes by position among each article's sentences: every type, and both
# conditions holding and not (reason applies only to anonymous sources; printed_name to
# named ones and to anonymous ones whose reason is given).
SENTENCE_CODES = [
    {"source": "named", "sources_cited": "2", "printed_name": "=Dr. Jo Smith"},
    {"source": "anonymous", "reason": "given", "printed_name": "a senior official"},
    {"source": "anonymous", "reason": "not_given", "sources_cited": "0"},
    {"source": "none"},
]
ARTICLE_CODES = {
    "harbor-deal": {
        "story_kind": "opinion",
        "topics": "politics;health",
        "column_author": "Ann Lee",
        "event_date": "2026-03-14",
    },
    "border-talks": {"story_kind": "news", "topics": "economy"},
}


def typed_articles(location) -> Project:
    project = Project.create(location, TYPED)
    assert not import_paths(project, ARTICLES).failures
    return project


def code_typed(project: Project) -> None:
    """alice codes the first four sentences of each article and both articles; bob the
    same but the first sentence, which he leaves uncoded, and he codes no article."""
    sentences: dict[int, list[int]] = {}
    for unit in lookups.list_units(project):
        if unit.kind == "sentence":
            sentences.setdefault(unit.article_id, []).append(unit.id)
    for article_id, ids in sentences.items():
        for unit_id, codes in zip(ids, SENTENCE_CODES, strict=False):
            coding.apply_codes(project, "alice", unit_id, codes)
            if unit_id != ids[0]:
                coding.apply_codes(project, "bob", unit_id, codes)
        key = next(u.key for u in lookups.list_units(project) if u.article_id == article_id)
        article_unit = lookups.article_unit_id(project, article_id)
        assert article_unit is not None
        coding.apply_codes(project, "alice", article_unit, ARTICLE_CODES[key.split("#")[0]])


@pytest.fixture(scope="module")
def typed(module_project_location):
    project = typed_articles(module_project_location("typed.annotator"))
    code_typed(project)
    yield project
    project.close()


def read_csv(path: Path, **options) -> pd.DataFrame:
    return pd.read_csv(path, **options)


def first_rows(frame: pd.DataFrame, coder: str) -> pd.DataFrame:
    rows = frame[(frame["coder"] == coder) & frame["unit_key"].str.startswith("harbor-deal#")]
    return rows.iloc[:5]


def test_long_carries_unit_fields_of_every_type_and_no_article_unit(typed, tmp_path):
    path = tmp_path / "long.csv"
    export(typed, path, ExportOptions("long"))
    frame = read_csv(path, dtype=str, keep_default_na=False)
    assert [c for c in frame.columns if c in {f.key for f in TYPED.fields}] == UNIT_FIELDS
    assert not frame["unit_key"].str.endswith("#0").any()
    assert set(frame["kind"]) <= {"title", "sentence", "heading"}
    alice = frame[frame["coder"] == "alice"]
    sentences = alice[alice["kind"] == "sentence"]
    first = sentences.iloc[:4][UNIT_FIELDS].to_numpy().tolist()
    assert first == [
        ["named", "NA", "2", "'=Dr. Jo Smith"],  # the CSV's formula quote on text
        ["anonymous", "given", "", "a senior official"],
        ["anonymous", "not_given", "0", "NA"],
        ["none", "NA", "", "NA"],
    ]
    bob = frame[(frame["coder"] == "bob") & (frame["kind"] == "sentence")]
    assert bob.iloc[0][UNIT_FIELDS].tolist() == ["", "", "", ""]  # not coded: all empty


def test_pandas_reads_both_missing_by_default_and_apart_on_request(typed, tmp_path):
    """What the README says: by default "NA" and "" are both NaN; read as text without
    the default markers, the two stay apart."""
    path = tmp_path / "long.csv"
    export(typed, path, ExportOptions("long"))
    frame = pd.read_csv(path)
    assert frame["sources_cited"].dtype == "float64"
    sentence = frame[(frame["coder"] == "alice") & (frame["kind"] == "sentence")].iloc[0]
    assert pd.isna(sentence["reason"]) and sentence["sources_cited"] == 2
    raw = pd.read_csv(path, keep_default_na=False, na_values=[""])
    first = raw[(raw["coder"] == "alice") & (raw["kind"] == "sentence")].iloc[0]
    assert first["reason"] == "NA"
    assert pd.isna(raw[(raw["coder"] == "bob") & (raw["kind"] == "sentence")].iloc[0]["reason"])


def test_articles_layout_has_article_fields_per_coder_and_consensus(typed, tmp_path):
    path = tmp_path / "articles.csv"
    export(typed, path, ExportOptions("articles"))
    frame = read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns[5:16]) == [
        "coder",
        "role",
        "story_kind",
        "topics",
        "topics_politics",
        "topics_economy",
        "topics_health",
        "column_author",
        "event_date",
        "units",
        "coded_units",
    ]
    assert "source" not in frame.columns and "source_named" in frame.columns
    harbor = frame[frame["article_key"] == "harbor-deal"].set_index("coder")
    assert list(harbor.index) == ["alice", "bob", "consensus"]
    assert harbor.loc[
        "alice", ["story_kind", "topics", "column_author", "event_date"]
    ].tolist() == [
        "opinion",
        "politics;health",
        "Ann Lee",
        "2026-03-14",
    ]
    dummies = ["topics_politics", "topics_economy", "topics_health"]
    assert harbor.loc["alice", dummies].tolist() == ["1", "0", "1"]
    assert harbor.loc["bob", ["story_kind", "topics", *dummies]].tolist() == [""] * 5
    border = frame[frame["article_key"] == "border-talks"].set_index("coder")
    assert border.loc["alice", ["story_kind", "column_author", "event_date"]].tolist() == [
        "news",
        "NA",  # a columnist is asked of opinion pieces only
        "",  # optional, not coded
    ]
    assert harbor.loc["alice", "source_anonymous"] == "2"
    assert harbor.loc["bob", "coded_units"] == "3"


def test_labels_and_values_modes_of_a_multiple_choice(typed, tmp_path):
    rows = preview_rows(typed, ExportOptions("articles", "labels"))
    assert rows[0]["topics"] == "Politics;Health" and rows[0]["topics_health"] == 1
    rows = preview_rows(typed, ExportOptions("articles", "values"))
    assert rows[0]["topics"] == "1;3" and rows[0]["story_kind"] == 2


def test_sav_types_labels_and_missing_values(typed, tmp_path):
    path = tmp_path / "articles.sav"
    export(typed, path, ExportOptions("articles"))
    frame, meta = pyreadstat.read_sav(path, user_missing=True)
    assert "topics" not in frame.columns  # the 0/1 columns hold it
    labels = meta.variable_value_labels
    assert labels["topics_politics"] == {0: "not chosen", 1: "chosen"}
    assert meta.column_names_to_labels["topics_politics"] == "Topics: Politics"
    assert meta.original_variable_types["event_date"] == "DATE11"
    alice = frame[frame["coder"] == "alice"].set_index("article_key")
    assert alice.loc["harbor-deal", "event_date"] == dt.date(2026, 3, 14)
    assert alice.loc["harbor-deal", "topics_health"] == 1
    assert alice.loc["border-talks", "column_author"] == "-9"
    assert meta.missing_ranges["column_author"] == [{"lo": "-9", "hi": "-9"}]
    plain, _ = pyreadstat.read_sav(path)  # SPSS's reading: user-missing is missing
    plain_alice = plain[plain["coder"] == "alice"].set_index("article_key")
    assert pd.isna(plain_alice.loc["border-talks", "column_author"])


def test_sav_long_not_applicable_is_a_labelled_user_missing_value(typed, tmp_path):
    path = tmp_path / "long.sav"
    export(typed, path, ExportOptions("long"))
    frame, meta = pyreadstat.read_sav(path, user_missing=True)
    assert meta.missing_ranges["reason"] == [{"lo": -9.0, "hi": -9.0}]
    assert meta.variable_value_labels["reason"] == {
        1.0: "Given",
        2.0: "Not given",
        -9.0: "Not applicable",
    }
    assert meta.variable_measure["sources_cited"] == "scale"
    sentences = frame[(frame["coder"] == "alice") & (frame["kind"] == "sentence")]
    assert sentences.iloc[:4]["reason"].tolist()[0] == -9
    assert sentences.iloc[1]["reason"] == 1 and sentences.iloc[0]["sources_cited"] == 2.0
    bob = frame[(frame["coder"] == "bob") & (frame["kind"] == "sentence")].iloc[0]
    assert pd.isna(bob["reason"])  # not coded: system missing
    assert "source" in meta.variable_value_labels and "sources_cited" not in (
        meta.missing_ranges or {}
    )


def test_dta_not_applicable_is_z_and_dates_are_dates(typed, tmp_path):
    long_path, articles_path = tmp_path / "long.dta", tmp_path / "articles.dta"
    export(typed, long_path, ExportOptions("long"))
    export(typed, articles_path, ExportOptions("articles"))
    frame, meta = pyreadstat.read_dta(long_path, user_missing=True)
    assert meta.missing_user_values["reason"] == ["z"]
    assert meta.variable_value_labels["reason"] == {
        1: "Given",
        2: "Not given",
        "z": "Not applicable",
    }
    sentences = frame[(frame["coder"] == "alice") & (frame["kind"] == "sentence")]
    assert sentences.iloc[0]["reason"] == "z" and sentences.iloc[1]["reason"] == 1
    bob = frame[(frame["coder"] == "bob") & (frame["kind"] == "sentence")].iloc[0]
    assert pd.isna(bob["reason"])
    articles, meta = pyreadstat.read_dta(articles_path, user_missing=True)
    assert meta.original_variable_types["event_date"] == "%td"
    alice = articles[articles["coder"] == "alice"].set_index("article_key")
    assert alice.loc["harbor-deal", "event_date"] == dt.date(2026, 3, 14)
    assert meta.variable_value_labels["topics_economy"] == {0: "not chosen", 1: "chosen"}
    assert alice.loc["border-talks", "topics_economy"] == 1


def test_xlsx_has_dates_numbers_and_the_marker(typed, tmp_path):
    path = tmp_path / "articles.xlsx"
    export(typed, path, ExportOptions("articles"))
    sheet = load_workbook(path, read_only=True)["data"]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    first = dict(zip(header, rows[0], strict=True))
    assert first["event_date"] == dt.datetime(2026, 3, 14)
    assert first["topics_politics"] == 1
    border = dict(zip(header, rows[3], strict=True))
    assert border["column_author"] == "NA"


@pytest.mark.parametrize("mode", ["codes", "values", "labels"])
def test_long_and_articles_exports_import_back_into_a_fresh_copy(
    typed, project_location, tmp_path, mode
):
    fresh = typed_articles(project_location("fresh.annotator"))
    try:
        for layout in ("long", "articles"):
            path = tmp_path / f"{layout}.csv"
            export(typed, path, ExportOptions(layout, mode))
            import_codes(fresh, path)
        assert support.db_codes(fresh) == support.db_codes(typed)
    finally:
        fresh.close()


def test_the_0_1_columns_are_read_when_the_joined_column_is_absent(
    typed, project_location, tmp_path
):
    path = tmp_path / "articles.csv"
    export(typed, path, ExportOptions("articles"))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=["topics"])
    frame.to_csv(path, index=False)
    fresh = typed_articles(project_location("fresh.annotator"))
    try:
        import_codes(fresh, path)
        got = {c for c in support.db_codes(fresh) if c[2] == "topics"}
        assert got == {c for c in support.db_codes(typed) if c[2] == "topics"}
        assert ("harbor-deal#0", "alice", "topics", "politics;health") in got
    finally:
        fresh.close()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("unit_key,coder,story_kind\r\nharbor-deal#1,ann,news\r\n", "on the article's own unit"),
        ("unit_key,coder,source\r\nharbor-deal#0,ann,named\r\n", "coded per unit"),
        ("unit_key,coder,source,reason\r\nharbor-deal#2,ann,named,given\r\n", "does not apply"),
        ("unit_key,coder,sources_cited\r\nharbor-deal#2,ann,21\r\n", "above the maximum"),
        ("unit_key,coder,event_date\r\nharbor-deal#0,ann,14.3.2026\r\n", "not a date"),
        ("unit_key,coder,topics_health\r\nharbor-deal#0,ann,yes\r\n", "not 1, 0 or empty"),
    ],
)
def test_import_refuses_wrong_scope_condition_and_type(project_location, tmp_path, text, problem):
    project = typed_articles(project_location("p.annotator"))
    path = tmp_path / "codes.csv"
    path.write_text(text, encoding="utf-8")
    try:
        with pytest.raises(InputError, match=problem):
            import_codes(project, path)
    finally:
        project.close()


def test_import_by_hand_reads_labels_dates_and_key_0(project_location, tmp_path):
    project = typed_articles(project_location("p.annotator"))
    path = tmp_path / "codes.csv"
    path.write_text(
        "unit_key,coder,story_kind,topics,event_date,source,reason\r\n"
        'harbor-deal#0,ann,Opinion,"Health, politics",2026-03-14T09:30,,\r\n'
        "harbor-deal#2,ann,,,,Anonymous,NA\r\n",
        encoding="utf-8",
    )
    try:
        import_codes(project, path)
        assert support.db_codes(project) == {
            ("harbor-deal#0", "ann", "story_kind", "opinion"),
            ("harbor-deal#0", "ann", "topics", "politics;health"),
            ("harbor-deal#0", "ann", "event_date", "2026-03-14"),
            ("harbor-deal#2", "ann", "source", "anonymous"),
        }
    finally:
        project.close()


def test_default_codebook_articles_layout_has_story_type_per_coder_and_consensus(
    project_location, tmp_path
):
    project = support.sample_project(project_location("p.annotator"), coders=("alice", "bob"))
    try:
        article_id = lookups.find_unit(project, "harbor-deal#1").article_id
        unit = lookups.article_unit_id(project, article_id)
        assert unit is not None
        for coder in ("alice", "bob"):
            coding.apply_codes(project, coder, unit, {"story_type": "analysis"})
        rows = [
            row
            for row in preview_rows(project, ExportOptions("articles"), limit=100)
            if row["article_key"] == "harbor-deal"
        ]
        assert [(r["coder"], r["story_type"]) for r in rows] == [
            ("alice", "analysis"),
            ("bob", "analysis"),
            ("consensus", "analysis"),  # the two coders agree
        ]
        assert "attribution" not in rows[0] and "attribution_named_person" in rows[0]
        long = preview_rows(project, ExportOptions("long"), limit=1000)
        assert "story_type" not in long[0]
        assert all(not r["unit_key"].endswith("#0") for r in long)
    finally:
        project.close()


def test_mixed_codebook_versions_are_named_per_row_and_once_on_stderr(
    project_location, tmp_path, capsys
):
    from annotator.core.store.project import add_codebook

    location = project_location("p.annotator")
    project = typed_articles(location)
    first, second = [u.id for u in lookups.list_units(project) if u.kind == "sentence"][:2]
    coding.apply_codes(project, "alice", first, {"source": "none"})
    with project.writing() as session:
        add_codebook(session, TYPED.model_copy(update={"version": "2"}))
    project.close()
    project = Project.open(location)
    try:
        coding.apply_codes(project, "alice", second, {"source": "named"})
        rows = {r["unit_key"]: r for r in preview_rows(project, ExportOptions("long"), 200)}
        versions = {
            key: r["codebook_version"] for key, r in rows.items() if r["source"] is not None
        }
        assert sorted(versions.values()) == ["1", "2"]
        assert cli.main(["export", str(location), "-o", str(tmp_path / "long.csv")]) == 0
        err = capsys.readouterr().err
        assert "2 codebook versions" in err and "Typed study 1, Typed study 2" in err
    finally:
        project.close()


def test_a_consensus_without_a_field_that_does_not_apply_is_whole(project_location):
    """reason is required, but not asked of a named source: a decision without it is a
    whole one; the consensus's article fields fill the articles layout's consensus row."""
    project = typed_articles(project_location("p.annotator"))
    try:
        unit = lookups.find_unit(project, "harbor-deal#2").id
        support.add_consensus(project, unit, {"source": "named"})
        article_id = lookups.find_unit(project, "harbor-deal#2").article_id
        article_unit = lookups.article_unit_id(project, article_id)
        assert article_unit is not None
        coding.apply_codes(project, "panel", article_unit, {"story_kind": "news"})
        rows = preview_rows(project, ExportOptions("consensus"), limit=100)
        row = next(r for r in rows if r["unit_key"] == "harbor-deal#2")
        assert (row["consensus_source"], row["source"], row["reason"]) == (
            "consensus",
            "named",
            "NA",
        )
        articles = preview_rows(project, ExportOptions("articles"), limit=100)
        consensus = next(
            r for r in articles if r["article_key"] == "harbor-deal" and r["coder"] == "consensus"
        )
        assert (consensus["story_kind"], consensus["column_author"]) == ("news", "NA")
    finally:
        project.close()


def test_wide_has_every_unit_field_per_coder_with_not_applicable(typed, tmp_path):
    path = tmp_path / "wide.csv"
    export(typed, path, ExportOptions("wide"))
    frame = read_csv(path, dtype=str, keep_default_na=False)
    codes = [c for c in frame.columns if "__" in c and not c.startswith(("note__", "coded_at__"))]
    assert codes == [f"{key}__{coder}" for key in UNIT_FIELDS for coder in ("alice", "bob")]
    assert not frame["unit_key"].str.endswith("#0").any()
    second = frame[frame["kind"] == "sentence"].iloc[0]
    assert (second["reason__alice"], second["reason__bob"]) == ("NA", "")
    sav = tmp_path / "wide.sav"
    export(typed, sav, ExportOptions("wide"))
    _, meta = pyreadstat.read_sav(sav, user_missing=True)
    assert meta.missing_ranges["reason__bob"] == [{"lo": -9.0, "hi": -9.0}]
    assert meta.column_names_to_labels["reason__bob"] == "Reason for anonymity given (bob)"


def test_a_fields_not_applicable_value_is_one_across_coders(project_location, tmp_path):
    """alice's -9 is a value: the number field's not-applicable value is -99 in every
    coder's column of the wide .sav, not -9 in bob's."""
    from annotator.core.codebook import parse_codebook

    book = parse_codebook(
        {
            "format": 2,
            "name": "Counts",
            "version": "1",
            "fields": [
                {
                    "key": "has",
                    "label": "Has a count",
                    "categories": [{"code": "yes", "label": "Yes"}, {"code": "no", "label": "No"}],
                },
                {
                    "key": "count",
                    "label": "Count",
                    "type": "number",
                    "when": {"field": "has", "in": ["yes"]},
                },
            ],
        }
    )
    project = Project.create(project_location("p.annotator"), book)
    try:
        assert not import_paths(project, ARTICLES[:1]).failures
        unit = lookups.find_unit(project, "harbor-deal#2").id
        coding.apply_codes(project, "alice", unit, {"has": "yes", "count": "-9"})
        coding.apply_codes(project, "bob", unit, {"has": "no"})
        path = tmp_path / "wide.sav"
        export(project, path, ExportOptions("wide"))
        frame, meta = pyreadstat.read_sav(path, user_missing=True)
        for coder in ("alice", "bob"):
            assert meta.missing_ranges[f"count__{coder}"] == [{"lo": -99.0, "hi": -99.0}]
        row = frame[frame["unit_key"] == "harbor-deal#2"].iloc[0]
        assert (row["count__alice"], row["count__bob"]) == (-9, -99)
    finally:
        project.close()
