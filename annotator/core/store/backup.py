"""Keeping a project file safe: rotating automatic backups, backup by hand, restore.

Every backup is made with SQLite's online backup API, so it is a consistent snapshot
even while another window is writing. It is written under a temporary name, switched
out of WAL mode (one self-contained file), checked with `PRAGMA quick_check`, fsynced
and only then renamed into place: a crash or a full disk never leaves a half backup
that looks like a good one, and a damaged project never pushes good backups out.

Policy (automatic backups, in `<project file name>.backups/` beside the project):
- on opening, unless the newest automatic backup is less than ten minutes old
  (so a command line loop or two windows do not churn out copies): by `Project.open`
  itself for a project of at most `SMALL_PROJECT_BYTES` (a copy of milliseconds), and
  for any project by the window, in the background, as it opens (ui/backup_timer.py);
  a command on a larger project copies nothing, so one code costs the same at any size;
- `maybe_backup_daily`, which the GUI calls on a timer, when the newest one is a day old;
- before a schema upgrade, always;
- kept: the newest ten, plus the newest of each of the last seven days (at most 17).
Backups made by hand (`annotator backup`), the copy taken before a schema upgrade and
the copy that `restore` keeps of the file it replaces go to the same folder but are never
deleted automatically.

Temporary files of a backup or restore that was killed (`.part`, `.restoring`) are
removed on the next open, once their process is gone (their names carry its id) or
they are an hour old. Every backup has the project's permission bits.

A restore over an existing project holds its exclusive lock from the in-use check to
the end and writes the backup over the project's pages through SQLite (`restore_backup`),
so nobody saves into a file that is being replaced.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from annotator.core.errors import ProjectError
from annotator.core.store import db, engines
from annotator.core.store.part_files import STALE_PART, process_running

log = logging.getLogger(__name__)

OPEN_INTERVAL = timedelta(minutes=10)
# Up to this size an open reads the whole file (quick check) and copies it (open-backup):
# a few tens of milliseconds. Above it, opening costs the same at any size.
SMALL_PROJECT_BYTES = 8 << 20
DAILY_INTERVAL = timedelta(days=1)
KEEP_NEWEST = 10
KEEP_DAYS = 7
AUTOMATIC = ("open", "daily")
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
BEFORE_MIGRATION = "before-migration"
_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(?P<stem>.+)\.(?P<stamp>\d{8}T\d{12}Z)\.(?P<label>[a-z0-9-]+)\.[^.]+$")
# Temporary files, named with their process's id: in the backup folder
# `.study.<stamp>.open.annotator.<pid>.part` (and its -journal while SQLite writes it);
# beside the project `.study.annotator.<pid>.restoring` and, while a restore writes it,
# `..study.annotator.<pid>.restoring.<pid>.part`.
_BACKUP_PART = r"^\..+\.(\d+)\.part(?:-journal)?$"
_RESTORING = r"^\.{name}\.(\d+)\.restoring$"
_RESTORING_PART = r"^\.\.{name}\.\d+\.restoring\.(\d+)\.part(?:-journal)?$"
_SIDE_FILES = ("-wal", "-shm", "-journal")


class ProjectDamaged(ProjectError):
    """The project file fails SQLite's integrity check; a backup should be restored."""


@dataclass(frozen=True)
class Backup:
    """One backup in a project's backup folder."""

    path: Path
    taken_at: datetime
    label: str

    @property
    def automatic(self) -> bool:
        return self.label in AUTOMATIC


# -- where backups live ------------------------------------------------------------------


def backup_folder(project_path: str | Path) -> Path:
    """`study.annotator` -> `study.annotator.backups/`, beside the project."""
    path = Path(project_path)
    return path.with_name(f"{path.name}.backups")


def list_backups(project_path: str | Path) -> list[Backup]:
    """The project's backups, newest first (files that do not follow the naming are ignored)."""
    folder = backup_folder(project_path)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match and entry.is_file() and not entry.name.endswith(_SIDE_FILES):
            taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
            found.append(Backup(entry, taken, match["label"]))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def latest_backup(project_path: str | Path, *, automatic: bool = False) -> Backup | None:
    """The newest backup (only automatic ones if asked), for a status line or a restore hint."""
    return next((b for b in list_backups(project_path) if b.automatic or not automatic), None)


