"""Reading a source project for a merge, and deciding whether its codebook fits.

Kept apart from the merge itself: everything here happens before the target's write
transaction opens, so a refusal never leaves anything half-written, and reading a
source works on a private snapshot so the source file is never modified. A source with a
supervisor passphrase is read only with its passphrase.
"""

from __future__ import annotations

import fcntl
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select as select_columns
from sqlmodel import col, select

from annotator.core import field_values
from annotator.core.codebook import Codebook
from annotator.core.errors import AnnotatorError
from annotator.core.store import db
from annotator.core.store.location import Location, display_location, is_server_url
from annotator.core.store.models import (
    Code,
    CodebookVersion,
    Coder,
    saved_id,
    table_of,
)
from annotator.core.store.project import Project, parse_codebook_text
from annotator.core.store.transfer import copy_rows
from annotator.core.supervision.passphrase import (
    check_supervisor_passphrase,
    has_supervisor_passphrase,
)


class MergeRefused(AnnotatorError):
    """A source that cannot be merged into the target (codebooks, same file)."""


Unlock = Callable[[str], str | None]
"""Asked for a source's supervisor passphrase, with the source as shown; None if not given."""

SNAPSHOT_PREFIX = "annotator-merge-"
_IN_USE = "in-use"  # a file in each snapshot folder, locked while its merge runs
UNMARKED_GRACE = 60.0  # seconds a folder without its marker is left to the merge making it


@contextmanager
def snapshot(path: Path) -> Iterator[Project]:
    """A private copy of the source (SQLite's online backup, a consistent snapshot even while
    a coder has the file open), opened and if need be migrated without touching the source.

    The source is only read: through a read-only connection, which can never checkpoint
    its -wal into it or delete the -wal and -shm that a coder's open window relies on. The
    copy lives in a temporary folder; one left behind by a merge that was killed is
    removed by the next merge (`remove_stale_snapshots`)."""
    db.check_is_project_file(path)
    remove_stale_snapshots()
    with _snapshot_folder() as folder:
        copy = folder / "source.annotator"
        _copy_read_only(path, copy)
        project = Project.open(copy, backups=False)
        try:
            yield project
        finally:
            project.close()


@contextmanager
def _snapshot_folder() -> Iterator[Path]:
    """A new temporary folder, marked in use (a locked file in it) until the block ends."""
    with tempfile.TemporaryDirectory(prefix=SNAPSHOT_PREFIX) as folder:
        marker = Path(folder) / _IN_USE
        with marker.open("w") as handle:
            # Released by the system if the process dies: that is how a later merge
            # tells a folder that was abandoned.
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield Path(folder)


def _copy_read_only(path: Path, copy: Path) -> None:
    """Copy `path` into `copy` through a read-only connection. Without a -wal file the
    source is read `immutable` (no locks, nothing made beside it); if a coder began
    writing meanwhile (a -wal appeared) it is copied again, with locks."""
    for _attempt in range(2):
        had_wal = Path(f"{path}-wal").exists()
        copy.unlink(missing_ok=True)
        try:
            with (
                closing(db.read_only_connection(path)) as reader,
                closing(sqlite3.connect(copy)) as writer,
            ):
                reader.backup(writer)
        except sqlite3.Error as error:
            if had_wal or not Path(f"{path}-wal").exists():
                raise MergeRefused(f"{path}: cannot be read ({error})") from None
            continue
        if had_wal or not Path(f"{path}-wal").exists():
            return
    raise MergeRefused(f"{path}: is being written to; try the merge again")


