"""bench_scale.py's rows for the commands that read or write the whole project (issue 29):
`annotator agreement`, `annotator suggest` and `annotator export --layout long`, each in a
fresh process against a bare script doing the same work on the same file, in the same run,
with both processes' peak resident memory.

- agreement (every field, the default 1,000 bootstrap samples): against pandas reading
  the same codes from sqlite3 and `krippendorff.alpha` on each field at its level (scale
  order from the codebook);
- suggest, storing the suggester's codes (on a copy of the project): against pysbd
  segmenting the same article texts, paragraph by paragraph;
- export long: against the sqlite3 shell writing the same rows and columns as CSV
  (bench_export.py's query: same joins, same pivot, same order).

Each child prints, last on stderr, "seconds peak-KiB" of its work after its imports.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Collection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from annotator.core.store.project import Project  # noqa: E402

# How a child reports: its work's seconds and its peak resident memory in KiB. VmHWM, not
# ru_maxrss: a child's ru_maxrss starts at its parent's size when it was forked. Processes
# it started in turn (an export's second half, export/halves.py) add their ru_maxrss,
# which may count their parent's size at the start: the sum is an upper bound.
REPORT = (
    "import resource\n"
    "print(time.perf_counter() - started, int(next(line.split()[1] for line in"
    " open('/proc/self/status') if line.startswith('VmHWM')))"
    " + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
)
APP = (
    "import sys, time\n"
    "from annotator import cli\n"
    "import annotator.cli.agreement, annotator.cli.export, annotator.cli.suggest\n"
    "started = time.perf_counter()\n"
    "status = cli.main(sys.argv[1:])\n" + REPORT + "sys.exit(status)\n"
)
BARE_AGREEMENT = (
    "import json, sqlite3, sys, time\n"
    "import krippendorff, numpy as np, pandas as pd\n"
    "started = time.perf_counter()\n"
    "fields = json.loads(sys.argv[2])\n"
    "with sqlite3.connect(sys.argv[1]) as c:\n"
    "    codes = pd.read_sql_query('SELECT k.unit_id, k.coder_id, k.field, k.code FROM code k"
    " JOIN unit u ON u.id = k.unit_id WHERE u.kind IN (\\'sentence\\', \\'article\\')', c)\n"
    "for key, rows in codes.groupby('field'):\n"
    "    if key not in fields: continue\n"
    "    level, order = fields[key]\n"
    "    number = rows['code'].map({code: n for n, code in enumerate(order)})\n"
    "    table = rows.assign(number=number).pivot(index='coder_id', columns='unit_id',"
    " values='number')\n"
    "    alpha = krippendorff.alpha(reliability_data=table.to_numpy(dtype=float),"
    " level_of_measurement=level, value_domain=np.arange(len(order), dtype=float))\n"
    "    print(key, alpha)\n" + REPORT
)
BARE_PYSBD = (
    "import sqlite3, sys, time\n"
    "import pysbd\n"
    "started = time.perf_counter()\n"
    "segmenter = pysbd.Segmenter(language='en', clean=False)\n"
    "with sqlite3.connect(sys.argv[1]) as c:\n"
    "    texts = c.execute('SELECT text FROM article ORDER BY position, id')\n"
    "    print(sum(len(segmenter.segment(p)) for (t,) in texts for p in t.split('\\n\\n')"
    " if p.strip()))\n" + REPORT
)
BARE_SHELL = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "with open(sys.argv[4], 'wb') as out:\n"
    "    subprocess.run([sys.argv[1], '-csv', '-header', sys.argv[2], sys.argv[3]], stdout=out,"
    " check=True)\n"
    "print(time.perf_counter() - started,"
    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
)
"""The sqlite3 shell writing the rows, timed and measured by a small python parent (the
shell's ru_maxrss: a fork of that parent, so it starts at the parent's few MB)."""


def child(argv: list[str]) -> tuple[float, float, int]:
    """(wall seconds of the process, seconds of its work, peak KiB) of one fresh process."""
    start = time.perf_counter()
    done = subprocess.run(
        argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
    )
    wall = time.perf_counter() - start
    work, peak = done.stderr.decode().split()[-2:]
    return wall, float(work), int(peak)


def agreement_fields(path: Path) -> str:
    """Each choice field's level and codes in scale order, as JSON for the bare script."""
    with Project.open(path) as project:
        codebook = project.codebook
    return json.dumps(
        {
            f.key: [str(f.level), [c.code for c in f.categories]]
            for f in codebook.coded_fields
            if f.categories
        }
    )


def agreement_times(path: Path) -> tuple[tuple, tuple]:
    """`annotator agreement PROJECT` (every field) against pandas + krippendorff."""
    app = child([sys.executable, "-c", APP, "agreement", str(path)])
    bare = child([sys.executable, "-c", BARE_AGREEMENT, str(path), agreement_fields(path)])
    return app, bare


def suggest_times(path: Path) -> tuple[tuple, tuple]:
    """`annotator suggest` storing its codes on a copy of the project, against pysbd
    segmenting the same texts."""
    copy = path.with_name(f"suggest-{path.name}")
    shutil.copyfile(path, copy)
    try:
        app = child([sys.executable, "-c", APP, "suggest", str(copy)])
    finally:
        copy.unlink()
    bare = child([sys.executable, "-c", BARE_PYSBD, str(path)])
    return app, bare


def export_times(path: Path) -> tuple[tuple, tuple] | None:
    """`annotator export --layout long` against the sqlite3 shell's CSV of the same rows
    (None without the shell)."""
    import bench_export  # beside this file: the long layout in SQL

    shell = shutil.which("sqlite3")
    if shell is None:
        return None
    out = path.with_name("export.csv")
    try:
        app = child([sys.executable, "-c", APP, "export", str(path), "-o", str(out)])
        with Project.open(path) as project:
            query = bench_export.sqlite_query(project)
        bare = child([sys.executable, "-c", BARE_SHELL, shell, str(path), query, str(out)])
    finally:
        out.unlink(missing_ok=True)
    return app, bare


COMMANDS = {  # bench_scale's --parts names them
    "agreement": ("`annotator agreement`", agreement_times),
    "suggest": ("`suggest`, storing", suggest_times),
    "export": ("export long", export_times),
}


def rows(path: Path, row: Callable[..., None], parts: Collection[str] = tuple(COMMANDS)) -> None:
    """The rows of the commands in `parts`, each with its peak memory, through
    bench_scale's `row`."""
    for part, (label, times) in COMMANDS.items():
        if part not in parts:
            continue
        result = times(path)
        if result is None:
            print(f"  {label:<24} (the sqlite3 shell is not installed: no bare figure)")
            continue
        app, bare = result
        row(label, app[0], bare[0], (app[1], bare[1]))
        print(
            f"  {'  peak memory':<24} {app[2] / 1024:9.1f} MB {bare[2] / 1024:9.1f} MB"
            f" {app[2] / bare[2]:7.1f}x"
        )
