"""Reading article files of every supported format, and refusing bad ones in one line."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from annotator.core.errors import InputError
from annotator.core.ingest import readers
from annotator.core.ingest.documents import ParsedArticle
from annotator.core.ingest.readers import iso_date, parse_byline, read_bytes, read_file
from annotator.core.ingest.segmentation import segment

DATA = Path(__file__).resolve().parents[1] / "data"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def only_article(path: Path) -> ParsedArticle:
    result = read_file(path)
    assert result.problems == []
    assert len(result.articles) == 1
    return result.articles[0]


def blocks_of(article: ParsedArticle) -> list[tuple[str, str]]:
    return [(block.kind, article.text[block.start : block.end]) for block in article.blocks]


def assert_built_from_blocks(article: ParsedArticle) -> None:
    """Structured formats store exactly their blocks, joined by blank lines."""
    assert article.text == "\n\n".join(text for _, text in blocks_of(article))


def error_line(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- plain text -------------------------------------------------------------------------


def test_plain_text_is_stored_as_decoded_with_the_first_line_as_title() -> None:
    path = DATA / "border-talks.txt"
    article = only_article(path)
    assert article.text == path.read_text(encoding="utf-8")
    assert article.title == "Neighbours agree to resume border talks after two-year pause"
    assert article.key_hint == "border-talks"
    assert article.source == str(path)
    assert ("heading", "Regional pressure") in blocks_of(article)


def test_plain_text_without_a_title_line_is_titled_from_its_file_name(tmp_path: Path) -> None:
    article = only_article(write(tmp_path, "port_deal-2026.txt", "The port said so.\nIt did."))
    assert article.title == "Port deal 2026"
    assert all(kind != "title" for kind, _ in blocks_of(article))


def test_windows_newlines_and_bom_are_normalised(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfTitle here\r\n\r\nFirst sentence. Second one.\r\n"
    article = only_article(write(tmp_path, "a.txt", data))
    assert article.text == "Title here\n\nFirst sentence. Second one.\n"
    units = segment(article.text, article.blocks)
    assert [article.text[u.start : u.end] for u in units] == [
        "Title here",
        "First sentence.",
        "Second one.",
    ]


def test_cp1252_file_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "cafe.txt", "Café — naïve\n\nThe café opened.".encode("cp1252"))
    article = only_article(path)
    assert article.title == "Café — naïve"
    assert article.text.endswith("The café opened.")


def test_plain_text_byline_is_dropped_from_units_but_kept_in_text(tmp_path: Path) -> None:
    text = "Port deal agreed\n\nBy Jane Roe · 4 November 2026\n\nThe port agreed."
    article = only_article(write(tmp_path, "a.txt", text))
    assert article.text == text
    assert blocks_of(article) == [("title", "Port deal agreed"), ("paragraph", "The port agreed.")]
    assert (article.author, article.published) == ("Jane Roe", "2026-11-04")


def test_a_paragraph_starting_with_by_is_not_a_byline(tmp_path: Path) -> None:
    text = "Title\n\nBy the end of the year, the port will be sold."
    article = only_article(write(tmp_path, "a.txt", text))
    assert blocks_of(article)[1] == ("paragraph", "By the end of the year, the port will be sold.")
    assert article.author is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Staff Reporter · 4 November 2026", ("Staff Reporter", "2026-11-04")),
        ("BY JANE ROE AND JOHN DOE | Nov. 4, 2026", ("JANE ROE AND JOHN DOE", "2026-11-04")),
        ("By Ana de la Cruz, Reuters", ("Ana de la Cruz", None)),
        ("By the end of the year", None),
        ("By Staff Reporter " + "x" * 120, None),
        ("Staff Reporter · 4 November 2026", None),
    ],
)
def test_parse_byline(line: str, expected: tuple[str, str | None] | None) -> None:
    assert parse_byline(line) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-04", "2026-11-04"),
        ("2026-11-04T08:00:00Z", "2026-11-04"),
        ("4 November 2026", "2026-11-04"),
        ("Tuesday, 4 Nov 2026", "2026-11-04"),
        ("November 4th, 2026", "2026-11-04"),
        ("Sept 3, 2025", "2025-09-03"),
        ("04.11.2026", "2026-11-04"),
        ("31 February 2026", None),
        ("4 Smarch 2026", None),
        ("London", None),
        ("", None),
    ],
)
def test_iso_date(value: str, expected: str | None) -> None:
    assert iso_date(value) == expected


# --- Markdown ---------------------------------------------------------------------------

MARKDOWN = """# Port deal **agreed** at last