def remove_stale_snapshots(folder: Path | None = None) -> list[Path]:
    """Remove the snapshot folders of merges that no longer run (killed ones): a folder
    is in use while its merge holds the lock on its `in-use` file."""
    removed = []
    for entry in Path(folder or tempfile.gettempdir()).glob(f"{SNAPSHOT_PREFIX}*"):
        if entry.is_dir() and not entry.is_symlink() and _abandoned(entry / _IN_USE):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _abandoned(marker: Path) -> bool:
    try:
        with marker.open("r+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
    except BlockingIOError:
        return False  # a running merge holds it
    except FileNotFoundError:  # killed before it made the marker, or just making it
        return _age(marker.parent) > UNMARKED_GRACE
    except OSError:
        return False  # not ours to judge (another user's folder)


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def read_source(source: Location, unlock: Unlock | None = None) -> SourceData:
    """A source opened for a merge: a private snapshot file of a project file, or of a
    server project (copied in one REPEATABLE READ transaction: a consistent view while its
    coders go on working), with what the codebook check needs. The merge reads the rows
    from the snapshot inside its transaction; `SourceData.close` removes the snapshot.

    A source with a supervisor passphrase is read only with that passphrase (`unlock`):
    merging it brings every coder's codes into a project whose own passphrase may be
    another, or none."""
    with ExitStack() as cleanup:
        if is_server_url(source):
            copy = cleanup.enter_context(server_snapshot(str(source)))
        else:
            copy = cleanup.enter_context(snapshot(Path(source)))
        _check_unlocked(copy, display_location(source), unlock)
        data = SourceData.read(copy, cleanup.pop_all())
    return data


@contextmanager
def server_snapshot(url: str) -> Iterator[Project]:
    """A private project file holding a server project's rows, copied in one REPEATABLE
    READ transaction (`transfer.copy_rows`), so that every source a merge reads is a file."""
    remove_stale_snapshots()
    with _snapshot_folder() as folder:
        copy = folder / "source.annotator"
        with Project.open(url, backups=False) as server:
            writer = db.make_engine(copy, immediate=True)
            try:
                db.upgrade(writer)
                reader = server.read_engine.execution_options(isolation_level="REPEATABLE READ")
                copy_rows(reader, writer)
            finally:
                writer.dispose()
        project = Project.open(copy, backups=False)
        try:
            yield project
        finally:
            project.close()


def _check_unlocked(project: Project, label: str, unlock: Unlock | None) -> None:
    """Go on only with the source's passphrase. `unlock` is asked again after a wrong
    answer, until it gives nothing new (the command line offers the target's passphrase
    first, then asks for this file's)."""
    if not has_supervisor_passphrase(project):
        return
    tried: set[str] = set()
    while unlock is not None and (given := unlock(label)) is not None and given not in tried:
        if check_supervisor_passphrase(project, given):
            return
        tried.add(given)
    if tried:
        raise MergeRefused(f"{label}: wrong supervisor passphrase for this file; merge refused")
    raise MergeRefused(
        f"{label}: has a supervisor passphrase (merging it shows every coder's codes); "
        "give its passphrase to merge it"
    )


SourceRow = Any
"""A row read as a named tuple of its columns (attribute access by column name)."""


@dataclass
class SourceData:
    """A source before the merge's transaction: its snapshot (open until `close`), its
    codebook versions, the (field, code) pairs and codebook versions its codes use, and its
    coders. The rows themselves stay in the snapshot until the merge reads them in bulk."""

    project: Project
    path: Path  # the snapshot file
    codebooks: dict[int, Codebook]
    used_codes: set[tuple[str, str]]
    used_versions: set[int]
    coders: list[SourceRow]
    cleanup: ExitStack

    @classmethod
    def read(cls, project: Project, cleanup: ExitStack) -> SourceData:
        with project.reading() as session:
            versions = session.exec(select(CodebookVersion)).all()
            pairs = select_columns(col(Code.field), col(Code.code)).distinct()
            used = select_columns(col(Code.codebook_version_id)).distinct()
            coders = select_columns(*table_of(Coder).columns).order_by(col(Coder.id))
            return cls(
                project=project,
                path=Path(project.path),
                codebooks={
                    saved_id(v.id): parse_codebook_text(v.definition, str(project.path))
                    for v in versions
                },
                used_codes={(row[0], row[1]) for row in session.execute(pairs)},
                used_versions={row[0] for row in session.execute(used)},
                coders=list(session.execute(coders)),
                cleanup=cleanup,
            )

    def close(self) -> None:
        """Close the snapshot and remove its folder."""
        self.cleanup.close()


# -- codebooks ---------------------------------------------------------------------------


def check_codebooks(
    target: Project, data: SourceData, source: str
) -> tuple[dict[int, int], str | None]:
    """Refuse incompatible codebooks; map source codebook version ids to target ones."""
    mine = target.codebook
    used_versions = data.used_versions | {max(data.codebooks)}
    for version_id in sorted(used_versions):
        book = data.codebooks[version_id]
        if book.name != mine.name:
            raise MergeRefused(
                f"{source}: codebook {book.name!r} is not the target's codebook {mine.name!r}; "
                "merge refused"
            )
        if book.version != mine.version and (reason := _version_mismatch(mine, book)):
            raise MergeRefused(
                f"{source}: codebook {book.name!r} version {book.version} is not compatible "
                f"with the target's version {mine.version} ({reason}); merge refused"
            )
    for field_key, code in sorted(data.used_codes):
        if (reason := _unknown_code(mine, field_key, code)) is not None:
            raise MergeRefused(f"{source}: {reason}; merge refused")
    with target.reading() as session:
        rows = {(v.name, v.version): v.id for v in session.exec(select(CodebookVersion))}
    version_map: dict[int, int] = {}
    recorded: set[str] = set()
    for version_id, book in data.codebooks.items():
        mapped = rows.get((book.name, book.version))
        if mapped is None:
            mapped = target.codebook_version_id
            if version_id in used_versions:
                recorded.add(book.version)
        version_map[version_id] = mapped
    note = None
    if recorded:
        versions = ", ".join(sorted(recorded))
        note = f"codes made with version {versions} recorded against version {mine.version}"
    return version_map, note


def _version_mismatch(target: Codebook, source: Codebook) -> str | None:
    """Why two versions of one codebook cannot be merged, or None if they can. A field the
    source's version lacks was added since (its coders were not asked it): that is no
    conflict; a field both have must mean the same (type, scope, level, categories)."""
    theirs = {f.key: f for f in source.fields}
    for mine in target.fields:
        other = theirs.get(mine.key)
        if other is None:
            continue
        for facet in ("type", "scope", "level"):
            if (there := getattr(other, facet)) != (here := getattr(mine, facet)):
                return f"field {mine.key!r} is {there} there but {here} here"
        for category in mine.categories:
            match = other.category(category.code)
            if match is None:
                return f"code {category.code!r} of field {mine.key!r} is missing"
            if match.outside_scale != category.outside_scale:
                return (
                    f"code {category.code!r} of field {mine.key!r} changed its place on the scale"
                )
    return None


def _unknown_code(codebook: Codebook, field_key: str, code: str) -> str | None:
    """Why a code the source uses cannot be stored under the target's codebook, if it cannot."""
    known = {f.key: f for f in codebook.fields}
    if field_key not in known:
        return f"it has codes for field {field_key!r}, which the target's codebook lacks"
    field = known[field_key]
    if field.has_categories:
        unknown = [c for c in field_values.choices(code) if field.category(c) is None]
        if unknown:
            return (
                f"it uses code {unknown[0]!r} of field {field_key!r}, which the target's "
                "codebook lacks"
            )
    if (problem := field_values.check(field, code)) is not None:
        return (
            f"its value {code[:60]!r} of field {field_key!r} is {problem} in the target's codebook"
        )
    return None


CHUNK = 500  # values per IN (...): well under every backend's limit on parameters
