"""Hostile files, one failure each (issue 14): nested HTML, zip bombs, named pipes,
endless standard input, parser bugs, undecodable names and long CSV cells.

The generated corpus and the fuzzing of every importer are in tests/hostile/.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from sqlmodel import func, select

from annotator.core.coding.lookups import list_articles, list_units
from annotator.core.errors import InputError
from annotator.core.ingest import formats, into_project, readers
from annotator.core.ingest.into_project import import_paths, import_stdin
from annotator.core.ingest.readers import read_bytes, read_file
from annotator.core.log_file import current_log_file
from annotator.core.store.models import Article
from tests.hostile.make_corpus import harbor_docx

DATA = Path(__file__).resolve().parents[1] / "data"


def sentences(n: int) -> list[str]:
    return [f"Paragraph {number} says the council met." for number in range(n)]


# -- HTML nested past the parser's limit ------------------------------------------------------


def test_unclosed_tags_nesting_past_256_levels_lose_no_paragraph() -> None:
    """400 paragraphs each leaving a <font> open once imported as 127 units."""
    page = "<html><body>" + "".join(f"<p><font>{s}" for s in sentences(400)) + "</body></html>"
    article = read_bytes(page.encode(), "font.html", "html").articles[0]
    assert article.text.split("\n\n") == sentences(400)


def test_text_after_255_nested_divs_is_kept() -> None:
    first, *rest = sentences(50)
    page = "<div>" * 255 + f"<p>{first}</p>" + "</div>" * 255
    page += "".join(f"<p>{text}</p>" for text in rest)
    article = read_bytes(f"<html><body>{page}</body></html>".encode(), "d.html", "html").articles[0]
    assert article.text.split("\n\n") == [first, *rest]


def test_html_deeper_than_can_be_read_whole_is_refused_in_one_line() -> None:
    page = "<div>" * 5000 + "Deep." + "</div>" * 5000 + "<p>After.</p>"
    with pytest.raises(InputError) as caught:
        read_bytes(page.encode(), "deep.html", "html")
    assert str(caught.value) == (
        "deep.html: not read: HTML nested more than 2,048 elements deep (unclosed tags?), "
        "deeper than can be read whole"
    )


def test_a_comment_before_the_html_element_is_read() -> None:
    """An AssertionError inside lxml's drop_tree once aborted the whole import."""
    page = b"<!-- saved from url --><html><body><p>The port reopens.</p></body></html>"
    assert read_bytes(page, "saved.html", "html").articles[0].text == "The port reopens."


# -- zip bombs ----------------------------------------------------------------------------------


def docx_with_zeros(size: int) -> bytes:
    """A real .docx plus `size` zero bytes in one more part: a few kilobytes of deflate."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(harbor_docx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            for start in range(0, size, 1 << 20):
                member.write(bytes(min(1 << 20, size - start)))
    return out.getvalue()


BOMB_LINE = (
    r"^{name}\.docx: not read: the \.docx inflates to {size}[\d,]* bytes \(the limit is "
    r"40,000,000\); a zip bomb or not a document of text$"
)


def test_a_docx_inflating_past_the_limit_is_refused_before_it_is_read(monkeypatch) -> None:
    bomb = docx_with_zeros(formats.MAX_DOCX_UNCOMPRESSED + 1)
    assert len(bomb) < 100_000  # small on disk
    read_parts: list[str] = []
    monkeypatch.setattr(
        zipfile.ZipFile, "read", lambda self, name, pwd=None: read_parts.append(name)
    )
    with pytest.raises(InputError, match=BOMB_LINE.format(name="bomb", size="40,827,883")):
        read_bytes(bomb, "bomb.docx", "docx")
    assert read_parts == []  # python-docx never got to read a part


def test_a_docx_declaring_gigabytes_in_its_zip_directory_is_refused() -> None:
    """Only the directory is looked at: what it states is what zipfile would inflate."""
    data = bytearray(harbor_docx())
    central = data.index(b"PK\x01\x02")  # the first part's entry in the zip directory
    data[central + 24 : central + 28] = (4_000_000_000).to_bytes(4, "little")
    with pytest.raises(InputError, match=BOMB_LINE.format(name="declared", size="4,000,")):
        read_bytes(bytes(data), "declared.docx", "docx")


def test_a_docx_part_inflating_a_thousand_times_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        read_bytes(docx_with_zeros(5_000_000), "ratio.docx", "docx")
    assert str(caught.value) == (
        "ratio.docx: not read: word/media/zeros.bin in the .docx inflates 1,026 times "
        "(the limit is 100); a zip bomb"
    )


def test_a_real_docx_is_far_inside_the_limits() -> None:
    article = read_bytes(harbor_docx(), "harbor.docx", "docx").articles[0]
    assert article.title.startswith("Port authority weighs new harbour deal")


# -- named pipes and standard input -------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_in_a_folder_is_reported_and_the_rest_goes_in(tmp_path, empty_project):
    """Opening a pipe nobody writes to waits forever: this test would hang, not fail."""
    (tmp_path / "story.txt").write_text("Harbour\n\nOfficials said so.\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    report = import_paths(empty_project, [tmp_path])
    assert report.imported == ["story"]
    assert report.failures == [
        f"{tmp_path / 'pipe.txt'}: not a regular file (a named pipe); skipped"
    ]


class EndlessInput(io.RawIOBase):
    """Standard input that never ends, counting what is read of it."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:] = b"a" * len(buffer)
        self.taken += len(buffer)
        return len(buffer)


def test_standard_input_past_the_limit_is_refused_after_reading_one_byte_more(
    monkeypatch, empty_project
):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    stream = EndlessInput()
    report = import_stdin(empty_project, io.BufferedReader(stream, 64), "txt")
    assert report.failures == ["<stdin>: too large (over the limit of 1,000 bytes)"]
    assert stream.taken <= 1000 + 64
    assert list_articles(empty_project) == []


