"""A corpus of hostile input files, generated rather than committed (issue 14).

Zip bombs, HTML nested past the parser's limits, odd file names, a named pipe, text in
UTF-16/32 carrying NULs, binary junk under every supported extension, a truncated Word
document and the edges of the size limits. `build_corpus(folder)` writes them and says
what each one must give; the tests call it into a temporary folder. Run as a script to
look at the files:

    python tests/hostile/make_corpus.py /tmp/hostile

`flood_command(size)` is the command line of a process writing `size` bytes to its
standard output, for feeding an import more standard input than the limit.
"""

from __future__ import annotations

import codecs
import io
import os
import random
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from annotator.core.ingest.formats import MAX_DOCX_MEMBERS, MAX_DOCX_UNCOMPRESSED
from annotator.core.ingest.readers import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "annotator" / "resources" / "samples"
PARAGRAPHS = 400  # in the HTML files whose every paragraph must arrive


@dataclass(frozen=True)
class Expected:
    """What importing a corpus file must give: its articles, or one line of failure.

    `contains` is text every imported article must hold (all of it, for the deep HTML
    pages) or words the failure line must hold.
    """

    imported: bool
    contains: tuple[str, ...] = ()


def build_corpus(folder: Path) -> dict[Path, Expected]:
    """Write every hostile file into `folder` (which must exist); returns what each
    file must give when imported. Files the platform cannot make are left out."""
    corpus: dict[Path, Expected] = {}
    for name, writer in _WRITERS.items():
        made = writer(folder / name)
        if made is not None:
            corpus.update(made)
    return corpus


def flood_command(size: int) -> list[str]:
    """A process that writes `size` bytes of text to standard output, a megabyte at a
    time, and stops quietly when the reader goes away."""
    code = (
        "import sys\n"
        "chunk = b'All work and no play. ' * 47662\n"
        f"left = {size}\n"
        "try:\n"
        "    while left > 0:\n"
        "        sys.stdout.buffer.write(chunk[:left]); left -= len(chunk)\n"
        "    sys.stdout.buffer.flush()\n"
        "except BrokenPipeError:\n"
        "    pass\n"
    )
    return [sys.executable, "-c", code]


def sample_docx(paragraphs: list[tuple[str | None, str]]) -> bytes:
    """A real Word document of these (style, text) paragraphs, made by python-docx."""
    import docx

    document = docx.Document()
    for style, text in paragraphs:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def harbor_docx() -> bytes:
    """The harbor-deal sample as a Word document: title, then a paragraph per block."""
    blocks = (SAMPLES / "harbor-deal.txt").read_text(encoding="utf-8").split("\n\n")
    return sample_docx([("Title", blocks[0]), *((None, block) for block in blocks[1:])])


# -- zip bombs --------------------------------------------------------------------------


def _docx_with_member(path: Path, member: str, size: int, *, zip64: bool = True) -> None:
    """A real .docx with `member` (added, or in place of its own) `size` zero bytes,
    deflated: a zip bomb, some 1,000 times smaller than it inflates."""
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(io.BytesIO(harbor_docx())) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != member:
                archive.writestr(name, data)
        with archive.open(member, "w", force_zip64=zip64) as out:
            for start in range(0, size, len(chunk)):
                out.write(chunk[: size - start])


def _bomb(path: Path) -> dict[Path, Expected]:
    _docx_with_member(path, "word/media/padding.bin", MAX_DOCX_UNCOMPRESSED + 1_000_000)
    return {path: Expected(False, ("inflates to", "limit"))}


def _ratio_bomb(path: Path) -> dict[Path, Expected]:
    _docx_with_member(path, "word/media/padding.bin", 5_000_000)  # small, but 1,000:1
    return {path: Expected(False, ("inflates", "times", "zip bomb"))}


def _lying_bomb(path: Path) -> dict[Path, Expected]:
    """A bomb whose zip directory states 1,000 bytes for a member that inflates to 30 MB:
    zipfile inflates no more than the stated size, and then the check sum fails."""
    _docx_with_member(path, "word/document.xml", 30_000_000, zip64=False)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    small = (1000).to_bytes(4, "little")
    data[info.header_offset + 22 : info.header_offset + 26] = small  # local header
    central = bytes(data).index(b"PK\x01\x02", data.index(b"PK\x01\x02"))
    while True:  # the member's entry in the central directory
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_length] == b"word/document.xml":
            break
        central = bytes(data).index(b"PK\x01\x02", central + 46)
    data[central + 24 : central + 28] = small
    path.write_bytes(bytes(data))
    return {path: Expected(False, ("damaged",))}


def _many_parts(path: Path) -> dict[Path, Expected]:
    with zipfile.ZipFile(io.BytesIO(harbor_docx())) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        for number in range(MAX_DOCX_MEMBERS):
            archive.writestr(f"junk/part{number}.xml", b"")
    return {path: Expected(False, ("parts", "limit"))}


