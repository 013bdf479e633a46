"""Time until the coding window is visible, against a bare PySide6 window with a 3,000-row list.

    .venv/bin/python benchmarks/bench_window_visible.py [--runs 5] [--small]

The project holds 2,000 articles; the one the window opens first has 3,000 sentences.
Each side runs in a fresh interpreter (offscreen), the two alternately, so that both pay
for starting Python and loading Qt, and a machine busy with other work slows both alike:
- ours: `annotator gui`'s own path (`ui.app.application`, `open_workspace` with
  `paint_first`, `show`; the coder is given, so the project opens after the first paint);
- bare: a QApplication and a word-wrapped QListView over a QStringListModel of the same
  3,000 sentences, shown.
"Visible" is the end of the window's first paint (an event filter on the top-level
window sees the first Paint event and reports from the next turn of the event loop).
Printed, as medians: from process start (what a user waits for after typing the
command; the fair comparison), and from the call that opens the project (which imports
the database layer and the window's modules) / the line that builds the bare list (Qt
already imported), and for ours also until the article list and the long article are in.
Last, for comparison: the bare window in a process that imports the database layer
first, the least a window that opened its project before its first paint would take.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.core.codebook import bundled_codebook  # noqa: E402
from annotator.core.ingest.into_project import article_sha256, import_paths  # noqa: E402
from annotator.core.store.models import Article, Unit  # noqa: E402
from annotator.core.store.project import Project  # noqa: E402

ARTICLES = 2_000
SENTENCES = 3_000

# Both children: report when the top-level window has painted once, then (ours) when loaded.
FIRST_PAINT = """
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QEvent, QObject, QTimer

class FirstPaint(QObject):
    '''Reports the end of the watched window's first paint, then calls `then`.'''
    def __init__(self, start, then):
        super().__init__()
        self.start, self.then, self.seen = start, then, False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            QTimer.singleShot(0, self.report)  # after this paint pass
        return False
    def report(self):
        print(f"visible {time.perf_counter() - self.start}", flush=True)
        self.then()
"""
OURS = (
    FIRST_PAINT
    + """
from pathlib import Path
from PySide6.QtCore import QStandardPaths
QStandardPaths.setTestModeEnabled(True)  # never the user's settings
from annotator.ui import app as gui
from annotator.ui.settings import AppSettings
qapp = gui.application()
settings = AppSettings()
settings.clear()
start = time.perf_counter()
window = gui.open_workspace(Path(sys.argv[1]), "bench", settings, paint_first=True)
def loaded():
    print(f"loaded {time.perf_counter() - start}", flush=True)
    os._exit(0)
def after_paint():
    if getattr(window, "is_loaded", True):  # loaded before it was shown
        loaded()
painted = FirstPaint(start, after_paint)
window.installEventFilter(painted)
if hasattr(window, "loaded"):
    window.loaded.connect(lambda: QTimer.singleShot(0, loaded))  # after the repaint it posts
window.show()
qapp.exec()
"""
)
BARE = (
    FIRST_PAINT
    + """
