"""Bringing articles into a project: read, segment, store, all or nothing per article.

Reading and segmenting happen before the write transaction opens, so a bad file
never leaves a half-written article behind and a slow parse never holds the
write lock.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from annotator.core.codebook import ARTICLE_KIND, ARTICLE_UNIT_IDX
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.ingest.documents import ParsedArticle, ReadResult
from annotator.core.ingest.near_duplicates import NEAR_DUPLICATE_OF, SameDayIndex
from annotator.core.ingest.readers import (
    SUPPORTED_SUFFIXES,
    WORD_BINARY,
    path_label,
    read_bytes,
    read_file,
    read_limited,
)
from annotator.core.ingest.segmentation import article_units
from annotator.core.log_file import log_unexpected
from annotator.core.store.models import Article, Unit, table_of, utcnow
from annotator.core.store.project import Project

BATCH_SIZE = 200  # articles per transaction when a file holds many (CSV batches)
STDIN = "<stdin>"


@dataclass
class ImportReport:
    """What an import did, one line per problem, for the CLI and the GUI alike."""

    imported: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # a folder's files of other types
    units: int = 0
    cancelled: bool = False
    notes: list[str] = field(default_factory=list)  # archive counts, near-duplicates

    def lines(self) -> list[str]:
        return [*self.notes, *self.duplicates, *self.failures, *self.skipped]


Progress = Callable[[int, int, str], bool | None]
"""progress(done, total, current source) -> False to cancel."""


def article_sha256(text: str) -> str:
    """The stable identity of an article: two coders importing it get the same id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def expand_paths(paths: Iterable[str | Path], skipped: list[str] | None = None) -> list[Path]:
    """Files as given, and the supported files inside folders (sorted, recursive).

    Nothing is opened here: a named pipe or device among them is refused by `read_file`
    from its status, as its own failure line. A folder's files of other types are left
    out, and said in `skipped` (one line per folder), never dropped unsaid.
    """
    result: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            result.append(path)
            continue
        inside = sorted(path.rglob("*"))
        result.extend(p for p in inside if p.suffix.lower() in (*SUPPORTED_SUFFIXES, WORD_BINARY))
        others = [p for p in inside if _unsupported_file(path, p)]
        if others and skipped is not None:
            skipped.append(_skipped_line(path, others))
    return result


def _unsupported_file(folder: Path, path: Path) -> bool:
    """A file in `folder` of a type not imported, hidden ones (.DS_Store, .git/) aside."""
    hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
    readable = (*SUPPORTED_SUFFIXES, WORD_BINARY)  # a .doc gets a line of its own
    return not hidden and path.suffix.lower() not in readable and path.is_file()


SKIPPED_NAMED = 5  # at most this many names in a folder's "skipped" line


def _skipped_line(folder: Path, files: list[Path]) -> str:
    names = ", ".join(path_label(p.relative_to(folder)) for p in files[:SKIPPED_NAMED])
    more = f" and {len(files) - SKIPPED_NAMED} more" if len(files) > SKIPPED_NAMED else ""
    return (
        f"{path_label(folder)}: {len(files)} file(s) skipped, not a supported type "
        f"({names}{more}); use one of {', '.join(SUPPORTED_SUFFIXES)}"
    )


def import_paths(
    project: Project,
    paths: Iterable[str | Path],
    progress: Progress | None = None,
    articles: Progress | None = None,
) -> ImportReport:
    """Import files and folders; failures are listed per file and the rest goes in.

    `progress` counts files; `articles` counts the articles of a file that holds many
    (a CSV batch) as they are stored (see `store_articles`).

    A failure nobody foresaw in one file (a bug in a parser, say) is that file's one
    line, its traceback in the log file; it does not stop the others. Problems of the
    project itself (ProjectError: the server gone, the disk full) do stop the import.
    """
    report = ImportReport()
    files = expand_paths(paths, report.skipped)
    for done, path in enumerate(files):
        label = path_label(path)
        if progress is not None and progress(done, len(files), label) is False:
            report.cancelled = True
            break
        _import_one(project, label, functools.partial(read_file, path), report, articles)
        if report.cancelled:
            break
    if progress is not None and not report.cancelled:
        progress(len(files), len(files), "")
    return report


def import_stdin(
    project: Project,
    data: bytes | BinaryIO,
    fmt: str = "txt",
    articles: Progress | None = None,
) -> ImportReport:
    """Import one article (or a CSV batch, `articles` counting it) read from standard
    input: `data` is its bytes or the stream itself, of which no more than the size
    limit (and a byte) is read."""
    report = ImportReport()

    def read() -> ReadResult:
        content = data if isinstance(data, bytes) else read_limited(data, STDIN)
        return read_bytes(content, STDIN, fmt)

    _import_one(project, STDIN, read, report, articles)
    return report