def test_standard_input_within_the_limit_is_read_from_the_stream(empty_project):
    report = import_stdin(empty_project, io.BytesIO(b"From a pipe\n\nIt works."), "txt")
    assert [unit.text for unit in list_units(empty_project)] == ["From a pipe", "It works."]
    assert report.failures == []


# -- one bad file never stops the others ----------------------------------------------------------


def test_an_unexpected_error_in_one_file_is_its_one_line_and_goes_to_the_log(
    tmp_path, monkeypatch, empty_project
):
    real_read = into_project.read_file

    def breaking_read(path: Path):
        if path.name == "bad.txt":
            raise AssertionError("parser\ninvariant")
        return real_read(path)

    monkeypatch.setattr(into_project, "read_file", breaking_read)
    for name in ("bad.txt", "good.txt"):
        (tmp_path / name).write_text(f"{name}\n\nOfficials said so.\n", encoding="utf-8")
    report = import_paths(empty_project, [tmp_path])
    assert report.imported == ["good"]
    log = current_log_file()
    assert report.failures == [
        f"{tmp_path / 'bad.txt'}: unexpected error (AssertionError: parser); details in {log}"
    ]
    logged = log.read_text(encoding="utf-8")
    assert f"importing {tmp_path / 'bad.txt'}: unexpected AssertionError" in logged
    assert "Traceback" in logged


@pytest.mark.skipif(os.name != "posix" or os.uname().sysname == "Darwin", reason="UTF-8 names")
def test_a_file_name_with_bytes_that_are_not_utf8_is_imported_under_an_escaped_name(
    tmp_path, empty_project
):
    odd = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.txt"))
    odd.write_text("Harbour\n\nOfficials said so.\n", encoding="utf-8")
    (tmp_path / "next.txt").write_text("Next\n\nOfficials said more.\n", encoding="utf-8")
    report = import_paths(empty_project, [tmp_path])
    assert report.failures == []
    assert report.imported == ["caf-xe9", "next"]
    with empty_project.reading() as session:
        sources = session.exec(select(Article.source).order_by(Article.id)).all()
        assert session.exec(select(func.count()).select_from(Article)).one() == 2
    assert sources == [f"{tmp_path}/caf\\xe9.txt", f"{tmp_path}/next.txt"]
    assert list_articles(empty_project)[0].title == "Harbour"


def test_a_damaged_file_name_escapes_in_the_failure_line(tmp_path) -> None:
    if os.name != "posix" or os.uname().sysname == "Darwin":
        pytest.skip("UTF-8 names")
    odd = Path(os.fsdecode(os.fsencode(tmp_path) + b"/\xff.txt"))
    odd.write_bytes(b"")
    with pytest.raises(InputError) as caught:
        read_file(odd)
    assert str(caught.value) == f"{tmp_path}/\\xff.txt: empty file"


# -- long CSV cells -------------------------------------------------------------------------------


def test_a_csv_cell_longer_than_csvs_own_limit_is_imported_whole(empty_project) -> None:
    sentence = "The committee said the harbour plan was approved. "
    text = (sentence * (200_000 // len(sentence) + 1)).strip()
    assert len(text) > 200_000 > 131_072
    report = import_stdin(empty_project, f'id,title,text\nlong,Long,"{text}"\n'.encode(), "csv")
    assert report.failures == []
    assert list_articles(empty_project)[0].title == "Long"
    units = list_units(empty_project)
    assert " ".join(unit.text for unit in units[1:]) == text


# -- what the fuzzing in tests/hostile found ------------------------------------------------------


@pytest.mark.parametrize("character", ["\x1c", "\x0c", "\ufffe"])
def test_html_with_a_stray_control_character_is_read(character) -> None:
    """lxml kept the character from parsing, then refused it in drop_tree (ValueError)."""
    page = f"<html><body><p>The port reopens.</p><aside>x</aside>{character}<p>Ships wait.</p>"
    article = read_bytes(page.encode(), "stray.html", "html").articles[0]
    assert article.text == "The port reopens.\n\nShips wait."


def test_a_csv_row_problem_quoting_a_cell_with_a_line_break_is_one_line() -> None:
    batch = b'id,text\n"a\nb",First text.\n"a\nb",Second text.\n'
    problems = read_bytes(batch, "batch.csv", "csv").problems
    assert problems == ["batch.csv row 3: duplicate id a\\nb (first in row 2)"]


def test_docx_styles_are_named_as_python_docx_names_them() -> None:
    """The style table (read once, not per paragraph: a file of 300,000 short paragraphs
    took minutes) gives every paragraph the name python-docx's own lookup gives it,
    the default style for paragraphs without one or with an id the document lacks."""
    import docx
    from docx.oxml.ns import qn

    data = sample_docx_with_styles()
    document = docx.Document(io.BytesIO(data))
    document.paragraphs[-1]._p.get_or_add_pPr().get_or_add_pStyle().set(qn("w:val"), "Nonesuch")
    names = formats._docx_paragraph_styles(document)
    looked_up = [names.get(p._p.style, names[None]) for p in document.paragraphs]
    assert looked_up == [p.style.name for p in document.paragraphs]
    assert looked_up == ["Title", "Heading 1", "Heading 2", "List Bullet", "Normal", "Normal"]


def sample_docx_with_styles() -> bytes:
    from tests.hostile.make_corpus import sample_docx

    styles = ["Title", "Heading 1", "Heading 2", "List Bullet", None, None]
    return sample_docx([(style, f"Paragraph in {style}.") for style in styles])
