"""Temporary `.part` files that exports and tables are written to before their rename.

A file is written beside its target as `.<name>.<pid>.<token>.part` and renamed into
place when whole, so a reader never sees half a file. A process killed meanwhile leaves
its `.part` behind; the next write to the same target removes such leftovers: only names
of this pattern, and only when the process that wrote one is gone (the id in its name)
or it has not been written to for an hour. Parts named before the process id was in the
name (`.<name>.<token>.part`) are removed by age alone.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

STALE_PART = timedelta(hours=1)


def part_path(target: Path) -> Path:
    """Where to write `target` before renaming it: the same folder, so the rename is atomic."""
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.part")


def remove_stale_parts(target: Path, now: datetime | None = None) -> list[Path]:
    """Delete the `.part` files that killed writes of `target` left; returns them."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(?:(\d+)\.)?[0-9a-f]{{8}}\.part$")
    old = (now or datetime.now(UTC)).timestamp() - STALE_PART.total_seconds()
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return []
    removed = []
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None:
            continue
        try:
            aged = entry.lstat().st_mtime < old
        except OSError:
            continue  # renamed into place or removed by its writer meanwhile
        if aged or (match[1] is not None and not process_running(int(match[1]))):
            try:
                entry.unlink()
            except OSError as error:
                log.warning("could not delete temporary file %s: %s", entry, error.strerror)
                continue
            removed.append(entry)
    return removed


def process_running(pid: int) -> bool:
    """Whether a process of that id may still be writing (always so where we cannot tell)."""
    if pid == os.getpid() or os.name != "posix":
        return True  # this process (another thread may be mid-write); else age decides
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but belongs to another user
    return True
