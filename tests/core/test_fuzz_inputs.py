"""Hostile input: every importer, the codebook parser and the agreement CSV reader (issue 7).

Each input must end in a good result or an AnnotatorError with a one-line message, never
another exception; an import must never leave a half-written article behind.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from annotator.core.agreement.reliability_csv import read_reliability_csv
from annotator.core.codebook import BUNDLED_CODEBOOKS, bundled_codebook_path, parse_codebook
from annotator.core.errors import AnnotatorError
from annotator.core.ingest.documents import ReadResult
from annotator.core.ingest.into_project import import_paths
from annotator.core.ingest.readers import read_bytes, read_file
from annotator.core.ingest.segmentation import article_units
from annotator.core.store.article_units import TEXT_UNIT
from annotator.core.store.models import Article, Unit
from tests.hostile.make_corpus import sample_docx

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TEXT_FORMATS = ("txt", "md", "html", "csv", "pdf", "rtf")
# Text a user could plausibly have: any printable character, plus tabs and line breaks.
PRINTABLE = st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n\r")
WORDS = st.sampled_from(
    ["By", "Anna Berg", "said", "officials", "4 November 2026", "·", "—", "\u00a0", "Dr.", "..."]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)


def ends_cleanly(call: Callable[[], object]) -> object | None:
    """The result, or None after an AnnotatorError with a one-line message; anything else
    (a traceback for the user) propagates and fails the test."""
    try:
        return call()
    except AnnotatorError as error:
        message = str(error)
        assert message.strip(), "an error with no message"
        assert "\n" not in message and "\r" not in message, repr(message)
        return None


def units_cover_the_text(result: ReadResult | None) -> None:
    """Each article read makes units that hold all its text (segmentation.article_units
    raises UncoveredText otherwise), in every format."""
    for article in result.articles if result is not None else []:
        article_units(article)


def prose(max_size: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(WORDS, st.text(PRINTABLE, max_size=40)), max_size=max_size).map(
        " ".join
    )


# -- article importers -----------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=3000), fmt=st.sampled_from(TEXT_FORMATS))
def test_read_bytes_on_random_bytes(data, fmt):
    ends_cleanly(lambda: read_bytes(data, f"fuzz.{fmt}", fmt))


@FUZZ
@given(
    text=prose(),
    fmt=st.sampled_from(TEXT_FORMATS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]),
)
def test_read_bytes_on_random_text(text, fmt, encoding):
    data = text.encode(encoding, errors="ignore")
    result = ends_cleanly(lambda: read_bytes(data, f"fuzz.{fmt}", fmt))
    if result is not None:
        for article in result.articles:
            assert article.text.strip()
            for block in article.blocks:
                assert 0 <= block.start <= block.end <= len(article.text)
    units_cover_the_text(result)


TAGS = st.sampled_from(
    ["h1", "h2", "p", "div", "article", "script", "style", "nav", "title", "meta", "br", "li"]
)


@FUZZ
@given(
    parts=st.lists(
        st.tuples(TAGS, prose(8), st.booleans()),
        max_size=12,
    )
)
def test_html_from_random_elements(parts):
    page = "".join(
        f"<{tag}>{text}</{tag}>" if closed else f"<{tag} {text}>" for tag, text, closed in parts
    )
    units_cover_the_text(ends_cleanly(lambda: read_bytes(page.encode(), "fuzz.html", "html")))


COLUMNS = st.sampled_from(["id", "text", "title", "outlet", "author", "url", "published", "x"])


@FUZZ
@given(
    header=st.lists(COLUMNS, max_size=6),
    rows=st.lists(st.lists(prose(6), max_size=7), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_csv_batches_with_random_columns_and_rows(header, rows, delimiter):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    units_cover_the_text(
        ends_cleanly(lambda: read_bytes(out.getvalue().encode(), "fuzz.csv", "csv"))
    )


DOCX_STYLES = st.sampled_from([None, "Title", "Heading 1", "Heading 2", "List Bullet"])
# Word documents cannot hold control characters, so neither can a real .docx.
DOCX_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn"), exclude_characters="\ufffe"),
    max_size=60,
)


@settings(FUZZ, max_examples=60)
@given(paragraphs=st.lists(st.tuples(DOCX_STYLES, DOCX_TEXT), max_size=8))
def test_docx_files_built_from_random_text(paragraphs):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.docx"
        path.write_bytes(sample_docx(paragraphs))
        result = ends_cleanly(lambda: read_file(path))
    units_cover_the_text(result)
    if any(text.strip() for _, text in paragraphs):
        assert result is not None and result.articles[0].text.strip()


@pytest.fixture(scope="module")
def good_docx() -> bytes:
    return sample_docx([("Title", "Harbour deal"), (None, "Officials said talks resume.")])


@FUZZ
@given(
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_damaged_docx(good_docx, edits, cut):
    data = bytearray(good_docx)
    for position, value in edits:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data)]
    ends_cleanly(lambda: read_bytes(bytes(data), "fuzz.docx", "docx"))


ARCHIVE_LINES = st.sampled_from(
    [
        "1 of 3 DOCUMENTS",
        "8 of 383 DOCUMENTS",
        "2 von 3 DOKUMENTEN",
        "BYLINE: By Anna Berg",
        "LENGTH: 355 words",
        "KOP:",
        "LOAD-DATE: January 12, 2010",
        "LANGUAGE: ENGLISH",
        "Copyright 2010 Courier",
        "January 11, 2010 Monday 9:20 AM GMT",
        "2. September 2011",
        "Documents (3)",
        "Body",
        "Classification",
        "End of Document",
        "HD|Harbour deal stalls|",
        "HD\tHarbour deal stalls",
        "TD|",
        "LP    A lead paragraph.",
        "PD\t11 January 2010",
        "WC\t412 words",
        "233 Wörter",
        "AN|Document PCOUR00020100111e61b0000a|",
        "Dokument NWKUR00020110902e7920000c",
        "Search Summary",
        "|",
        "",
    ]
)
ARCHIVES = Path(__file__).resolve().parents[1] / "data" / "archives"


@FUZZ
@given(lines=st.lists(st.one_of(ARCHIVE_LINES, prose(6)), max_size=40))
def test_archive_exports_built_from_random_lines(lines):
    """Text with an export's lines in any order, as .txt and as the paragraphs of a .docx:
    articles or one clear line, never a traceback."""
    text = "\n".join(lines)
    ends_cleanly(lambda: read_bytes(text.encode("utf-8"), "fuzz.txt", "txt"))
    paragraphs = [(None, line) for line in lines if line.strip()]
    if paragraphs:
        docx = sample_docx(paragraphs)
        ends_cleanly(lambda: read_bytes(docx, "fuzz.docx", "docx"))


@FUZZ
@given(
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.one_of(st.none(), st.integers(0, 10**6)),
    fixture=st.sampled_from(["nexis-uni-printed.pdf", "factiva-codes.rtf", "factiva-de.rtf"]),
)
def test_damaged_pdf_and_rtf_exports(edits, cut, fixture):
    data = bytearray((ARCHIVES / fixture).read_bytes())
    for position, value in edits:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data)]
    ends_cleanly(lambda: read_bytes(bytes(data), f"fuzz-{fixture}", fixture.rsplit(".")[-1]))


# -- importing into a project ---------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_project(module_project_location):
    from annotator.core.codebook import bundled_codebook
    from annotator.core.store.project import Project

    project = Project.create(module_project_location("fuzz.annotator"), bundled_codebook())
    yield project
    project.close()


def article_and_unit_counts(project) -> tuple[int, int]:
    with project.reading() as session:
        return (
            session.exec(select(func.count()).select_from(Article)).one(),
            session.exec(select(func.count()).select_from(Unit).where(TEXT_UNIT)).one(),
        )


def check_whole_articles(project, after_id: int) -> None:
    """Every article imported since `after_id` has units, each exactly a slice of its text."""
    with project.reading() as session:
        for article in session.exec(select(Article).where(Article.id > after_id)):
            units = session.exec(select(Unit).where(Unit.article_id == article.id, TEXT_UNIT)).all()
            assert units, f"article {article.key} has no units"
            for unit in units:
                assert unit.text == article.text[unit.start : unit.end]


@FUZZ
@given(
    files=st.lists(
        st.tuples(
            st.sampled_from(["txt", "md", "html", "csv", "docx", "pdf"]),
            st.one_of(st.binary(max_size=1500), prose().map(str.encode)),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_importing_random_files_never_leaves_half_an_article(fuzz_project, files):
    before = article_and_unit_counts(fuzz_project)
    with fuzz_project.reading() as session:
        last_id = session.exec(select(func.max(Article.id))).one() or 0
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, (suffix, data) in enumerate(files):
            path = Path(folder) / f"file{number}.{suffix}"
            path.write_bytes(data)
            paths.append(path)
        report = ends_cleanly(lambda: import_paths(fuzz_project, paths))
    assert report is not None, "import_paths reports problems per file, it does not raise"
    for line in report.failures:
        assert "\n" not in line
    articles, units = article_and_unit_counts(fuzz_project)
    assert (articles - before[0], units - before[1]) == (len(report.imported), report.units)
    check_whole_articles(fuzz_project, last_id)


# -- codebooks --------------------------------------------------------------------------------


@FUZZ
@given(data=JSON_VALUES)
def test_codebook_parser_on_random_json(data):
    ends_cleanly(lambda: parse_codebook(data, "fuzz.json"))


def bundled(name: str) -> dict:
    return json.loads(bundled_codebook_path(name).read_text(encoding="utf-8"))


@st.composite
def mutated_codebooks(draw) -> object:
    """A bundled codebook with a few of its values replaced, keys deleted or lists cut."""
    book = copy.deepcopy(bundled(draw(st.sampled_from(sorted(BUNDLED_CODEBOOKS)))))
    for _ in range(draw(st.integers(1, 4))):
        node = book
        while True:
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            if not children:
                break
            key, child = draw(st.sampled_from(children))
            if isinstance(child, dict | list) and child and draw(st.booleans()):
                node = child
                continue
            action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
            if action == "replace":
                node[key] = draw(JSON_VALUES)
            elif action == "delete":
                del node[key]
            elif isinstance(node, list):
                node.append(copy.deepcopy(child))
            break
    return book


@FUZZ
@given(book=mutated_codebooks())
def test_codebook_parser_on_mutated_bundled_codebooks(book):
    parsed = ends_cleanly(lambda: parse_codebook(book, "mutated.json"))
    if parsed is not None:
        assert parse_codebook(json.loads(parsed.to_json())) == parsed


# -- agreement CSV ----------------------------------------------------------------------------


def read_csv_bytes(data: bytes, level: str = "nominal"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ratings.csv"
        path.write_bytes(data)
        return ends_cleanly(lambda: read_reliability_csv(path, level))


@FUZZ
@given(data=st.binary(max_size=2000), level=st.sampled_from(["nominal", "ordinal", "interval"]))
def test_reliability_csv_on_random_bytes(data, level):
    read_csv_bytes(data, level)


CSV_NAMES = st.sampled_from(["unit", "coder", "value", "field", "ann", "bob", "Unit", ""])
CELLS = st.one_of(
    st.sampled_from(["", "1", "2", "3.5", "nan", "inf", "-1e308", "a", "b", " "]),
    st.text(PRINTABLE, max_size=8),
)


@FUZZ
@given(
    header=st.lists(CSV_NAMES, min_size=1, max_size=5),
    rows=st.lists(st.lists(CELLS, max_size=6), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    level=st.sampled_from(["nominal", "ordinal", "interval", "ratio"]),
)
def test_reliability_csv_with_random_tables(header, rows, delimiter, level):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    read_csv_bytes(out.getvalue().encode(), level)


# -- bugs the fuzzing above once found, kept as plain regression examples --------------------


@pytest.mark.parametrize("damage", ["deflate data", "compression method"])
def test_damaged_docx_compression_is_a_clear_error(good_docx, damage):
    data = bytearray(good_docx)
    if damage == "deflate data":
        data[49] = 0  # inside the first member's compressed bytes
    else:
        central = bytes(data).index(b"PK\x01\x02")  # zipfile trusts the central directory
        data[central + 10 : central + 12] = (99).to_bytes(2, "little")  # compression method
    with pytest.raises(AnnotatorError, match=r"fuzz\.docx"):
        read_bytes(bytes(data), "fuzz.docx", "docx")


@pytest.mark.parametrize("content", [b'""\r\n', b'"",""\n'])
def test_reliability_csv_of_empty_cells_is_a_clear_error(tmp_path, content):
    path = tmp_path / "ratings.csv"
    path.write_bytes(content)
    with pytest.raises(AnnotatorError, match=r"ratings\.csv"):
        read_reliability_csv(path)
