"""The read-only table view the dialogs show their models in (merge, study)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def row_table(model: QAbstractTableModel, stretch: int | None = None) -> QTableView:
    """A view of `model` selecting whole rows, its columns fitting their contents; column
    `stretch` takes the room left (the last column when None)."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view
