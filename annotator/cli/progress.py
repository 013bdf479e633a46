"""A terminal progress bar for long commands (import, export); silent in pipes and CI logs."""

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

    def __enter__(self):
        return self.update

    def update(self, done: int, total: int, current: str = "") -> None:
        if not sys.stderr.isatty() or total < self.min_total:
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

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.close()
