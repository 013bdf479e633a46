"""A large CSV export written by two processes, each reading half of the articles.

Why: an export is bound by one core. SQLite's pivot of each chunk's codes and Python's
rows and CSV take turns in one thread, and a reading thread beside the writing one was
measured slower (it takes Python's lock back for every row and queues behind the
writer). A second process that reads the second half of the reading order into a file
of its own, which this process appends to its first half, puts the machine's second core
to work: at 100,000 articles the long layout takes about two thirds of the time.

Both halves read one and the same state of the project. SQLite in WAL mode gives each
reader the snapshot of its first read, so this process holds the write lock (BEGIN
IMMEDIATE) from just before its own first read until the second process has made its
first read: no commit can land between the two. Coders' saves wait those milliseconds.

When: CSV of the long, wide or consensus layout of a file project with at least
`SPLIT_MIN_ARTICLES` articles in the export, on a machine with two cores or more, run by
a Python interpreter (a frozen build has none to start). Whatever goes wrong with the
second process (it cannot start, fails or dies), this process writes the second half
itself, from its own snapshot: the file is the same. Cancelling stops both.

The second process is `python -m annotator.core.export.second_half`; they speak one line
at a time (see that module).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from sqlalchemy import func, select
from sqlalchemy.exc import DatabaseError
from sqlmodel import col

from annotator.core.export.csv_writer import Progress, write_csv
from annotator.core.export.rows import Layout
from annotator.core.export.scope import ArticleSpan, ExportOptions, middle_article, resolve_scope
from annotator.core.store.models import Article
from annotator.core.store.part_files import part_path
from annotator.core.store.project import Project

SPLIT_MIN_ARTICLES = 2000  # below this a second process's start-up (~1 s) outweighs its help
SPLIT_LAYOUTS = ("long", "wide", "consensus")  # one row set per unit: any cut between articles
COPY_BUFFER = 1 << 20

log = logging.getLogger(__name__)


def worth_splitting(project: Project, options: ExportOptions, fmt: str) -> bool:
    """Whether this export is one to write in two processes (see the module docstring)."""
    if fmt != "csv" or options.layout not in SPLIT_LAYOUTS or project.on_server:
        return False
    if getattr(sys, "frozen", False) or _cores() < 2:
        return False
    if options.articles is not None:
        return len(options.articles) >= SPLIT_MIN_ARTICLES
    with project.reading() as session:
        count: int = session.execute(select(func.count(col(Article.id)))).scalar_one()
    return count >= SPLIT_MIN_ARTICLES


class SecondHalf:
    """The second process of an export: started here, given its snapshot inside
    `same_snapshot`, then `write` writes both halves. Always `close` it (it is a context
    manager): that stops the process if it still runs and removes its file."""

    def __init__(self, project: Project, options: ExportOptions, target: Path) -> None:
        self.part = part_path(target)
        self.middle: tuple[int, int] | None = None
        self.failed = False
        self.units = 0  # units the second process has written so far
        self.result: tuple[int, Counter[tuple[str, str]]] | None = None  # rows, skipped
        self._ready = threading.Event()
        self._reading = threading.Event()
        self._finished = threading.Event()
        self._process = _start()
        self._listener = threading.Thread(target=self._listen, daemon=True)
        self._listener.start()
        try:
            self._give_job(project, options)
        except BaseException:  # e.g. an article key that is not in the project
            self.close()
            raise

    def _give_job(self, project: Project, options: ExportOptions) -> None:
        with project.reading() as session:
            self.middle = middle_article(session, resolve_scope(session, options))
        if self.middle is None:
            self._fail()
            return
        job = {
            "project": str(Path(project.path).resolve()),
            "layout": options.layout,
            "values": options.values,
            "coders": options.coders,
            "articles": options.articles,
            "start": self.middle,
            "out": str(self.part),
        }
        self._send(json.dumps(job))

    def __enter__(self) -> SecondHalf:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextmanager
    def same_snapshot(self, project: Project) -> Iterator[None]:
        """Run the body, which must make this process's first read of the export, while
        no commit can happen; then let the second process make its first read. Where the
        write lock cannot be had (another writer kept it past the busy timeout), the
        export goes on in this process alone."""
        self._ready.wait()
        lock = None
        if not self.failed:
            try:
                lock = project.write_engine.connect()
                lock.begin()  # BEGIN IMMEDIATE (db.make_engine): held until the finally
            except DatabaseError:
                if lock is not None:
                    lock.close()
                    lock = None
                self._fail()
        try:
            yield
            if lock is not None:
                self._send("go")
                self._reading.wait()
        finally:
            if lock is not None:
                lock.rollback()
                lock.close()

    def write(
        self, layout: Layout, text: TextIO, raw: BinaryIO, progress: Progress | None
    ) -> tuple[int, bool]:
        """The header and the first half here, then the second half's rows from the
        second process (or from here, if it failed); returns (rows, cancelled)."""
        first = ArticleSpan(stop=self.middle) if not self.failed else None
        mine = _Progress(progress, self)
        written, cancelled = write_csv(layout, text, mine.report if progress else None, span=first)
        if cancelled or first is None:
            return written, cancelled
        if not self._wait_for_second(mine):
            return written, True
        if self.failed:
            mine.offset = mine.done
            more, cancelled = write_csv(
                layout,
                text,
                mine.report if progress else None,
                span=ArticleSpan(self.middle),
                header=False,
            )
            return written + more, cancelled
        text.flush()
        with self.part.open("rb") as second:
            shutil.copyfileobj(second, raw, COPY_BUFFER)
        assert self.result is not None  # set with _finished, unless failed
        rows, skipped = self.result
        layout.skipped.counts.update(skipped)
        return written + rows, False

    def close(self) -> None:
        """Let a second process that said `done` end by itself; stop any other."""
        process = self._process
        if process is not None:
            if self.result is None and process.poll() is None:
                process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
        self.part.unlink(missing_ok=True)

    # -- the conversation ----------------------------------------------------------------

    def _wait_for_second(self, mine: _Progress) -> bool:
        """Wait for the second process to finish, passing its progress on; False when
        the user cancelled meanwhile."""
        while not self._finished.wait(timeout=0.25 if mine.progress else None):
            if mine.again() is False:
                return False
        return self.failed or mine.again() is not False  # its last units, as one process

    def _send(self, line: str) -> None:
        if self._process is None or self.failed:
            return
        try:
            assert self._process.stdin is not None
            self._process.stdin.write(line + "\n")
            self._process.stdin.flush()
        except OSError:
            self._fail()

    def _listen(self) -> None:
        """Read the second process's lines until it ends (a thread: the pipe blocks)."""
        stdout = self._process.stdout if self._process is not None else None
        if stdout is not None:
            for line in stdout:
                word, _, rest = line.rstrip("\n").partition(" ")
                if word == "ready":
                    self._ready.set()
                elif word == "reading":
                    self._reading.set()
                elif word == "units":
                    self.units = int(rest)
                elif word == "error":
                    log.warning("the export's second process failed: %s", rest)
                elif word == "done":
                    rows, skipped = rest.split(" ", 1)
                    counts = Counter({(c, f): n for c, f, n in json.loads(skipped)})
                    self.result = (int(rows), counts)
                    self._finished.set()
                    return
        self._fail()

    def _fail(self) -> None:
        """The second process is of no more use: this one does its half."""
        self.failed = True
        self.units = 0
        for event in (self._ready, self._reading, self._finished):
            event.set()


class _Progress:
    """Progress of both halves as one: units this process wrote plus the second's."""

    def __init__(self, progress: Progress | None, second: SecondHalf) -> None:
        self.progress = progress
        self.second = second
        self.done = self.total = 0
        self.offset = 0  # units of the first half, when this process writes the second too

    def report(self, done: int, total: int, message: str) -> bool | None:
        self.done, self.total = self.offset + done, total
        return self.again()

    def again(self) -> bool | None:
        if self.progress is None:
            return None
        return self.progress(min(self.done + self.second.units, self.total), self.total, "")


def _cores() -> int:
    """The cores this process may run on (all of the machine's where that is unknown)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def _start() -> subprocess.Popen | None:
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "annotator.core.export.second_half"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
    except OSError:
        return None