def _truncated_docx(path: Path) -> dict[Path, Expected]:
    data = harbor_docx()
    path.write_bytes(data[: len(data) // 2])
    return {path: Expected(False, ("damaged",))}


# -- HTML nested deep --------------------------------------------------------------------


def _paragraph(number: int, page: str = "") -> str:
    return f"Paragraph {number} says the {page} council met."


def _unclosed_font(path: Path) -> dict[Path, Expected]:
    body = "".join(f"<p><font>{_paragraph(n, 'font')}" for n in range(PARAGRAPHS))
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return {path: Expected(True, tuple(_paragraph(n, "font") for n in range(PARAGRAPHS)))}


def _nested_divs(path: Path) -> dict[Path, Expected]:
    after = "".join(f"<p>{_paragraph(n, 'div')}</p>" for n in range(1, PARAGRAPHS))
    page = "<div>" * 255 + f"<p>{_paragraph(0, 'div')}</p>" + "</div>" * 255 + after
    path.write_text(f"<html><body>{page}</body></html>", encoding="utf-8")
    return {path: Expected(True, tuple(_paragraph(n, "div") for n in range(PARAGRAPHS)))}


def _too_deep(path: Path) -> dict[Path, Expected]:
    page = "<div>" * 5000 + _paragraph(0) + "</div>" * 5000 + f"<p>{_paragraph(1)}</p>"
    path.write_text(f"<html><body>{page}</body></html>", encoding="utf-8")
    return {path: Expected(False, ("nested more than", "deep"))}


def _comment_first(path: Path) -> dict[Path, Expected]:
    path.write_text(
        "<!-- saved by a browser --><html><body><p>The mayor said the port reopens.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    return {path: Expected(True, ("The mayor said the port reopens.",))}


# -- odd names, a named pipe, sizes ----------------------------------------------------------

_ARTICLE = "Harbour deal\n\nOfficials said talks resume on Monday.\n"


def _undecodable_name(path: Path) -> dict[Path, Expected] | None:
    if os.name != "posix" or sys.platform == "darwin":  # macOS names must be UTF-8
        return None
    odd = Path(os.fsdecode(os.fsencode(path.parent) + b"/caf\xe9-\xff.txt"))
    odd.write_text(_ARTICLE.replace("Monday", "Tuesday"), encoding="utf-8")
    return {odd: Expected(True, ("Tuesday",))}


def _newline_name(path: Path) -> dict[Path, Expected] | None:
    if os.name != "posix":
        return None
    odd = path.parent / "two\nlines\x1b[31m.txt"
    odd.write_text(_ARTICLE.replace("Monday", "Wednesday"), encoding="utf-8")
    return {odd: Expected(True, ("Wednesday",))}


def _long_name(path: Path) -> dict[Path, Expected]:
    odd = path.parent / ("very-long-" * 24 + ".txt")  # 244 characters, near the limit
    odd.write_text(_ARTICLE.replace("Monday", "Thursday"), encoding="utf-8")
    return {odd: Expected(True, ("Thursday",))}


def _named_pipe(path: Path) -> dict[Path, Expected] | None:
    if not hasattr(os, "mkfifo"):
        return None
    os.mkfifo(path)  # nobody ever writes to it: opening it would wait forever
    return {path: Expected(False, ("named pipe",))}


def _too_large(path: Path) -> dict[Path, Expected]:
    with path.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    return {path: Expected(False, ("too large",))}


def _long_csv_cell(path: Path) -> dict[Path, Expected]:
    sentence = "The committee said the harbour plan was approved. "
    text = sentence * (200_000 // len(sentence) + 1)
    path.write_text(f'id,title,text\nlong,Long article,"{text}"\n', encoding="utf-8")
    return {path: Expected(True, (text.strip(),))}


# -- encodings and junk -------------------------------------------------------------------


def _utf_with_nul(path: Path) -> dict[Path, Expected]:
    text = "Harbour deal\n\nOfficials said\x00 talks resume.\n"
    made = {}
    for suffix, bom, encoding in (
        ("le.txt", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("be.md", codecs.BOM_UTF16_BE, "utf-16-be"),
        ("32.html", codecs.BOM_UTF32_LE, "utf-32-le"),
        ("be.csv", codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        file = path.with_name(f"{path.name}-{suffix}")
        content = text if not suffix.endswith("csv") else f'id,text\nx,"{text}"\n'
        file.write_bytes(bom + content.encode(encoding))
        made[file] = Expected(False, ("binary",))
    return made


def _junk(path: Path) -> dict[Path, Expected]:
    rng = random.Random(14)
    made = {}
    for suffix in (".txt", ".md", ".html", ".csv", ".docx"):
        file = path.with_suffix(suffix)
        file.write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
        made[file] = Expected(False, ())
    return made


_WRITERS = {
    "bomb.docx": _bomb,
    "ratio-bomb.docx": _ratio_bomb,
    "lying-bomb.docx": _lying_bomb,
    "many-parts.docx": _many_parts,
    "truncated.docx": _truncated_docx,
    "unclosed-font.html": _unclosed_font,
    "nested-divs.html": _nested_divs,
    "too-deep.html": _too_deep,
    "comment-first.html": _comment_first,
    "undecodable": _undecodable_name,
    "newline": _newline_name,
    "long": _long_name,
    "pipe.txt": _named_pipe,
    "too-large.txt": _too_large,
    "long-cell.csv": _long_csv_cell,
    "nul-utf": _utf_with_nul,
    "junk": _junk,
}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/hostile/make_corpus.py FOLDER")
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for file, expected in build_corpus(target).items():
        outcome = "imported" if expected.imported else "refused"
        print(f"{outcome:<9} {os.fsencode(file.name)!r}")
