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

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.ingest.documents import ParsedArticle, ReadResult
from annotator.core.ingest.readers import (
    SUPPORTED_SUFFIXES,
    path_label,
    read_bytes,
    read_file,
    read_limited,
)
from annotator.core.ingest.segmentation import segment
from annotator.core.log_file import log_unexpected
from annotator.core.store.models import Article, Unit, utcnow
from annotator.core.store.project import Project

BATCH_SIZE = 200  # articles per transaction when a file holds many (CSV batches)
STDIN = "<stdin>"


@dataclass
class ImportReport:
    """What an import did, one line per problem, for the CLI and the GUI alike."""

    imported: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    units: int = 0
    cancelled: bool = False

    def lines(self) -> list[str]:
        return [*self.duplicates, *self.failures]


Progress = Callable[[int, int, str], bool | None]
"""progress(done, total, current source) -> False to cancel."""


def article_sha256(text: str) -> str:
    """The stable identity of an article: two coders importing it get the same id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the supported files inside folders (sorted, recursive).

    Nothing is opened here: a named pipe or device among them is refused by `read_file`
    from its status, as its own failure line.
    """
    result: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            result.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        else:
            result.append(path)
    return result


def import_paths(
    project: Project, paths: Iterable[str | Path], progress: Progress | None = None
) -> ImportReport:
    """Import files and folders; failures are listed per file and the rest goes in.

    A failure nobody foresaw in one file (a bug in a parser, say) is that file's one
    line, its traceback in the log file; it does not stop the others. Problems of the
    project itself (ProjectError: the server gone, the disk full) do stop the import.
    """
    files = expand_paths(paths)
    report = ImportReport()
    for done, path in enumerate(files):
        label = path_label(path)
        if progress is not None and progress(done, len(files), label) is False:
            report.cancelled = True
            break
        _import_one(project, label, functools.partial(read_file, path), report)
    if progress is not None and not report.cancelled:
        progress(len(files), len(files), "")
    return report


def import_stdin(project: Project, data: bytes | BinaryIO, fmt: str = "txt") -> ImportReport:
    """Import one article (or a CSV batch) read from standard input: `data` is its bytes
    or the stream itself, of which no more than the size limit (and a byte) is read."""
    report = ImportReport()

    def read() -> ReadResult:
        content = data if isinstance(data, bytes) else read_limited(data, STDIN)
        return read_bytes(content, STDIN, fmt)

    _import_one(project, STDIN, read, report)
    return report


def _import_one(
    project: Project, label: str, read: Callable[[], ReadResult], report: ImportReport
) -> None:
    """Read and store one file's articles; its failure, whatever it is, is one line."""
    try:
        result = read()
        report.failures.extend(result.problems)
        store_articles(project, result.articles, report)
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


def store_articles(project: Project, articles: list[ParsedArticle], report: ImportReport) -> None:
    """Segment and store parsed articles, a batch per transaction; duplicates are skipped."""
    prepared = list(_prepare(articles, report))
    for batch_start in range(0, len(prepared), BATCH_SIZE):
        batch = prepared[batch_start : batch_start + BATCH_SIZE]
        with project.writing() as session:
            added = _store_batch(session, batch, report)
        report.imported.extend(added)


def _prepare(articles: list[ParsedArticle], report: ImportReport) -> Iterator[tuple]:
    seen: set[str] = set()
    for parsed in articles:
        digest = article_sha256(parsed.text)
        if digest in seen:
            report.duplicates.append(
                f"{parsed.source}: same text as an article earlier in this import; skipped"
            )
            continue
        seen.add(digest)
        spans = segment(parsed.text, parsed.blocks)
        if not spans:
            report.failures.append(str(InputError(parsed.source, "no text to code")))
            continue
        yield parsed, digest, spans


def _store_batch(session: Session, batch: list[tuple], report: ImportReport) -> list[str]:
    """Write a batch's new articles and all their units with two bulk INSERTs.

    An ORM object per unit and a flush per article cost more than segmenting them
    (a few thousand units per batch): the batch is checked against the project in
    one query (same text already there), numbered from one position query, and then
    inserted as plain rows, the article ids coming back from INSERT ... RETURNING.
    """
    existing = dict(
        session.exec(
            select(Article.sha256, Article.key).where(
                col(Article.sha256).in_([digest for _, digest, _ in batch])
            )
        ).all()
    )
    position = session.exec(select(func.max(Article.position))).one() or 0
    imported_at = utcnow()
    taken: set[str] = set()
    new, article_rows = [], []
    for parsed, digest, spans in batch:
        if digest in existing:
            report.duplicates.append(
                f"{parsed.source}: already in the project as {existing[digest]}; skipped"
            )
            continue
        position += 1
        key = free_article_key(session, slugify(parsed.key_hint or parsed.title), taken)
        taken.add(key)
        new.append((key, parsed, spans))
        article_rows.append(_article_row(parsed, digest, key, position, imported_at))
    if not article_rows:
        return []
    ids = session.scalars(
        insert(Article).returning(col(Article.id), sort_by_parameter_order=True), article_rows
    ).all()
    session.execute(
        insert(Unit),
        [
            {
                "article_id": article_id,
                "idx": idx,
                "kind": span.kind,
                "start": span.start,
                "end": span.end,
                "text": parsed.text[span.start : span.end],
            }
            for article_id, (_, parsed, spans) in zip(ids, new, strict=True)
            for idx, span in enumerate(spans, start=1)
        ],
    )
    report.units += sum(len(spans) for _, _, spans in new)
    return [key for key, _, _ in new]


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


def slugify(text: str) -> str:
    """A short, readable, file-safe key: 'Harbor Deal (2026)' -> 'harbor-deal-2026'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "article"


def free_article_key(session: Session, base: str, reserved: Iterable[str] = ()) -> str:
    """`base`, or the first `base-N` that no article in the project has taken yet (nor
    any of `reserved`: keys given out in this transaction but not written yet)."""
    taken = set(
        session.exec(
            select(Article.key).where((Article.key == base) | Article.key.startswith(base + "-"))
        ).all()
    )
    taken.update(key for key in reserved if key == base or key.startswith(base + "-"))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
