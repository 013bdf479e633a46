"""Article memos in a merge, for articles the target already has.

An article the merge adds brings its memo with the rest of its metadata. For an article
both files hold, the source's memo goes in where the target's is empty; a memo the
target has is never replaced (it is prose someone wrote, and two memos cannot be told
apart by which is "newer" the way two codes can): a source memo that differs is listed
as a conflict kept as the target's (`KEPT_MEMO`), like a held change, so the supervisor
can copy what is needed by hand. A source memo that would not pass the memo editor's
checks (too long, control characters) is skipped and listed. The source's history rows
about the memo come along with the rest of its history (`merge`), so no row is added.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy import select as select_columns
from sqlalchemy.sql.expression import FromClause
from sqlmodel import Session, col

from annotator.core.coding.memos import MEMO_TARGET, memo_in, metadata_with_memo
from annotator.core.errors import CodingError
from annotator.core.store.models import Article, History, table_of
from annotator.core.supervision.merge_report import KEPT_MEMO, Conflict, MergeReport, Skipped
from annotator.core.supervision.merge_source import CHUNK
from annotator.core.supervision.merge_staging import SourceTables


def merge_memos(
    session: Session,
    source: SourceTables,
    added: FromClause,
    report: MergeReport,
    now: datetime,
) -> None:
    """Carry the memos of the source's articles that the target already held (not those
    the merge added: `added`, their source ids `sid`) into the target, filling `report`.
    Called before the source's history is copied, so the target's memo times are its own. Only the
    articles whose metadata differ in the two files are read: equal metadata hold the
    same memo."""
    theirs, mine = source.article, table_of(Article)
    differing = (
        select_columns(theirs.c.sha256, theirs.c.metadata_json, mine.c.id, mine.c.key)
        .add_columns(mine.c.metadata_json.label("stored"))
        .join_from(theirs, mine, mine.c.sha256 == theirs.c.sha256)
        .where(mine.c.metadata_json != theirs.c.metadata_json)
        .where(~theirs.c.id.in_(select_columns(added.c.sid)))
    )
    memos, shared, stored = {}, {}, {}
    for row in session.execute(differing):
        memo = memo_in(row.metadata_json)
        if memo.strip():
            memos[row.sha256] = memo
            shared[row.sha256] = (row.id, row.key)
            stored[row.id] = row.stored
    if not memos:
        return
    target_at = _memo_times(session, list(memos))
    edits = _source_edits(session, source, memos)
    updates = []
    for sha, memo in memos.items():
        article_id, key = shared[sha]
        here = memo_in(stored[article_id])
        editor, source_at = edits.get(sha, ("", now))
        if here == memo:
            continue
        if here:
            at = target_at.get(sha, now)
            report.conflicts.append(
                Conflict(key, editor, MEMO_TARGET, here, memo, at, source_at, KEPT_MEMO)
            )
            continue
        try:
            metadata = metadata_with_memo(stored[article_id], memo)
        except CodingError as error:
            report.skipped.append(Skipped(key, editor, MEMO_TARGET, memo, str(error)))
            continue
        updates.append({"id": article_id, "metadata_json": metadata})
    if updates:
        session.execute(update(Article), updates)
        report.memos_added += len(updates)


def _memo_times(session: Session, shas: list[str]) -> dict[str, datetime]:
    """When the target's memo of each article was last written (from its history)."""
    times: dict[str, datetime] = {}
    for start in range(0, len(shas), CHUNK):
        query = (
            select_columns(col(History.article_sha256), func.max(History.at))
            .where(col(History.target) == MEMO_TARGET)
            .where(col(History.article_sha256).in_(shas[start : start + CHUNK]))
            .group_by(col(History.article_sha256))
        )
        times.update({row[0]: row[1] for row in session.execute(query)})
    return times


def _source_edits(
    session: Session, source: SourceTables, memos: Mapping[str, str]
) -> dict[str, tuple[str, datetime]]:
    """Who last wrote each source memo, and when (the source's newest memo history row)."""
    history = source.history
    query = (
        select_columns(history.c.article_sha256, history.c.coder, history.c.at)
        .where(history.c.target == MEMO_TARGET)
        .order_by(history.c.id)
    )
    edits: dict[str, tuple[str, datetime]] = {}
    rows: Any = session.execute(query)
    for sha, coder, at in rows:
        if sha in memos:
            edits[sha] = (coder, at)  # the rows come in id order
    return edits
