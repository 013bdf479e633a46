"""The second process of a CSV export written in two halves (see `export.halves`).

Run as `python -m annotator.core.export.second_half` by the first process, which it
answers one line at a time on standard output:

1. reads one line of JSON from standard input, the job: the project, the layout's
   options, the article the second half starts at and the file to write;
2. opens the project and says `ready`;
3. waits for the line `go` (the first process then holds the write lock), makes its
   first read, which fixes the state of the project it exports, and says `reading`;
4. writes the rows of the articles from the start on, without a header, saying
   `units N` after each chunk (units written so far);
5. says `done ROWS SKIPPED` (SKIPPED: JSON `[[coder, field, count], ...]`, codes left out
   as not in the codebook) and exits with status 0.

On any failure it says `error REASON` and exits with status 1; the first process then
writes this half itself.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from annotator.core.csv_dialect import neutralise
from annotator.core.export.csv_writer import text_over, write_csv
from annotator.core.export.rows import Layout
from annotator.core.export.scope import ArticleSpan, ExportOptions
from annotator.core.store.project import Project

WRITE_BUFFER = 1 << 20


def main() -> int:
    try:
        job = json.loads(sys.stdin.readline())
        options = ExportOptions(
            job["layout"], job["values"], _names(job["coders"]), _names(job["articles"])
        )
        with Project.open_alongside(Path(job["project"])) as project:
            _say("ready")
            if sys.stdin.readline().strip() != "go":
                return 1
            with project.reading() as session:
                layout = Layout(project, session, options, neutralise)  # its first read
                _say("reading")
                rows = _write(layout, Path(job["out"]), ArticleSpan(start=tuple(job["start"])))
        skipped = [[coder, field, n] for (coder, field), n in layout.skipped.counts.items()]
        _say(f"done {rows} {json.dumps(skipped)}")
        return 0
    except Exception as error:  # told to the first process, which carries on
        _say(f"error {type(error).__name__}: {error}".replace("\n", " "))
        return 1


def _write(layout: Layout, path: Path, span: ArticleSpan) -> int:
    with path.open("xb", buffering=WRITE_BUFFER) as raw, text_over(raw) as text:
        rows, _ = write_csv(
            layout,
            text,
            lambda done, _total, _message: _say(f"units {done}"),
            span=span,
            header=False,
            total=0,
        )
    return rows


def _names(names: list[str] | None) -> tuple[str, ...] | None:
    return None if names is None else tuple(names)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