def schedule(project_path: str | Path) -> dict[str, str]:
    """Where and when this project is backed up, for `annotator info` (and the README)."""
    newest = latest_backup(project_path)
    small = is_small(project_path)
    return {
        "folder": str(backup_folder(project_path)),
        "newest": (
            f"{newest.taken_at.astimezone().strftime('%Y-%m-%d %H:%M')} ({newest.label})"
            if newest
            else "none yet"
        ),
        "when": (
            "on opening in the window"
            + (" or a command" if small else "")
            + " when the newest is over 10 minutes old, daily while the window stays open, "
            "before a schema upgrade; `annotator backup` by hand"
        ),
    }


# -- making backups ------------------------------------------------------------------------


def backup_project(
    project_path: str | Path,
    target: str | Path | None = None,
    *,
    label: str = MANUAL,
    now: datetime | None = None,
) -> Path:
    """Back up a project to `target`, or into its backup folder; refuses to overwrite a file."""
    source = Path(project_path)
    db.check_project_file(source)
    if target is None:
        folder = backup_folder(source)
        _make_folder(folder)
        target = folder / _backup_name(source, label, now or datetime.now(UTC))
    return write_backup(source, Path(target))


def write_backup(source: Path, target: Path, reader: sqlite3.Connection | None = None) -> Path:
    """Copy `source` into the new file `target`, checked and durable, or raise ProjectError.

    The copy has the source's permissions (a 0600 project makes 0600 backups), from the
    moment it exists. `reader`, a connection on `source` that holds its lock (restore),
    is read from instead of a connection of its own.
    Raises ProjectDamaged when the copy (and so the source) fails the integrity check.
    """
    if target.exists():
        raise ProjectError(f"{target}: already exists; choose another name")
    if not target.parent.is_dir():
        raise ProjectError(f"{target}: folder {target.parent} does not exist")
    part = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        _create_with_mode_of(source, part)
        _copy_and_check(source, part, reader)
        _fsync(part)
        os.replace(part, target)
        _fsync(target.parent)
    except sqlite3.DatabaseError as error:
        part.unlink(missing_ok=True)
        if isinstance(error, sqlite3.OperationalError):
            raise ProjectError(
                f"could not back up {source}: {db.describe_failure(error, target)}"
            ) from None
        raise ProjectDamaged(f"{source}: damaged project ({str(error).splitlines()[0]})") from None
    except OSError as error:
        part.unlink(missing_ok=True)
        raise ProjectError(
            f"could not back up {source}: {db.describe_failure(error, target)}"
        ) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return target


def backup_on_open(project_path: str | Path, now: datetime | None = None) -> Path | None:
    """Called by `Project.open`: a backup unless a recent one exists; refuses a damaged file.

    Failing to write a backup (read-only folder, full disk) is logged and never stops the
    user from working; a project that fails the integrity check raises ProjectDamaged.
    """
    return _automatic_backup(Path(project_path), "open", OPEN_INTERVAL, now)


def backup_before_migration(project_path: str | Path, revision: str) -> Path:
    """The checked copy taken before upgrading the schema of `revision`; no copy, no upgrade.

    It goes through `write_backup` like every backup (temporary file, quick check, fsync,
    rename), so a kill or a full disk never leaves an empty file under a backup's name.
    """
    path = Path(project_path)
    try:
        return backup_project(path, label=f"{BEFORE_MIGRATION}-{revision}")
    except ProjectDamaged as error:
        raise _damaged(path, str(error)) from None
    except ProjectError as error:
        raise ProjectError(
            f"{error} (needed before upgrading its schema {revision}; the project is unchanged)"
        ) from None


def maybe_backup_daily(project_path: str | Path, now: datetime | None = None) -> Path | None:
    """For the GUI's timer: a backup when the newest automatic one is a day old."""
    return _automatic_backup(Path(project_path), "daily", DAILY_INTERVAL, now)


