"""The Qt binding itself: PySide6 6.12.0 drops a reference to None on every
QModelIndex.data() call that returns None, so a long coding session (every arrow key
reads many roles) ends in "Fatal Python error: none_dealloc". pyproject.toml keeps that
release out; this test fails on any release that has the fault again."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt


class _Empty(QAbstractListModel):
    def rowCount(self, parent=QModelIndex()):  # noqa: B008 (Qt's signature)
        return 3

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return None


def test_reading_an_empty_role_keeps_none_alive(qapp):
    model = _Empty()
    index = model.index(1, 0)
    before = sys.getrefcount(None)
    for _ in range(2000):
        assert index.data(Qt.ItemDataRole.UserRole) is None
    assert sys.getrefcount(None) - before > -50  # a leak would be -2000