By Jane Roe | 2026-11-04

The [port authority](https://example.org/port) said _on Tuesday_ it had agreed
terms with __Ostrava Lines__. ![chart](chart.png)

## What comes next

* Unions meet on `Friday`
+ The board votes \\*before\\* March

> "We are pleased," a spokesperson said. Costs &amp; fees were not disclosed.

Key figures
-----------

The snake_case_name and 2 * 3 stay as written.

[port]: https://example.org/port
"""


def test_markdown_markup_is_stripped_and_headings_become_blocks(tmp_path: Path) -> None:
    article = only_article(write(tmp_path, "deal.md", MARKDOWN))
    assert article.title == "Port deal agreed at last"
    assert (article.author, article.published) == ("Jane Roe", "2026-11-04")
    assert blocks_of(article) == [
        ("title", "Port deal agreed at last"),
        (
            "paragraph",
            "The port authority said on Tuesday it had agreed\nterms with Ostrava Lines.",
        ),
        ("heading", "What comes next"),
        ("paragraph", "- Unions meet on Friday"),
        ("paragraph", "- The board votes *before* March"),
        ("paragraph", '"We are pleased," a spokesperson said. Costs & fees were not disclosed.'),
        ("heading", "Key figures"),
        ("paragraph", "The snake_case_name and 2 * 3 stay as written."),
    ]
    assert_built_from_blocks(article)
    assert "](" not in article.text and "**" not in article.text and "#" not in article.text


def test_markdown_second_level_first_heading_is_not_the_title(tmp_path: Path) -> None:
    article = only_article(write(tmp_path, "notes.markdown", "## Background\n\nSome text."))
    assert article.title == "Notes"
    assert blocks_of(article)[0] == ("heading", "Background")


def test_markdown_plain_first_line_followed_by_blank_is_the_title(tmp_path: Path) -> None:
    article = only_article(write(tmp_path, "a.md", "Port deal agreed\n\nThe *port* agreed."))
    assert blocks_of(article) == [("title", "Port deal agreed"), ("paragraph", "The port agreed.")]


# --- HTML -------------------------------------------------------------------------------


def test_html_sample_keeps_the_article_and_drops_the_rest() -> None:
    article = only_article(DATA / "harbor-deal.html")
    assert article.title == "Port authority weighs new harbour deal with Valdorian shipping group"
    assert blocks_of(article)[0] == ("title", article.title)
    assert ("heading", "Talks gather pace") in blocks_of(article)
    for dropped in (
        "Home",
        "World",
        "tracking",
        "font-family",
        "Most read",
        "Celebrity",
        "2026 The",
    ):
        assert dropped not in article.text
    assert "“We have received an offer" in article.text  # &ldquo; decoded
    assert "Dock workers’ unions" in article.text  # &rsquo; decoded
    assert "By Staff Reporter" not in article.text
    assert (article.author, article.published) == ("Staff Reporter", "2026-11-04")
    assert_built_from_blocks(article)


PAGE = """<?xml version="1.0" encoding="utf-8"?>
<html><head>
<title>Caf&eacute; opens | The Courier</title>
<meta property="og:site_name" content="The Courier">
<link rel="canonical" href="https://courier.example/cafe">
<meta property="article:published_time" content="2026-03-02T08:00:00Z">
<meta name="author" content="Ana Diaz">
</head><body>
<header><a href="/">Courier home</a></header>
<div role="navigation">Sections</div>
<div class="story">
<p>The caf&eacute; &amp; bar opened&nbsp;on Monday &mdash; <b>finally</b>.<!-- ad --> Busy.</p>
<h3>Queues</h3>
<div>Text straight in a div.<br><br>After a double break.</div>
<ul><li>First point</li><li>Second <em>point</em></li></ul>
<p hidden>Hidden text</p>
</div>
<noscript>Enable JavaScript</noscript>
</body></html>"""


def test_html_without_article_or_h1_reads_the_body_and_takes_meta(tmp_path: Path) -> None:
    article = only_article(write(tmp_path, "cafe.html", PAGE))
    assert blocks_of(article) == [
        ("paragraph", "The café & bar opened on Monday — finally. Busy."),
        ("heading", "Queues"),
        ("paragraph", "Text straight in a div."),
        ("paragraph", "After a double break."),
        ("paragraph", "First point"),
        ("paragraph", "Second point"),
    ]
    assert article.title == "Café opens | The Courier"  # no h1: the page title, not in the text
    assert article.outlet == "The Courier"
    assert article.url == "https://courier.example/cafe"
    assert article.published == "2026-03-02"
    assert article.author == "Ana Diaz"


def test_html_title_is_the_h1_even_after_a_kicker_and_outside_text_is_left_out(
    tmp_path: Path,
) -> None:
    page = (
        "<html><body><p>Menu text</p><article><p>Exclusive</p><h1>Port <br><br>deal</h1>"
        "<p>By Ana Diaz</p><p>The port agreed.</p></article> Trailing body text.</body></html>"
    )
    article = only_article(write(tmp_path, "a.html", page))
    assert blocks_of(article) == [
        ("paragraph", "Exclusive"),
        ("title", "Port deal"),
        ("paragraph", "The port agreed."),
    ]
    assert (article.title, article.author) == ("Port deal", "Ana Diaz")


def test_html_with_nothing_to_read_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path, "empty.htm", "<html><body><nav>Home</nav><script>x()</script></body></html>"
    )
    assert error_line(path) == f"{path}: no article text found"


# --- Word documents ---------------------------------------------------------------------


def make_docx(path: Path, paragraphs: list[tuple[str, str]]) -> Path:
    document = docx.Document()
    for style, text in paragraphs:
        document.add_paragraph(text, style=style)
    document.save(str(path))
    return path


def test_docx_styles_become_title_and_headings(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "deal.docx",
        [
            ("Title", "Port deal agreed"),
            ("Normal", "By Jane Roe"),
            ("Normal", "The port agreed.   It said so."),
            ("Normal", "   "),
            ("Heading 1", "Reaction"),
            ("Heading 2", "Unions"),
            ("List Paragraph", "Unions will meet."),
        ],
    )
    article = only_article(path)
    assert blocks_of(article) == [
        ("title", "Port deal agreed"),
        ("paragraph", "The port agreed. It said so."),
        ("heading", "Reaction"),
        ("heading", "Unions"),
        ("paragraph", "Unions will meet."),
    ]
    assert article.title == "Port deal agreed"
    assert article.author == "Jane Roe"
    assert_built_from_blocks(article)


def test_docx_first_heading_1_is_the_title_when_there_is_no_title_style(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "a.docx", [("Heading 1", "Port deal"), ("Normal", "Text.")])
    assert blocks_of(only_article(path))[0] == ("title", "Port deal")


def test_damaged_docx_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.docx", b"PK\x03\x04 not really a zip")
    assert error_line(path) == f"{path}: not a Word (.docx) document, or a damaged one"


# --- CSV batches ------------------------------------------------------------------------

CSV = (
    "ID,Text,Title,Outlet,Author,URL,Published,Section\n"
    'a1,"The port agreed. It said so.\n\nUnions object.",Port deal,Courier,Jane Roe,'
    "https://x.example/a1,4 November 2026,Business\n"
    "a2,,Empty,,,,,\n"
    "a3,Second article text.,,,,,not a date,\n"
    ",No id here.,,,,,,\n"
    "a1,Same id again.,,,,,,\n"
)


def test_csv_rows_become_articles_and_bad_rows_become_problem_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "batch.csv", CSV)
    result = read_file(path)
    assert result.problems == [
        f"{path} row 3: empty text",
        f"{path} row 5: empty id",
        f"{path} row 6: duplicate id a1 (first in row 2)",
    ]
    first, second = result.articles
    assert blocks_of(first) == [
        ("title", "Port deal"),
        ("paragraph", "The port agreed. It said so."),
        ("paragraph", "Unions object."),
    ]
    assert_built_from_blocks(first)
    assert (first.key_hint, first.source) == ("a1", f"{path} row 2")
    assert (first.outlet, first.author, first.url) == (
        "Courier",
        "Jane Roe",
        "https://x.example/a1",
    )
    assert first.published == "2026-11-04"
    assert first.metadata == {"section": "Business"}
    assert second.title == "A3"
    assert second.published is None
    assert second.metadata == {"published": "not a date"}


def test_csv_with_semicolons_as_excel_writes_them_in_many_locales(tmp_path: Path) -> None:
    path = write(tmp_path, "eu.csv", "id;text\nx1;Der Hafen. Er sagte es.\n".encode("cp1252"))
    article = only_article(path)
    assert article.text == "Der Hafen. Er sagte es."


@pytest.mark.parametrize(
    ("header", "missing"),
    [("id,body", "text"), ("name,text", "id"), ("title,outlet", "id or text")],
)
def test_csv_without_required_column_is_refused_naming_the_file(
    tmp_path: Path, header: str, missing: str
) -> None:
    path = write(tmp_path, "batch.csv", f"{header}\n1,2\n")
    assert error_line(path).startswith(f"{path}: no {missing} column (columns: ")


def test_csv_with_only_a_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "batch.csv", "id,text\n")
    assert error_line(path) == f"{path}: no rows after the header"


# --- refusals common to all formats -----------------------------------------------------


def test_unsupported_suffix_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "report.odt", b"PK\x03\x04")
    assert error_line(path).startswith(f"{path}: unsupported file type (.odt); use one of .txt")


def test_a_damaged_pdf_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "report.pdf", b"%PDF-1.7")
    assert error_line(path) == f"{path}: not a PDF, or a damaged one"


def test_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 10)
    path = write(tmp_path, "long.txt", "Eleven bytes")
    assert error_line(path) == f"{path}: file too large (12 bytes; the limit is 10)"


def test_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    assert error_line(path).startswith(f"{path}: cannot read file (")


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.html", "empty.csv"])
def test_empty_files_are_refused(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, " \n\n ")
    assert error_line(path) == f"{path}: empty file"


@pytest.mark.parametrize("name", ["photo.txt", "photo.md", "photo.csv"])
def test_binary_files_are_refused(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    assert error_line(path) == f"{path}: binary file, not text"


def test_undecodable_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "tokyo.txt", "日本語のニュース記事です。".encode("shift_jis"))
    assert error_line(path) == f"{path}: cannot decode text (tried utf-8, cp1252, latin-1)"


# --- standard input ---------------------------------------------------------------------


def test_read_bytes_reads_standard_input_in_any_format() -> None:
    article = read_bytes(b"# Title\n\nText **here**.", "<stdin>", "md").articles[0]
    assert (article.source, article.key_hint, article.title) == ("<stdin>", "stdin", "Title")
    assert article.text == "Title\n\nText here."


def test_read_bytes_refusals_name_the_input(monkeypatch) -> None:
    with pytest.raises(InputError, match=r"^<stdin>: empty file$"):
        read_bytes(b"", "<stdin>")
    with pytest.raises(InputError, match=r"^<stdin>: unsupported format \(odt\)"):
        read_bytes(b"x", "<stdin>", "odt")
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 3)
    with pytest.raises(InputError, match=r"^<stdin>: file too large"):
        read_bytes(b"abcd", "<stdin>")
