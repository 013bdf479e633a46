"""Agreement on a project: annotator's `project_agreement` against a bare pandas +
krippendorff script on the same file, time and peak memory, in the same run.

    .venv/bin/python benchmarks/bench_agreement_project.py [--rows 30000] [--samples 0]

Builds a project as benchmarks/bench_export.py does (`--rows` unit-and-coder rows:
three coders, each coding the bundled codebook's three fields on every unit, so three
codes per row). Each side runs in a fresh child process that prints its time and peak
resident memory (VmHWM):

- annotator: `project_agreement` over every field (every coefficient; the bootstrap
  with `--samples` resamples, 0 for none);
- bare: `pandas.read_sql` of the sentence units' codes, a pivot per field (unit by
  coder, the codebook's numbers, outside-scale codes left out) and `krippendorff.alpha`
  at the field's level.

Issue 29's goal: within 1.5x of the bare script's time and of its memory.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_export import build  # noqa: E402
from bench_merge import measured  # noqa: E402

ANNOTATOR_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from annotator.core.agreement.from_project import project_agreement
from annotator.core.store.project import Project
started = time.perf_counter()
with Project.open({path!r}, backups=False) as project:
    project_agreement(project, bootstrap_samples={samples})
elapsed = time.perf_counter() - started
"""

BARE_CHILD = """
import sqlite3, time
import krippendorff, pandas as pd
from annotator.core.codebook import bundled_codebook
started = time.perf_counter()
book = bundled_codebook()
with sqlite3.connect({path!r}) as db:
    codes = pd.read_sql(
        "SELECT c.unit_id, c.coder_id, c.field, c.code FROM code c"
        " JOIN unit u ON u.id = c.unit_id WHERE u.kind = 'sentence'",
        db,
    )
for field in [f for f in book.unit_fields if f.when is None]:
    numbers = {{c.code: c.number for c in field.scale}}
    rows = codes[codes.field == field.key]
    values = rows.code.map(numbers)
    table = rows.assign(value=values).pivot(index="coder_id", columns="unit_id", values="value")
    krippendorff.alpha(table.to_numpy(dtype=float), level_of_measurement=str(field.level))
elapsed = time.perf_counter() - started
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--samples", type=int, default=0, help="bootstrap resamples")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agreement.annotator"
        build(path, args.rows)
        bare = measured(BARE_CHILD.format(path=str(path)))
        ours = measured(
            ANNOTATOR_CHILD.format(root=str(ROOT), path=str(path), samples=args.samples)
        )
    mb = 1_000_000
    print(f"agreement, {args.rows:,} unit-and-coder rows, bootstrap {args.samples} samples")
    for name, (elapsed, peak) in (("bare", bare), ("annotator", ours)):
        print(
            f"  {name:<10} {elapsed:8.2f} s  {peak / mb:8.1f} MB peak"
            f"  ({elapsed / bare[0]:.2f}x time, {peak / bare[1]:.2f}x memory of bare)"
        )


if __name__ == "__main__":
    main()
