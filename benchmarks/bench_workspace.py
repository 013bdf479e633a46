"""Time the coding window: opening a long article, a coding key, opening a large project.

Prints, each next to a bare baseline measured in the same process and the ratio:
- opening a 3,000-sentence article in the window (baseline: a bare QListView over a
  QStringListModel of the same sentences, word-wrapped, scrolled and painted);
- median and p99 from a coding key press to the committed, repainted unit, N=200 keys
  (baseline: a bare sqlite3 INSERT + COMMIT with the same durability pragmas);
- opening and listing a project of 10,000 articles (baseline: a bare sqlite3 SELECT of
  the titles into a QStringListModel shown in a QListView).

The 3,000-sentence article goes through the core's importer (segmentation included);
the 10,000 articles are written in bulk through the SQLModel models, which is faster
than segmenting them and gives the window the same rows to list.

The time until the window is first visible is bench_window_visible.py's.

Run: .venv/bin/python benchmarks/bench_workspace.py [--small]   (offscreen unless a display is set)
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Run as a script: make the repository's annotator package importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, QStandardPaths, QStringListModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QListView

from annotator.core.codebook import bundled_codebook
from annotator.core.coding.article_views import article_units
from annotator.core.ingest.into_project import article_sha256, import_paths
from annotator.core.store.models import Article, Unit
from annotator.core.store.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import AppSettings

SENTENCES = 3_000
KEYS = 200
ARTICLES = 10_000
WORDS = [
    "harbour",
    "ministry",
    "officials",
    "talks",
    "concession",
    "terminal",
    "analysts",
    "expected",
    "growth",
    "unions",
    "strikes",
    "investment",
    "negotiations",
    "statement",
    "authority",
    "figures",
]


def long_article_text() -> str:
    """A title and 3,000 sentences in paragraphs of five."""
    paragraphs, sentences = [], []
    for number in range(SENTENCES):
        words = " ".join(WORDS[(number + k) % len(WORDS)] for k in range(6 + number % 9))
        sentences.append(f"Sentence {number + 1} says the {words} rose {number % 97} percent.")
        if len(sentences) == 5:
            paragraphs.append(" ".join(sentences))
            sentences = []
    return "A very long article about the harbour\n\n" + "\n\n".join(paragraphs) + "\n"


def painted(app: QApplication, view: QListView) -> None:
    app.processEvents()
    view.viewport().repaint()


def bench_open_article(app: QApplication, folder: Path) -> tuple[Project, MainWindow]:
    source = folder / "long-article.txt"
    source.write_text(long_article_text(), encoding="utf-8")
    project = Project.create(folder / "long.annotator", bundled_codebook())
    start = time.perf_counter()
    report = import_paths(project, [source])
    print(f"(setup: imported {report.units} units in {time.perf_counter() - start:.1f} s)")
    window = MainWindow(project, "bench", AppSettings())
    window.resize(1400, 900)
    window.show()
    painted(app, window.reader)
    window.load()  # at once, not from the event loop after the first paint
    article_id = window.controller.article_id

    timings = []
    for _ in range(5):
        start = time.perf_counter()
        window.controller.open_article(article_id)
        window.reader.show_row(SENTENCES // 2)
        painted(app, window.reader)
        timings.append(time.perf_counter() - start)
    ours = statistics.median(timings)

    texts = [unit.text for unit in article_units(project, article_id)]
    baseline_view = QListView()
    baseline_view.setWordWrap(True)
    baseline_view.resize(760, 860)
    baseline_view.show()
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        model = QStringListModel(texts)
        baseline_view.setModel(model)
        baseline_view.scrollTo(model.index(SENTENCES // 2))
        painted(app, baseline_view)
        timings.append(time.perf_counter() - start)
    baseline = statistics.median(timings)
    baseline_view.close()
    report_line(
        f"open a {len(texts):,}-unit article (median of 5)", ours, baseline, "bare QListView"
    )
    return project, window


def bench_coding_key(app: QApplication, window: MainWindow, folder: Path) -> None:
    window.controller.open_article(window.controller.article_id)
    window.reader.show_row(SENTENCES // 2)
    window.activateWindow()
    painted(app, window.reader)
    timings = []
    for number in range(KEYS):
        key = "1" if number % 2 == 0 else "2"  # every press is a real change
        start = time.perf_counter()
        QTest.keyClick(window, key)
        app.processEvents()  # the changed row's repaint is posted; this runs it
        timings.append(time.perf_counter() - start)
    assert window.status.save_text == "Saved", window.status.save_text

    connection = sqlite3.connect(folder / "baseline.sqlite", isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("CREATE TABLE code (unit INTEGER, field TEXT, code TEXT)")
    baseline = []
    for number in range(KEYS):
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO code VALUES (?, 'attribution', ?)", (number, "x"))
        connection.execute("COMMIT")
        baseline.append(time.perf_counter() - start)
    connection.close()
    timings.sort()
    baseline.sort()
    p99 = lambda values: values[min(len(values) - 1, round(0.99 * len(values)))]  # noqa: E731
    report_line(
        f"coding key -> committed + repainted, median (N={KEYS})",
        statistics.median(timings),
        statistics.median(baseline),
        "bare INSERT+COMMIT",
    )
    report_line(
        f"coding key -> committed + repainted, p99 (N={KEYS})",
        p99(timings),
        p99(baseline),
        "bare INSERT+COMMIT",
    )


def build_large_project(path: Path) -> None:
    """10,000 short articles written in bulk through the models (no segmentation)."""
    with Project.create(path, bundled_codebook()) as project, project.writing() as session:
        for number in range(ARTICLES):
            title = f"Article {number + 1}: port talks continue"
            body = f"Officials met on day {number}. They said talks went well. A deal is near."
            text = f"{title}\n\n{body}"
            article = Article(
                key=f"article-{number + 1}",
                sha256=article_sha256(text),
                title=title,
                outlet="Bench Daily",
                published="2026-01-01",
                text=text,
                position=number + 1,
            )
            session.add(article)
            session.flush()
            start = len(title) + 2
            spans = [("title", 0, len(title))]
            for sentence in body.split(". "):
                end = start + len(sentence.rstrip(".")) + 1
                spans.append(("sentence", start, min(end, len(text))))
                start = end + 1
            session.add_all(
                Unit(article_id=article.id, idx=i + 1, kind=kind, start=s, end=e, text=text[s:e])
                for i, (kind, s, e) in enumerate(spans)
            )


def bench_large_project(app: QApplication, folder: Path) -> None:
    path = folder / "large.annotator"
    start = time.perf_counter()
    build_large_project(path)
    print(f"(setup: wrote {ARTICLES:,} articles in {time.perf_counter() - start:.1f} s)")
    start = time.perf_counter()
    project = Project.open(path)
    window = MainWindow(project, "bench", AppSettings())
    window.show()
    painted(app, window.article_list)
    window.load()  # the list is read after the first paint; count it in
    painted(app, window.article_list)
    ours = time.perf_counter() - start
    assert window.controller.articles.rowCount() == ARTICLES
    window.close()
    project.close()

    start = time.perf_counter()
    connection = sqlite3.connect(path)
    titles = [row[0] for row in connection.execute("SELECT title FROM article ORDER BY position")]
    connection.close()
    view = QListView()
    view.setModel(QStringListModel(titles))
    view.show()
    painted(app, view)
    baseline = time.perf_counter() - start
    view.close()
    report_line(f"open and list {ARTICLES:,} articles", ours, baseline, "bare SELECT + QListView")


def report_line(what: str, ours: float, baseline: float, baseline_name: str) -> None:
    ratio = ours / baseline if baseline else float("inf")
    print(
        f"{what:<52} {ours * 1000:8.1f} ms   {baseline_name}: {baseline * 1000:7.1f} ms"
        f"   ratio {ratio:5.1f}x"
    )


def main() -> None:
    global SENTENCES, KEYS, ARTICLES
    if "--small" in sys.argv[1:]:  # one quick run at a small size (tests/core/test_benchmarks.py)
        SENTENCES, KEYS, ARTICLES = 100, 10, 50
    QStandardPaths.setTestModeEnabled(True)  # never touch the user's settings
    QCoreApplication.setOrganizationName("annotator-bench")
    QCoreApplication.setApplicationName("annotator-bench")
    app = QApplication.instance() or QApplication([])
    AppSettings().clear()
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as name:
        folder = Path(name)
        project, window = bench_open_article(app, folder)
        bench_coding_key(app, window, folder)
        window.close()
        project.close()
        bench_large_project(app, folder)
    AppSettings().clear()


if __name__ == "__main__":
    main()