def _import_one(
    project: Project,
    label: str,
    read: Callable[[], ReadResult],
    report: ImportReport,
    articles: Progress | None = None,
) -> None:
    """Read and store one file's articles; its failure, whatever it is, is one line."""
    try:
        result = read()
        report.notes.extend(result.notes)
        report.failures.extend(result.problems)
        store_articles(project, result.articles, report, articles)
    except InputError as error:
        report.failures.append(str(error))
    except AnnotatorError:
        raise
    except Exception as error:  # a bug met in this file: one line, details in the log
        log = log_unexpected(f"importing {label}", error)
        first = (str(error).splitlines() or [""])[0]
        report.failures.append(
            str(
                InputError(
                    label, f"unexpected error ({type(error).__name__}: {first}); details in {log}"
                )
            )
        )


def store_articles(
    project: Project,
    articles: list[ParsedArticle],
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    """Segment and store parsed articles, a batch per transaction; duplicates are skipped.

    Each batch is segmented just before it is stored, so the first articles of a big
    CSV batch are in the project at once. `progress(articles done, articles, "")` is
    called before each batch (every BATCH_SIZE articles) and at the end; returning
    False stops before the next batch (the batches stored so far stay).
    """
    seen: set[str] = set()
    keys = ArticleKeys()
    same_day = ProjectSameDay()
    total = len(articles)
    for batch_start in range(0, total, BATCH_SIZE):
        if progress is not None and progress(batch_start, total, "") is False:
            report.cancelled = True
            return
        batch = list(_prepare(articles[batch_start : batch_start + BATCH_SIZE], report, seen))
        if not batch:
            continue
        with project.writing() as session:
            added = _store_batch(
                session, batch, report, keys, same_day, bool(project.codebook.article_fields)
            )
        report.imported.extend(added)
    if progress is not None:
        progress(total, total, "")


def _prepare(
    articles: list[ParsedArticle], report: ImportReport, seen: set[str]
) -> Iterator[tuple]:
    """(article, sha256, spans) of each article new to this import (`seen`: its digests)."""
    for parsed in articles:
        digest = article_sha256(parsed.text)
        if digest in seen:
            report.duplicates.append(
                f"{parsed.source}: same text as an article earlier in this import; skipped"
            )
            continue
        seen.add(digest)
        spans = article_units(parsed)
        if not spans:
            report.failures.append(str(InputError(parsed.source, "no text to code")))
            continue
        yield parsed, digest, spans


def _store_batch(
    session: Session,
    batch: list[tuple],
    report: ImportReport,
    keys: ArticleKeys,
    same_day: ProjectSameDay,
    article_units: bool,
) -> list[str]:
    """Write a batch's new articles and all their units with two bulk INSERTs (with
    each article's article unit when `article_units`: the codebook asks of articles).

    An ORM object per unit and a flush per article cost more than segmenting them
    (a few thousand units per batch): the batch is checked against the project in
    one query (same text already there, by the unique index on sha256), numbered from
    one position query (indexed), given keys by `keys` (index lookups, never a scan),
    and then inserted as plain rows, the article ids coming back from INSERT ...
    RETURNING. So a batch costs the same in an empty project and in a big one.
    """
    existing = dict(
        session.exec(
            select(Article.sha256, Article.key).where(
                col(Article.sha256).in_([digest for _, digest, _ in batch])
            )
        ).all()
    )
    fresh = []
    for parsed, digest, spans in batch:
        if digest in existing:
            report.duplicates.append(
                f"{parsed.source}: already in the project as {existing[digest]}; skipped"
            )
            continue
        fresh.append((parsed, digest, spans))
    if not fresh:
        return []
    position = session.exec(select(func.max(Article.position))).one() or 0
    imported_at = utcnow()
    given = keys.take(session, [slugify(p.key_hint or p.title) for p, _, _ in fresh])
    same_day.flag(
        session, [(parsed, key) for (parsed, _, _), key in zip(fresh, given, strict=True)], report
    )
    article_rows = [
        _article_row(parsed, digest, key, position + number, imported_at)
        for number, (key, (parsed, digest, _)) in enumerate(zip(given, fresh, strict=True), 1)
    ]
    ids = session.scalars(
        insert(Article).returning(col(Article.id), sort_by_parameter_order=True), article_rows
    ).all()
    # Core's INSERT of the table, not the ORM's bulk insert of the class: the ORM looks
    # at every row again (a tenth of the import's own time) for nothing a unit needs.
    session.execute(
        insert(table_of(Unit)),
        [
            {
                "article_id": article_id,
                "idx": idx,
                "kind": span.kind,
                "start": span.start,
                "end": span.end,
                "text": parsed.text[span.start : span.end],
            }
            for article_id, (parsed, _, spans) in zip(ids, fresh, strict=True)
            for idx, span in enumerate(spans, start=1)
        ]
        + [
            {"article_id": i, "idx": ARTICLE_UNIT_IDX, "kind": ARTICLE_KIND}
            | {"start": 0, "end": 0, "text": ""}
            for i in (ids if article_units else [])
        ],
    )
    report.units += sum(len(spans) for _, _, spans in fresh)
    return given


def _article_row(
    parsed: ParsedArticle, digest: str, key: str, position: int, imported_at
) -> dict[str, object]:
    return {
        "key": key,
        "sha256": digest,
        "title": parsed.title,
        "outlet": parsed.outlet,
        "author": parsed.author,
        "url": parsed.url,
        "published": parsed.published,
        "source": parsed.source,
        "metadata_json": json.dumps(parsed.metadata, ensure_ascii=False, sort_keys=True),
        "text": parsed.text,
        "position": position,
        "imported_at": imported_at,
    }


class ProjectSameDay:
    """Near-duplicates (`near_duplicates`) of an import's articles, among the articles
    of the same days in the project and earlier in this import; each day's project
    articles are read once, when an article of that day first comes."""

    def __init__(self) -> None:
        self._index = SameDayIndex()
        self._loaded: set[str] = set()

    def flag(
        self, session: Session, articles: list[tuple[ParsedArticle, str]], report: ImportReport
    ) -> None:
        """Flag each article that nearly duplicates an earlier one (its metadata names
        it), with a line in the report, then remember it for the ones after."""
        days = {p.published[:10] for p, _ in articles if p.published} - self._loaded
        if days:
            rows = session.exec(
                select(Article.key, Article.published, Article.text).where(
                    col(Article.published).in_(sorted(days))
                )
            )
            for key, published, text in rows:
                self._index.add(key, published, text)
            self._loaded |= days
        for parsed, key in articles:
            match = self._index.match_and_add(key, parsed.published, parsed.text)
            if match:
                parsed.metadata[NEAR_DUPLICATE_OF] = match[0]
                report.notes.append(
                    f"{parsed.source}: near-duplicate of {match[0]} (same day, "
                    f"{match[1]:.0%} of its text shared); both kept"
                )


def slugify(text: str) -> str:
    """A short, readable, file-safe key: 'Harbor Deal (2026)' -> 'harbor-deal-2026'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "article"


KEY_PROBES = 50  # numbered keys looked up at least, per query, when a base is taken
MAX_PROBES = 5_000  # and at most (SQLite allows 32,766 parameters a statement)


class ArticleKeys:
    """Free article keys for one import: `base`, else the first free `base-2`, `base-3`, ...

    Every lookup is `key IN (...)` on the unique index of article.key, never a prefix
    search (a LIKE cannot use that index and read every article for each new one). A
    batch asks once for its plain keys and once per base that is taken for as many
    numbered candidates as it needs (more, doubling, while they turn out taken). The keys
    given out are remembered, and so is how far each base's numbers have been given, so
    that the next batch of repeated titles ("Untitled", 10,000 times) goes on from there
    instead of counting up from 2 again: the cost per article stays flat however many
    articles the project holds.
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._given: set[str] = set(reserved)
        self._next: dict[str, int] = {}  # base -> the first number not known to be taken

    def take(self, session: Session, bases: list[str]) -> list[str]:
        """A free key for each of `bases`, in order."""
        plain = sorted(set(bases) - self._given)
        taken: set[str] = set()
        if plain:
            taken.update(session.exec(select(Article.key).where(col(Article.key).in_(plain))))
        keys: list[str] = []
        numbered: dict[str, list[int]] = {}  # base -> the places that need a numbered key
        for place, base in enumerate(bases):
            if base in taken or base in self._given:
                numbered.setdefault(base, []).append(place)
                keys.append("")
            else:
                self._given.add(base)
                keys.append(base)
        for base, places in numbered.items():
            for place, key in zip(places, self._numbered(session, base, len(places)), strict=True):
                keys[place] = key
        return keys

    def _numbered(self, session: Session, base: str, count: int) -> list[str]:
        """The first `count` free keys `base-N`, N counting up from where it was left."""
        found: list[str] = []
        number = self._next.get(base, 2)
        size = count + KEY_PROBES
        while len(found) < count:
            numbers = range(number, number + size)
            candidates = [f"{base}-{n}" for n in numbers]
            taken = set(
                session.exec(select(Article.key).where(col(Article.key).in_(candidates))).all()
            )
            for n, key in zip(numbers, candidates, strict=True):
                if key not in taken and key not in self._given:
                    found.append(key)
                    self._given.add(key)
                    self._next[base] = n + 1
                    if len(found) == count:
                        break
            number += size
            size = min(2 * size, MAX_PROBES)
        return found


def free_article_key(session: Session, base: str, reserved: Iterable[str] = ()) -> str:
    """`base`, or the first `base-N` that no article in the project has taken yet (nor
    any of `reserved`: keys given out in this transaction but not written yet)."""
    return ArticleKeys(reserved).take(session, [base])[0]
