"""Progress of long commands (import, export): a bar on a terminal; elsewhere (a pipe, a
log file, CI) a plain line at each new file and every 5%, so a long run is never silent."""

from __future__ import annotations

import sys
from pathlib import Path


class ProgressBar:
    """Use as `with ProgressBar("importing", "file") as progress:`; `progress` is the core's
    callback shape, progress(done, total, current)."""

    def __init__(self, label: str, unit: str, min_total: int = 2) -> None:
        self.label = label
        self.unit = unit
        self.min_total = min_total
        self.bar = None
        self._said: tuple[int, str] | None = None  # (5% step, file) of the last plain line

    def __enter__(self):
        return self.update

    def update(self, done: int, total: int, current: str = "") -> None:
        if total < self.min_total:
            return
        if not sys.stderr.isatty():
            self._plain_line(done, total, current)
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, desc=self.label, unit=self.unit, file=sys.stderr, leave=False
            )
        self.bar.n = done
        if current:
            self.bar.set_postfix_str(Path(current).name)
        self.bar.refresh()

    def _plain_line(self, done: int, total: int, current: str) -> None:
        step, name = (20 * done) // max(total, 1), Path(current).name if current else ""
        if self._said is not None and self._said == (step, name):
            return
        self._said = (step, name)
        where = f" ({name})" if name else ""
        print(f"{self.label}: {done:,} of {total:,} {self.unit}(s){where}", file=sys.stderr)
        sys.stderr.flush()

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.close()
