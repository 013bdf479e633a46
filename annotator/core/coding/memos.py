"""Memos and article details: the write path for what is said about an article or the
project rather than about one unit.

A memo on an article lives in its `metadata_json` under "memo"; the project's memo in
`ProjectSetting` under "memo"; an article's title, outlet and date in their columns. No
table was added for them, so no migration. Every change writes a `History` row like a
code's (same writer, same time stamp, an origin), so the audit trail shows who changed an
article's title or memo and what it said before. A row about an article keeps its sha256
with the span 0..0 (no unit has that span); a row about the project an empty sha256.
Undo writes the old value back through the same functions, with history.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from annotator.core.coding.service import writing
from annotator.core.errors import CodingError
from annotator.core.store.models import Article, Origin, ProjectSetting
from annotator.core.store.project import Project

MEMO_KEY = "memo"  # in an article's metadata_json, and the project setting's key
MEMO_TARGET = "#memo"  # history targets: '#' never begins a field key
DETAIL_TARGETS = {"title": "#title", "outlet": "#outlet", "published": "#published"}
MEMO_LIMIT = 100_000  # characters in one memo
DETAIL_LIMITS = {"title": 2_000, "outlet": 300, "published": 40}
PROJECT_SHA = ""  # a history row about the project as a whole


@dataclass(frozen=True)
class Edit:
    """One committed change of an article detail or a memo; None means empty."""

    article_id: int | None  # None: the project's memo
    target: str  # "title", "outlet", "published" or "memo"
    old: str | None
    new: str | None


@dataclass(frozen=True)
class _Whole:
    """The span a history row about a whole article or project keeps."""

    start: int = 0
    end: int = 0


def article_memo(project: Project, article_id: int) -> str:
    with project.reading() as session:
        return memo_in(_article(session, article_id).metadata_json)


def article_details(project: Project, article_id: int) -> dict[str, str]:
    """An article's title, outlet, date and memo as stored ("" where empty): what an undo
    checks it would be replacing."""
    with project.reading() as session:
        article = _article(session, article_id)
        details = {name: getattr(article, name) or "" for name in DETAIL_TARGETS}
        return {**details, MEMO_KEY: memo_in(article.metadata_json)}


def project_memo(project: Project) -> str:
    with project.reading() as session:
        row = session.get(ProjectSetting, MEMO_KEY)
        return row.value if row is not None else ""


def set_article_memo(
    project: Project, editor: str, article_id: int, text: str, *, origin: str = Origin.MANUAL
) -> Edit | None:
    """Replace an article's memo (only whitespace clears it); None when nothing changed."""
    new = _checked_memo(text)
    with writing(project, origin=origin) as writer:
        article = _article(writer.session, article_id)
        old = memo_in(article.metadata_json) or None
        if old == new:
            return None
        article.metadata_json = _with_memo(article.metadata_json, new)
        writer.session.add(article)
        writer.history(article.sha256, _Whole(), _editor(editor), MEMO_TARGET, old, new, None)
        return Edit(article_id, "memo", old, new)


def set_project_memo(
    project: Project, editor: str, text: str, *, origin: str = Origin.MANUAL
) -> Edit | None:
    """Replace the project's memo (only whitespace clears it); None when nothing changed."""
    new = _checked_memo(text)
    with writing(project, origin=origin) as writer:
        row = writer.session.get(ProjectSetting, MEMO_KEY)
        old = row.value if row is not None else None
        if old == new:
            return None
        if new is None:
            writer.session.delete(row)
        elif row is None:
            writer.session.add(ProjectSetting(key=MEMO_KEY, value=new))
        else:
            row.value = new
            writer.session.add(row)
        writer.history(PROJECT_SHA, _Whole(), _editor(editor), MEMO_TARGET, old, new, None)
        return Edit(None, "memo", old, new)


def edit_article(
    project: Project,
    editor: str,
    article_id: int,
    details: Mapping[str, str | None],
    *,
    origin: str = Origin.MANUAL,
) -> list[Edit]:
    """Set an article's title, outlet and/or date (`published`, an ISO date such as
    2024-03-01, or empty), all in one transaction with a history row each; fields that
    already hold the value write nothing. The title may not be empty."""
    checked = {name: _checked_detail(name, value) for name, value in details.items()}
    editor = _editor(editor)
    with writing(project, origin=origin) as writer:
        article = _article(writer.session, article_id)
        edits: list[Edit] = []
        for name, new in checked.items():
            old = getattr(article, name) or None
            if old == new:
                continue
            setattr(article, name, new if new is not None else _empty(name))
            target = DETAIL_TARGETS[name]
            writer.history(article.sha256, _Whole(), editor, target, old, new, None)
            edits.append(Edit(article_id, name, old, new))
        if edits:
            writer.session.add(article)
        return edits


# -- internals -------------------------------------------------------------------------


def _article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise CodingError(f"no article with id {article_id} (it may have been removed)")
    return article


def _metadata(metadata_json: str) -> dict:
    """The stored metadata as a dict; something else stored there is kept under "stored"
    rather than dropped (the memo must not erase what an importer wrote)."""
    try:
        value = json.loads(metadata_json or "{}")
    except ValueError:
        return {"stored": metadata_json}
    return value if isinstance(value, dict) else {"stored": value}


def memo_in(metadata_json: str) -> str:
    """The memo kept in an article's stored metadata ("" when it has none)."""
    memo = _metadata(metadata_json).get(MEMO_KEY)
    return memo if isinstance(memo, str) else ""


def metadata_with_memo(metadata_json: str, text: str) -> str:
    """The stored metadata with `text` as its memo, checked as an edited memo is (a
    merge brings memos from another file: `CodingError` names what is wrong)."""
    return _with_memo(metadata_json, _checked_memo(text))


def _with_memo(metadata_json: str, memo: str | None) -> str:
    metadata = _metadata(metadata_json)
    if memo is None:
        metadata.pop(MEMO_KEY, None)
    else:
        metadata[MEMO_KEY] = memo
    return json.dumps(metadata, ensure_ascii=False, sort_keys=True)


def _editor(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100:
        raise CodingError("an editor's name of 1 to 100 characters is needed")
    return name


def _checked_memo(text: str) -> str | None:
    if len(text) > MEMO_LIMIT:
        raise CodingError(f"the memo is longer than {MEMO_LIMIT:,} characters")
    if any(_is_control(char) and char not in "\n\t" for char in text):
        raise CodingError("the memo holds control characters")
    return text if text.strip() else None


def _checked_detail(name: str, value: str | None) -> str | None:
    if name not in DETAIL_TARGETS:
        raise CodingError(f"{name!r} is not an article detail (title, outlet, published)")
    value = " ".join((value or "").split())  # one line: no tabs, newlines or runs
    if any(_is_control(char) for char in value):
        raise CodingError(f"the {name} holds control characters")
    if len(value) > DETAIL_LIMITS[name]:
        raise CodingError(f"the {name} is longer than {DETAIL_LIMITS[name]:,} characters")
    if not value:
        if name == "title":
            raise CodingError("an article needs a title")
        return None
    if name == "published":
        try:
            date.fromisoformat(value[:10])  # a time may follow, as importers keep it
        except ValueError:
            raise CodingError(f"date {value!r} is not a date such as 2024-03-01") from None
    return value


def _is_control(char: str) -> bool:
    """Control, format (bidi, zero-width) and unassigned characters."""
    return unicodedata.category(char) in {"Cc", "Cf", "Cn", "Co"}


def _empty(name: str) -> str | None:
    return "" if name == "title" else None