def _automatic_backup(
    path: Path, label: str, interval: timedelta, now: datetime | None
) -> Path | None:
    now = now or datetime.now(UTC)
    newest = latest_backup(path, automatic=True)
    if newest is not None and now - newest.taken_at < interval:
        return None
    try:
        folder = backup_folder(path)
        _make_folder(folder)
        made = write_backup(path, folder / _backup_name(path, label, now))
        prune_backups(path, now)
    except ProjectDamaged as error:
        raise _damaged(path, str(error)) from None
    except ProjectError as error:
        log.warning("%s", error)
        return None
    return made


def prune_backups(project_path: str | Path, now: datetime | None = None) -> list[Path]:
    """Delete automatic backups beyond the policy and stale temporary files; returns deleted."""
    now = now or datetime.now(UTC)
    automatic = [b for b in list_backups(project_path) if b.automatic]
    keep = {b.path for b in automatic[:KEEP_NEWEST]}
    first_day = (now - timedelta(days=KEEP_DAYS - 1)).date()
    days_seen: set = set()
    for backup in automatic:  # newest first, so the first of each day is its newest
        day = backup.taken_at.date()
        if day >= first_day and day not in days_seen:
            days_seen.add(day)
            keep.add(backup.path)
    deleted = [b.path for b in automatic if b.path not in keep]
    deleted += stale_leftovers(project_path, now)
    _delete(deleted, "old backup")
    return deleted


def remove_leftovers(project_path: str | Path, now: datetime | None = None) -> list[Path]:
    """Called by `Project.open`: delete what killed backups and restores left; returns it."""
    found = stale_leftovers(project_path, now or datetime.now(UTC))
    _delete(found, "temporary file")
    return found


def stale_leftovers(project_path: str | Path, now: datetime) -> list[Path]:
    """Temporary files of backups and restores of this project whose process is gone.

    One whose process may still be running (this one, or a live process of that id) is
    left alone until it is an hour old: a backup in progress is never pulled away.
    """
    project = Path(project_path)
    old = now.timestamp() - STALE_PART.total_seconds()
    name = re.escape(project.name)
    found = []
    for folder, pattern in (
        (backup_folder(project), _BACKUP_PART),
        (project.parent, _RESTORING.format(name=name)),
        (project.parent, _RESTORING_PART.format(name=name)),
    ):
        for entry, pid in _leftovers_in(folder, re.compile(pattern)):
            try:
                stale = entry.stat().st_mtime < old or not process_running(pid)
            except OSError:
                continue  # renamed into place or removed by its process meanwhile
            if stale:
                found.append(entry)
    return found


