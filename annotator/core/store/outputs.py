"""Refusing an output file that would replace the project it is made from.

`annotator export study -o study` or `agreement p.annotator --csv p.annotator` would
otherwise write the report over the project (an export renames its finished file into
place, so even a project that is open is replaced). Every command and dialog that writes a
file made from a project asks `check_output` first, before anything is written.
Protected: the project file, SQLite's files beside it (-wal, -shm, -journal) and its backup
folder. Paths are compared resolved (symbolic links followed) and, for files that exist,
by device and inode, so a hard link or another spelling of the same file is caught too.
"""

from __future__ import annotations

import os
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.store.backup import backup_folder
from annotator.core.store.location import Location, is_server_url

SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def check_output(output: str | Path, source: Location, *, backups: bool = True) -> None:
    """Raise a one-line error naming `output` when writing it would replace `source` (a
    project file or an input file), SQLite's files beside it, or (unless `backups` is
    False: `annotator backup -o` may write there) anything in its backup folder."""
    if is_server_url(source):
        return  # a server project has no file here to replace
    reason = _replaces(Path(output), Path(source), backups)
    if reason is not None:
        raise AnnotatorError(f"{output}: {reason}; choose another output file")


def _replaces(output: Path, source: Path, backups: bool) -> str | None:
    written = _resolved(output)
    for suffix in ("", *SQLITE_SIDE_FILES):
        protected = Path(f"{source}{suffix}")
        if written == _resolved(protected) or _same_file(output, protected):
            return f"writing it would replace {protected}"
    folder = _resolved(backup_folder(source))
    if backups and (written == folder or written.is_relative_to(folder)):
        return f"it is in {backup_folder(source)}, the backups of {source}"
    return None


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):  # a symbolic link loop: compared as written
        return Path(os.path.abspath(path))


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):  # either does not exist (the usual case for an output)
        return False