from PySide6.QtCore import QStringListModel
from PySide6.QtWidgets import QApplication, QListView
qapp = QApplication(sys.argv[:1])
start = time.perf_counter()
texts = open(sys.argv[1], encoding="utf-8").read().splitlines()
view = QListView()
view.setWordWrap(True)
view.setModel(QStringListModel(texts))
view.resize(1400, 900)
painted = FirstPaint(start, lambda: os._exit(0))
view.installEventFilter(painted)
view.show()
qapp.exec()
"""
)
# What opening the project before the first paint would cost at least: the bare window in
# a process that first imports the database layer (SQLAlchemy, SQLModel, pydantic, models).
BARE_WITH_DATABASE = BARE.replace(
    "from PySide6.QtCore import QStringListModel",
    "import annotator.core.store.project\nfrom PySide6.QtCore import QStringListModel",
)


def sentences() -> list[str]:
    words = ["harbour", "ministry", "officials", "talks", "concession", "terminal", "unions"]
    said = [
        " ".join(words[(n + k) % len(words)] for k in range(6 + n % 9)) for n in range(SENTENCES)
    ]
    return [f"Sentence {n + 1} says the {said[n]} rose {n % 97} percent." for n in range(SENTENCES)]


def build_project(folder: Path) -> Path:
    """2,000 articles; the first in coding order has 3,000 sentences (through the importer)."""
    path = folder / "visible.annotator"
    long_text = sentences()
    paragraphs = [" ".join(long_text[i : i + 5]) for i in range(0, SENTENCES, 5)]
    source = folder / "long-article.txt"
    source.write_text("A very long article\n\n" + "\n\n".join(paragraphs) + "\n", "utf-8")
    with Project.create(path, bundled_codebook()) as project:
        report = import_paths(project, [source])
        assert report.units >= SENTENCES, report
        with project.writing() as session:
            for number in range(2, ARTICLES + 1):
                title = f"Article {number}: port talks continue"
                body = f"Officials met on day {number}. They said talks went well."
                text = f"{title}\n\n{body}"
                article = Article(
                    key=f"article-{number}",
                    sha256=article_sha256(text),
                    title=title,
                    text=text,
                    position=number,
                )
                session.add(article)
                session.flush()
                session.add(
                    Unit(
                        article_id=article.id,
                        idx=1,
                        kind="title",
                        start=0,
                        end=len(title),
                        text=title,
                    )
                )
    return path


def run_child(script: str, argument: Path) -> dict[str, tuple[float, float]]:
    """{event: (seconds from process start, seconds from the child's own start mark)}."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(argument)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    seen: dict[str, tuple[float, float]] = {}
    assert child.stdout is not None
    for line in child.stdout:
        name, inner = line.split()
        seen[name] = (time.perf_counter() - started, float(inner))
    if child.wait() != 0:
        raise SystemExit(f"benchmark child failed ({child.returncode})")
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--small",
        action="store_true",
        help="one quick run at a small size (tests/core/test_benchmarks.py)",
    )
    args = parser.parse_args()
    runs = 1 if args.small else args.runs
    if args.small:
        global ARTICLES, SENTENCES
        ARTICLES, SENTENCES = 20, 100
    with tempfile.TemporaryDirectory(prefix="bench-visible-") as name:
        folder = Path(name)
        started = time.perf_counter()
        project = build_project(folder)
        print(
            f"(setup: {ARTICLES:,} articles, one of {SENTENCES:,} sentences, "
            f"in {time.perf_counter() - started:.1f} s)"
        )
        texts = folder / "sentences.txt"
        texts.write_text("\n".join(sentences()) + "\n", encoding="utf-8")
        ours, bare, floor = [], [], []
        for _ in range(runs):
            ours.append(run_child(OURS, project))
            bare.append(run_child(BARE, texts))
            floor.append(run_child(BARE_WITH_DATABASE, texts))

    def median(results, event, which):
        return statistics.median(r[event][which] for r in results)

    print(f"runs (median of each): {runs}")
    for which, label in ((0, "from process start"), (1, "from opening the project")):
        mine, theirs = median(ours, "visible", which), median(bare, "visible", which)
        full = median(ours, "loaded", which)
        print(f"{label}:")
        print(f"   bare QListView of {SENTENCES:,} rows visible:  {theirs * 1000:8.1f} ms")
        print(
            f"   coding window visible:               {mine * 1000:8.1f} ms"
            f"   ratio {mine / theirs:5.2f}  (target <= 3)"
        )
        print(
            f"   coding window loaded (list, article): {full * 1000:8.1f} ms"
            f"   ratio {full / theirs:5.2f}"
        )
    least, theirs = median(floor, "visible", 0), median(bare, "visible", 0)
    print(
        f"bare window after importing the database layer: {least * 1000:8.1f} ms"
        f"   ratio {least / theirs:5.2f}  (from process start)"
    )


if __name__ == "__main__":
    main()