def _leftovers_in(folder: Path, pattern: re.Pattern) -> list[tuple[Path, int]]:
    """Files in `folder` whose names match `pattern`, with the process id the name carries."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []  # no such folder (no backups yet), or not readable
    return [(e, int(m[1])) for e in entries if (m := pattern.match(e.name))]


def _delete(paths: list[Path], what: str) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not delete %s %s: %s", what, path, error.strerror)


# -- restore -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    project: Path
    backup: Path
    replaced_kept_as: Path | None


def restore_backup(
    backup: str | Path, project_path: str | Path, *, while_locked: Callable[[], None] | None = None
) -> RestoreResult:
    """Put a backup in the project's place, keeping the replaced file in the backup folder.

    The backup is checked (a project, not damaged, not from a newer version) before anything
    is touched. An existing project is locked from the check that nobody has it open
    through the end: a window or command that opens it meanwhile waits (and, after the
    busy timeout, says so) instead of saving into the replaced file. Its pages are then
    overwritten through SQLite (the backup API, in one transaction), so the file, its
    permissions and every name for it stay; a program that opened it just before reads
    the restored project, never a file that is gone. `while_locked` runs while the lock
    is held, after the copy of the replaced file is kept (tests write from another
    process then).
    """
    backup, project_path = Path(backup), Path(project_path)
    db.check_project_file(backup)
    if project_path.exists() and project_path.resolve() == backup.resolve():
        raise ProjectError(f"{backup}: is the project itself; choose a backup to restore")
    if not project_path.parent.is_dir():
        raise ProjectError(f"{project_path}: folder {project_path.parent} does not exist")
    part = project_path.with_name(f".{project_path.name}.{os.getpid()}.restoring")
    part.unlink(missing_ok=True)
    write_backup(backup, part)
    try:
        if not project_path.exists():
            os.replace(part, project_path)
            _fsync(project_path.parent)
            return RestoreResult(project_path, backup, None)
        with _locked(project_path) as (locked, defer):
            if locked is None:  # too damaged for SQLite to lock: nobody can be working in it
                kept = _keep_raw_copy(project_path, defer)
                _replace_damaged(part, project_path)
            else:
                kept = _keep_replaced(project_path, locked, defer)
                if while_locked is not None:
                    while_locked()
                _write_over(part, locked, project_path)
    finally:
        part.unlink(missing_ok=True)
    return RestoreResult(project_path, backup, kept)


@contextmanager
def _locked(path: Path) -> Iterator[tuple[sqlite3.Connection | None, ExitStack]]:
    """(a connection holding the project's exclusive lock, or None for a file too damaged
    to lock; what to close after it) until the block ends; refuses a project in use.

    In exclusive locking mode SQLite keeps the lock the first transaction took until the
    connection closes, so nobody can read or write the file in between. Files opened
    by plain I/O meanwhile are closed only after the connection (`defer`): closing any
    descriptor of the file would drop this process's locks (see engines.py).
    """
    if engines.is_open(path):
        raise ProjectError(f"{path}: is open in annotator; close it everywhere first")
    with (
        ExitStack() as defer,  # left after the connection: its files close after the lock
        closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as connection,
    ):
        yield _lock(connection, path), defer


def _lock(connection: sqlite3.Connection, path: Path) -> sqlite3.Connection | None:
    try:
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("ROLLBACK")  # the lock stays (exclusive locking mode)
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise ProjectError(f"{path}: is open in annotator; close it everywhere first") from None
        raise ProjectError(f"{path}: {db.describe_failure(error)}") from None
    except sqlite3.DatabaseError:
        return None
    return connection


def _keep_replaced(project_path: Path, locked: sqlite3.Connection, defer: ExitStack) -> Path:
    """A checked copy of the file about to be replaced, read through the lock's connection;
    its raw bytes when it is too damaged to copy."""
    try:
        return write_backup(project_path, _before_restore_name(project_path), locked)
    except ProjectError:
        return _keep_raw_copy(project_path, defer)


def _before_restore_name(project_path: Path) -> Path:
    folder = backup_folder(project_path)
    _make_folder(folder)
    return folder / _backup_name(project_path, BEFORE_RESTORE, datetime.now(UTC))


def _keep_raw_copy(project_path: Path, defer: ExitStack) -> Path:
    """The file's raw bytes (and its -wal's), for a project too damaged to copy."""
    target = _before_restore_name(project_path)
    try:
        for suffix in ("", "-wal"):
            source = Path(f"{project_path}{suffix}")
            if source.exists():
                raw = defer.enter_context(source.open("rb"))  # closed after the lock's end
                _create_with_mode_of(project_path, Path(f"{target}{suffix}"))
                with open(f"{target}{suffix}", "wb") as copy:
                    shutil.copyfileobj(raw, copy)
    except OSError as error:
        reason = db.describe_failure(error, Path(project_path))
        raise ProjectError(f"could not keep a copy of {project_path}: {reason}") from None
    return target


def _write_over(part: Path, locked: sqlite3.Connection, project_path: Path) -> None:
    """Write the checked copy's pages over the project's, in one transaction."""
    try:
        with closing(sqlite3.connect(part)) as source:
            source.backup(locked)
    except sqlite3.Error as error:
        reason = db.describe_failure(error, project_path)
        raise ProjectError(f"could not restore {project_path}: {reason}") from None


def _replace_damaged(part: Path, project_path: Path) -> None:
    """Put the copy in the place of a project SQLite cannot even lock, with its mode."""
    os.chmod(part, stat.S_IMODE(project_path.stat().st_mode))
    for suffix in ("-wal", "-shm"):  # they belong to the replaced file
        Path(f"{project_path}{suffix}").unlink(missing_ok=True)
    os.replace(part, project_path)
    _fsync(project_path.parent)


# -- checks and messages -------------------------------------------------------------------


def _damaged(path: Path, message: str) -> ProjectDamaged:
    """The damage message with what to do about it: the newest backup, when there is one."""
    newest = latest_backup(path)
    hint = (
        f"to go back to the newest backup: annotator restore {newest.path} {path}"
        if newest
        else "restore it from a backup"
    )
    return ProjectDamaged(f"{message}; {hint}")


def check_intact(project_path: str | Path) -> None:
    """Refuse a project that fails SQLite's quick check (with what to do about it).

    It reads the whole file: `check_on_open` calls it only where that is cheap or needed,
    `annotator info --check` whenever asked.
    """
    path = Path(project_path)
    problems = db.quick_check(path)
    if problems:
        raise _damaged(path, f"{path}: damaged project ({problems[0]})")


def is_small(project_path: str | Path) -> bool:
    """Whether reading or copying the whole file costs only milliseconds."""
    try:
        return Path(project_path).stat().st_size <= SMALL_PROJECT_BYTES
    except OSError:
        return True  # gone meanwhile: the checks that follow say so


def left_by_a_crash(project_path: str | Path) -> bool:
    """Whether a -wal or -journal beside the file was left by a process that is gone.

    A project closed cleanly has neither (the last connection checkpoints and removes
    its -wal); one left by a killed process or a power cut has one. So has a project
    another process has open (a window while a command runs): that is no crash. Only for
    a process that has no connection to the file yet (see `db.open_elsewhere`).
    """
    path = Path(project_path)
    left = any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal"))
    return left and not db.open_elsewhere(path)


def check_on_open(project_path: str | Path, *, crashed: bool) -> None:
    """The first open's check that the file is not damaged, never proportional to a large
    project unless a crash makes it worth it.

    Small files and files a crash left behind get SQLite's full quick check. A large one
    closed cleanly was checked by reading its header and schema (`db.check_project_file`:
    SQLite refuses a file shorter than its header's page count, so a cut-off copy is
    refused); damage inside a page is met when that page is read (one clear "damaged"
    line naming the newest backup), by the checked copy every backup makes (so it never
    pushes a good backup out), and by `annotator info --check`.
    """
    if crashed or is_small(project_path):
        check_intact(project_path)


def _create_with_mode_of(source: Path, part: Path) -> None:
    """Make `part` empty, with the permission bits of `source` (stat only: never opened)."""
    mode = stat.S_IMODE(source.stat().st_mode)
    part.unlink(missing_ok=True)  # of a killed process that had this one's id
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode & 0o600))
    os.chmod(part, mode)  # the umask left out of os.open's mode


def _copy_and_check(source: Path, part: Path, reader: sqlite3.Connection | None) -> None:
    if reader is None:
        with closing(sqlite3.connect(source, timeout=db.BUSY_TIMEOUT_MS / 1000)) as own:
            own.execute("PRAGMA query_only = ON")
            _copy_and_check(source, part, own)
        return
    with closing(sqlite3.connect(part, isolation_level=None)) as writer:
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode = DELETE")
        problems = db.quick_check_problems(writer)
    if problems:
        raise sqlite3.DatabaseError("; ".join(problems))


def _backup_name(project_path: Path, label: str, when: datetime) -> str:
    stamp = when.astimezone(UTC).strftime(_STAMP)
    return f"{project_path.stem}.{stamp}.{label}{project_path.suffix or '.annotator'}"


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise ProjectError(
            f"could not make backup folder {folder}: {db.describe_failure(error)}"
        ) from None


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entry for a renamed file, to the disk."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        return  # some platforms cannot open folders; the rename is still atomic
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
