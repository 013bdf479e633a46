"""import-codes: peak memory against the size of the CSV (issue 21: 200 MB took 1.4 GB).

Builds a project from the sample articles, writes a long-layout CSV of about --megabytes
MB as `annotator export` would (unit text, codes, a note), one row per unit and coder
with as many coders as it takes, and imports it in a child process. Prints the file's
size, the child's peak resident memory (VmHWM) and that of a bare child that only
opens the project (the baseline), and what the import added per MB of CSV. Run it at
two sizes: with the rows streamed, the figure per MB falls as the file grows (what
stays is the codes, not the text).

    .venv/bin/python benchmarks/bench_import_codes.py [--megabytes 20]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.core.codebook import bundled_codebook  # noqa: E402
from annotator.core.coding import lookups  # noqa: E402
from annotator.core.csv_dialect import csv_writer, neutralise  # noqa: E402
from annotator.core.ingest.into_project import import_paths  # noqa: E402
from annotator.core.store.project import Project  # noqa: E402

SAMPLES = ROOT / "annotator" / "resources" / "samples"
CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from annotator.core.store.project import Project
from annotator.core.coding.codes_from_csv import import_codes
started = time.perf_counter()
with Project.open({project!r}) as project:
    if {path!r}:
        print(import_codes(project, {path!r}).summary(), file=sys.stderr)
elapsed = time.perf_counter() - started
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(int(peak) * 1024, elapsed)
"""


def build(folder: Path) -> Path:
    path = folder / "codes.annotator"
    with Project.create(path, bundled_codebook()) as project:
        assert not import_paths(project, sorted(SAMPLES.glob("*.txt"))).failures
    return path


def write_csv(project_path: Path, target: Path, megabytes: float) -> int:
    """A long-layout CSV of about `megabytes` MB; returns its row count."""
    with Project.open(project_path) as project:
        book = project.codebook
        asked = [f for f in book.unit_fields if f.when is None]  # asked of every unit
        units = [u for u in lookups.list_units(project) if book.needs_coding(u.kind)]
    rng = random.Random(7)
    rows = 0
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv_writer(stream)
        writer.writerow(["unit_key", "coder", "text", *(f.key for f in asked), "note"])
        coder = 0
        while stream.tell() < megabytes * 1_000_000:
            coder += 1
            for unit in units:
                codes = [rng.choice(f.categories).code for f in asked]
                note = "\tsee the wire copy" if rng.random() < 0.1 else ""
                writer.writerow([unit.key, f"c{coder}", neutralise(unit.text), *codes, note])
                rows += 1
    return rows


def child(project: Path, path: Path | None) -> tuple[int, float]:
    code = CHILD.format(root=str(ROOT), project=str(project), path=str(path) if path else "")
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    peak, elapsed = out.split()
    return int(peak), float(elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = build(folder)
        path = folder / "codes.csv"
        rows = write_csv(project, path, args.megabytes)
        size = path.stat().st_size
        bare, _ = child(project, None)
        peak, elapsed = child(project, path)
    mb = 1_000_000
    print(f"CSV: {size / mb:.1f} MB, {rows:,} rows; import took {elapsed:.1f} s")
    print(f"  bare child (opens the project)  {bare / mb:8.1f} MB peak")
    print(f"  import-codes                    {peak / mb:8.1f} MB peak")
    print(
        f"  added per MB of CSV             {(peak - bare) / size:8.2f} MB (ratio to bare:"
        f" {peak / bare:.2f})"
    )


if __name__ == "__main__":
    main()
