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

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from annotator.core.coding.memos import MEMO_TARGET, memo_in, metadata_with_memo
from annotator.core.errors import CodingError
from annotator.core.store.models import Article, History
from annotator.core.supervision.merge_report import KEPT_MEMO, Conflict, MergeReport, Skipped
from annotator.core.supervision.merge_source import CHUNK, SourceData, SourceRow, rows_where


def merge_memos(
    session: Session,
    shared: Mapping[str, tuple[int, str]],
    source: SourceData,
    report: MergeReport,
    now: datetime,
) -> None:
    """Carry the memos of `source.articles` whose sha256 is in `shared` (sha256 ->
    the target's article id and key) into the target, filling `report`. Called before
    the source's history is copied, so the target's memo times are its own."""
    memos = {a.sha256: memo_in(a.metadata_json) for a in source.articles if a.sha256 in shared}
    memos = {sha: memo for sha, memo in memos.items() if memo.strip()}
    if not memos:
        return
    stored = _stored(session, [shared[sha][0] for sha in memos])
    target_at = _memo_times(session, list(memos))
    edits = _source_edits(source.history, memos)
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


def _stored(session: Session, article_ids: list[int]) -> dict[int, str]:
    """The target's stored metadata of these articles, by id."""
    columns = [col(Article.id), col(Article.metadata_json)]
    return {
        row.id: row.metadata_json for row in rows_where(session, columns, columns[0], article_ids)
    }


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
    history: Iterable[SourceRow], memos: Mapping[str, str]
) -> dict[str, tuple[str, datetime]]:
    """Who last wrote each source memo, and when (the source's newest memo history row)."""
    edits: dict[str, tuple[str, datetime]] = {}
    for row in history:
        if row.target == MEMO_TARGET and row.article_sha256 in memos:
            edits[row.article_sha256] = (row.coder, row.at)  # the rows come in id order
    return edits
