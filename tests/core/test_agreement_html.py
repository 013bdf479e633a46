"""The self-contained HTML agreement report, parsed back with html.parser (it is HTML5)."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from test_agreement_project import KRIPPENDORFF_2011, PUBLISHED, krippendorff_project

import annotator
from annotator.cli import main
from annotator.core.agreement import ReliabilityData, agreement_report
from annotator.core.agreement.confusion import confusion_matrix
from annotator.core.agreement.from_project import project_agreement
from annotator.core.agreement.html_report import (
    agreement_html,
    pairwise_confusion,
    write_agreement_html,
)
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units

VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source"}
WHEN = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
PIXEL = 0.01  # coordinates are written to two decimals


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag, self.attrs, self.text = tag, attrs, ""

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()

    def number(self, name: str) -> float:
        return float(self.attrs[name])


class Page(HTMLParser):
    """Every element with its attributes and text; fails on a tag closed out of order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.feed(text)
        self.close()
        assert not self.open, f"unclosed: {[e.tag for e in self.open]}"

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.open and self.open[-1].tag == tag, f"</{tag}> closes {self.open[-1].tag}"
        self.open.pop()

    def handle_data(self, data):
        for element in self.open:
            element.text += data

    def find(self, tag: str, cls: str | None = None, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag
            and (cls is None or e.has_class(cls))
            and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


def krippendorff_reports(samples: int = 200):
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    4 coders x 12 units with missing values; alpha .743/.815/.849/.797 by level."""
    rows = [[None if v == "." else v for v in r.split()] for r in KRIPPENDORFF_2011.values()]
    units = [f"u{j}" for j in range(1, 13)]
    categories = {str(n): float(n) for n in range(1, 6)}
    return {
        f"{level}_rating": agreement_report(
            ReliabilityData(f"{level}_rating", units, list("ABCD"), rows, level, categories),
            bootstrap_samples=samples,
        )
        for level in PUBLISHED
    }


def axis(page: Page) -> tuple[float, float]:
    """x of the 0 tick and pixels per unit of alpha, read from the chart's own ticks."""
    ticks = {t.text: t.number("x") for t in page.find("text", "tick")}
    grid = {line.number("x1") for line in page.find("line", "grid")}
    assert ticks["0"] in grid and ticks["1"] in grid  # each tick label sits on a grid line
    return ticks["0"], ticks["1"] - ticks["0"]


@pytest.fixture(scope="module")
def reports():
    return krippendorff_reports()


def test_a_bar_per_field_as_wide_as_alpha_with_its_interval(reports):
    page = Page(agreement_html(reports, source="k.csv", source_type="csv", generated=WHEN))
    zero, scale = axis(page)
    assert scale > 300
    for key, report in reports.items():
        (bar,) = page.find("rect", "bar", data_field=key)
        alpha = report.krippendorff_alpha.value
        assert alpha == pytest.approx(PUBLISHED[report.alpha_level], abs=5e-4)
        assert float(bar.attrs["data-alpha"]) == alpha
        assert bar.number("x") == pytest.approx(zero, abs=PIXEL)
        assert bar.number("width") == pytest.approx(alpha * scale, abs=PIXEL)
        (whisker,) = page.find("g", "whisker", data_field=key)
        at = page.elements.index(whisker)
        span = page.elements[at + 1]  # the horizontal line, then the two end caps
        assert span.number("x1") == pytest.approx(zero + report.alpha_ci_low * scale, abs=PIXEL)
        assert span.number("x2") == pytest.approx(zero + report.alpha_ci_high * scale, abs=PIXEL)
    ratios = {
        round(
            page.find("rect", "bar", data_field=k)[0].number("width") / r.krippendorff_alpha.value
        )
        for k, r in reports.items()
    }
    assert len(ratios) == 1  # widths are proportional to alpha


def test_threshold_lines_at_667_and_800_are_labelled(reports):
    """Krippendorff (2004), Content Analysis, 2nd ed., p. 241: .800 and .667."""
    page = Page(agreement_html(reports, source="k.csv", source_type="csv", generated=WHEN))
    zero, scale = axis(page)
    lines = {float(e.attrs["data-threshold"]): e for e in page.find("line", "threshold")}
    assert set(lines) == {0.8, 0.667}
    for value, line in lines.items():
        assert line.number("x1") == line.number("x2")
        assert line.number("x1") == pytest.approx(zero + value * scale, abs=PIXEL)
    labels = [t.text for t in page.find("text", "threshold-label")]
    assert labels == [".800 reliable", ".667 tentative"]


def test_negative_and_undefined_alpha_are_drawn_honestly():
    """Two coders who always disagree (alpha below 0), and two who always chose one
    code (alpha undefined: no variation, never a bar of 0)."""
    reports = {
        "opposed": agreement_report(
            ReliabilityData("opposed", ["u1", "u2", "u3"], ["a", "b"], [list("xyx"), list("yxy")]),
            bootstrap_samples=0,
        ),
        "same": agreement_report(
            ReliabilityData("same", ["u1", "u2"], ["a", "b"], [list("xx"), list("xx")]),
            bootstrap_samples=0,
        ),
    }
    alpha = reports["opposed"].krippendorff_alpha.value
    assert alpha < 0 and reports["same"].krippendorff_alpha.value is None
    page = Page(agreement_html(reports, source="x.csv", source_type="csv", generated=WHEN))
    zero, scale = axis(page)
    (bar,) = page.find("rect", "bar", data_field="opposed")
    assert bar.number("x") + bar.number("width") == pytest.approx(zero, abs=PIXEL)
    assert bar.number("width") == pytest.approx(-alpha * scale, abs=PIXEL)
    assert not page.find("rect", "bar", data_field="same")
    (undefined,) = page.find("text", "undefined", data_field="same")
    assert "no variation" in undefined.text
    cells = [td for td in page.find("td", "undefined") if "no variation" in td.attrs["title"]]
    assert cells and all(td.text == "undefined" for td in cells)


def test_the_file_refers_to_nothing_outside_itself(reports, project_location):
    project = krippendorff_project(project_location("k.annotator"))
    try:
        result = project_agreement(project, bootstrap_samples=0, by_article=True)
        text = agreement_html(
            result.fields,
            source="k.annotator",
            source_type="project",
            by_article=result.by_article,
            confusion=pairwise_confusion(project, result.fields),
        )
    finally:
        project.close()
    for html in (text, agreement_html(reports, source="k.csv", source_type="csv")):
        page = Page(html)
        external = {"link", "script", "img", "iframe", "object", "embed", "image", "use"}
        assert not [e.tag for e in page.elements if e.tag in external]
        assert not [e for e in page.elements if {"src", "href", "xlink:href"} & set(e.attrs)]
        assert "://" not in html and "url(" not in html and "@import" not in html
        assert page.find("style") and page.find("svg")


def test_hostile_names_labels_and_sources_are_escaped():
    coder = '<script>alert("x")</script>'
    key = 'f"><img src=x onerror=alert(1)>'
    label = "<b>Bold</b> & co"
    article = "<i>art</i>"
    data = ReliabilityData(key, ["u1", "u2", "u3"], [coder, "bob"], [list("aba"), list("abb")])
    report = agreement_report(data, bootstrap_samples=0)
    html = agreement_html(
        {key: report},
        source="<evil>.csv",
        source_type="csv",
        by_article={key: {article: report}},
        field_labels={key: label},
        title="<h1>T</h1>",
    )
    page = Page(html)
    assert not [e.tag for e in page.elements if e.tag in {"script", "img", "b", "i", "evil"}]
    assert [e.tag for e in page.elements].count("h1") == 1
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    (bar,) = page.find("rect", "bar")
    assert bar.attrs["data-field"] == key  # the attribute reads back as the exact key
    text = page.find("body")[0].text
    for original in (coder, label, article, "<evil>.csv", "<h1>T</h1>"):
        assert original in text
    assert page.find("title")[0].text == "<h1>T</h1> · <evil>.csv"


def test_a_project_report_has_a_heat_map_for_each_pair_and_per_article_table(project_location):
    """Krippendorff (2011) section C data coded into a project of three articles."""
    project = krippendorff_project(project_location("k.annotator"), groups=3)
    try:
        result = project_agreement(
            project, ["nominal_rating"], by_article=True, bootstrap_samples=0
        )
        confusion = pairwise_confusion(project, result.fields)
        expected = confusion_matrix(project, "nominal_rating", "A", "C")
    finally:
        project.close()
    matrices = confusion["nominal_rating"]
    assert [(m.coder_a, m.coder_b) for m in matrices] == [
        ("A", "B"), ("A", "C"), ("A", "D"), ("B", "C"), ("B", "D"), ("C", "D"),
    ]  # fmt: skip
    html = agreement_html(
        result.fields,
        source="k.annotator",
        source_type="project",
        by_article=result.by_article,
        confusion=confusion,
        generated=WHEN,
    )
    page = Page(html)
    maps = page.find("svg", "confusion")
    assert len(maps) == 6
    captions = [c.text for c in page.find("figcaption")]
    assert "A (rows) × C (columns): 8 units coded by both" in captions
    # the second heat map is A x C: its cells, row by row, hold the review's counts
    start = page.elements.index(maps[1])
    end = page.elements.index(maps[2])
    cells = [e for e in page.elements[start:end] if e.tag == "rect" and e.has_class("cell")]
    counts = [int(c.attrs["data-count"]) for c in cells]
    assert counts == [n for row in expected.counts for n in row]
    printed = [int(t.text) for t in page.elements[start:end] if t.has_class("count")]
    assert printed == counts and sum(counts) == expected.n_units == 8
    fills = {c.attrs["fill"] for c, n in zip(cells, counts, strict=True) if n == max(counts)}
    assert fills == {"#08306b"}  # the largest count is the darkest
    assert {c.attrs["fill"] for c, n in zip(cells, counts, strict=True) if n == 0} == {"#f7fbff"}

    (table,) = page.find("table", "articles")
    rows = [e for e in page.elements[page.elements.index(table) :] if e.tag == "tr"][1:]
    first_cells = [page.elements[page.elements.index(row) + 1].text for row in rows]
    assert first_cells == ["part-1", "part-2", "part-3"]
    note = page.find("p", "outside-scale")[0].text
    assert note == "The codebook puts no category of this field outside the scale."


def test_outside_scale_handling_is_reported(sample_project):
    """Attribution is ordinal with "not_applicable" outside the scale (bundled codebook)."""
    sentences = [u.id for u in list_units(sample_project, "harbor-deal") if u.kind == "sentence"]
    for coder, codes in (
        ("ann", ["named_person", "not_applicable", "unattributed"]),
        ("bob", ["named_person", "not_applicable", "anonymous_vague"]),
    ):
        for unit_id, code in zip(sentences, codes, strict=False):
            coding.code_unit(sample_project, coder, unit_id, "attribution", code)
    result = project_agreement(sample_project, ["attribution"], bootstrap_samples=0)
    html = agreement_html(
        result.fields,
        source="samples",
        source_type="project",
        confusion=pairwise_confusion(sample_project, result.fields),
        field_labels={"attribution": "Attribution"},
    )
    page = Page(html)
    (note,) = page.find("p", "outside-scale")
    assert "not_applicable" in note.text and "treated as missing values" in note.text
    assert "2 value(s) set aside at the ordinal level" in note.text
    assert "Attribution" in page.find("h2")[1].text


def test_header_names_title_date_source_and_version(reports, tmp_path):
    path = tmp_path / "report.html"
    write_agreement_html(
        path, reports, source="ratings.csv", source_type="csv", title="Pilot 3", generated=WHEN
    )
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    page = Page(html)
    meta = dict(
        zip(
            (e.text for e in page.find("dt")),
            (e.text for e in page.find("dd")),
            strict=True,
        )
    )
    assert meta["Source"] == "ratings.csv" and meta["Generated"] == "2024-05-17 09:30+00:00"
    assert meta["annotator"] == annotator.__version__
    assert meta["95% intervals"].startswith("200 bootstrap samples, seed ")
    assert page.find("h1")[0].text == "Pilot 3"
    values = [td.text for td in page.find("td", "num")]
    assert "0.815" in values and "0.797" in values  # Krippendorff (2011) ordinal, ratio
    assert not page.find("svg", "confusion") and not page.find("p", "outside-scale")


def test_cli_writes_the_report_and_keeps_its_text_output(project_location, tmp_path, capsys):
    location = str(project_location("k.annotator"))
    krippendorff_project(location, groups=3).close()
    out = tmp_path / "report.html"
    argv = ["agreement", location, "--field", "ordinal_rating"]
    code = main([*argv, "--by", "article", "--bootstrap", "0", "--html", str(out)])
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert printed.startswith("ordinal_rating: 12 units, 4 coders, 40 pairable values\n")
    assert f"wrote the report to {out}" in err
    page = Page(out.read_text(encoding="utf-8"))
    assert len(page.find("svg", "confusion")) == 6 and page.find("table", "articles")
    assert page.find("rect", "bar", data_field="ordinal_rating")
    assert "Rating (ordinal)" in page.find("h2")[1].text  # the codebook's label
