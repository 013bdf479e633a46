"""One pair of engines per project file per process, shared by every handle on that file.

A window, its worker threads and its live polls each open the project; they share the
first handle's engines (and so its connection pool) instead of each holding connections
of their own. Handles are counted: closing one leaves the engines to the others, and
the last one to close disposes them.

Sharing is also what lets `Project.open` know whether this process already has the file
open, which is when it must not touch the file in any way but through SQLite: POSIX
locks belong to the process, and closing any descriptor of the file, even one only
opened to read its first bytes, drops the locks of every live connection ("How To
Corrupt An SQLite Database File", section 2.2).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from annotator.core.store import db


@dataclass
class _Shared:
    read: Engine
    write: Engine
    handles: int = 0


_lock = threading.Lock()
_open: dict[Path, _Shared] = {}


def file_key(path: str | Path) -> Path:
    """The same file under every name a caller may give it (relative, through a symlink)."""
    return Path(os.path.realpath(path))


def acquire(path: str | Path) -> tuple[Engine, Engine]:
    """The file's (read, write) engines, made on first use; pair with `release`."""
    key = file_key(path)
    with _lock:
        shared = _open.get(key)
        if shared is None:
            read = db.make_engine(key, immediate=False)
            write = db.make_engine(key, immediate=True)
            shared = _open[key] = _Shared(read, write)
        shared.handles += 1
        return shared.read, shared.write


def release(path: str | Path, write: Engine) -> None:
    """One handle is done with the engines; the last one disposes them (closing connections)."""
    key = file_key(path)
    with _lock:
        shared = _open.get(key)
        if shared is None or shared.write is not write:
            return  # engines of an earlier opening of this file, already disposed
        shared.handles -= 1
        if shared.handles > 0:
            return
        del _open[key]
    shared.read.dispose()
    shared.write.dispose()


def is_open(path: str | Path) -> bool:
    """Whether a handle in this process has the file open."""
    with _lock:
        return file_key(path) in _open


def open_files() -> set[Path]:
    """The project files this process has open (for tests and diagnostics)."""
    with _lock:
        return set(_open)
