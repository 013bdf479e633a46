"""The line above the article's text: outlet, date, byline, and what else a coder needs
to know before reading (its language when not English, a near-duplicate).

Coders need the outlet for some variables (the outlet's own reporters, its wire
copy), so it is shown where they read, not only in the article list.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel

from annotator.core.coding.article_views import ArticleSummary
from annotator.ui import theme

LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "nl": "Dutch",
    "da": "Danish",
    "es": "Spanish",
    "it": "Italian",
}


MEMO_SHOWN = 60  # characters of the article's memo in the header; the tooltip has it all


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def header_parts(summary: ArticleSummary) -> list[str]:
    """The header's pieces of plain text, in reading order; empty ones left out."""
    parts = [summary.outlet, summary.published]
    if summary.author:
        parts.append(f"By {summary.author}")
    if summary.language and summary.language != "en":
        parts.append(f"in {language_name(summary.language)}")
    if summary.near_duplicate_of:
        parts.append(f"near-duplicate of {summary.near_duplicate_of}")
    if summary.memo:
        first = " ".join(summary.memo.split())
        parts.append(
            f"Memo: {first[:MEMO_SHOWN]}…" if len(first) > MEMO_SHOWN else f"Memo: {first}"
        )
    return [part for part in parts if part]


class ArticleHeader(QLabel):
    """Outlet (bold), date and byline of the open article; hidden when it has none."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("article_header")
        self.setWordWrap(True)
        self.setContentsMargins(12, 6, 12, 6)
        self.hide()

    def show_summary(self, summary: ArticleSummary | None) -> None:
        parts = header_parts(summary) if summary is not None else []
        if not parts:
            self.clear()
            self.hide()
            return
        muted = theme.muted_text(self.palette()).name()
        shown = [html.escape(part) for part in parts]
        if summary is not None and summary.outlet:
            shown[0] = f"<b>{shown[0]}</b>"
        self.setText(f"<span style='color:{muted}'>" + " · ".join(shown) + "</span>")
        tip = " · ".join(parts)
        if summary is not None and summary.memo:
            tip += f"\n\nMemo (Ctrl+Shift+D to edit):\n{summary.memo}"
        self.setToolTip(tip)
        self.show()
