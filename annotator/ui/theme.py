"""Icons and colours that follow the system palette, so light and dark desktops both read well.

Category colours are derived from a category's position in its field, never from
its code, so any codebook gets distinct marks without the UI knowing its names.
"""

from __future__ import annotations

import qtawesome
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QPixmap

from annotator.core.codebook import CodebookField, Level

ICONS = {
    "open": "fa5s.folder-open",
    "new": "fa5s.plus-circle",
    "demo": "fa5s.flask",
    "import_files": "fa5s.file-import",
    "import_folder": "fa5s.folder-plus",
    "undo": "fa5s.undo",
    "redo": "fa5s.redo",
    "find": "fa5s.search",
    "cheat_sheet": "fa5s.keyboard",
    "codebook": "fa5s.book",
    "next_incomplete": "fa5s.forward",
    "previous_article": "fa5s.chevron-up",
    "next_article": "fa5s.chevron-down",
    "complete": "fa5s.check-circle",
    "incomplete": "fa5s.circle-notch",
    "not_required": "fa5s.minus-circle",
    "clear": "fa5s.eraser",
    "quit": "fa5s.sign-out-alt",
    "saved": "fa5s.check",
    "not_saved": "fa5s.exclamation-triangle",
    "close": "fa5s.times",
    "waiting": "fa5s.hourglass-half",
    "retry": "fa5s.sync-alt",
    "server": "fa5s.server",
}


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def icon(name: str, color: QColor | None = None) -> QIcon:
    """A qtawesome icon in the palette's text colour (or `color`)."""
    color = color or QGuiApplication.palette().color(QPalette.ColorRole.WindowText)
    return qtawesome.icon(ICONS[name], color=color.name())


def category_colors(field: CodebookField, palette: QPalette | None = None) -> dict[str, QColor]:
    """A palette-suited colour per category of `field`, from its position in the field.

    On an ordinal field the scale runs from blue through green and yellow to red, so the
    colour reads as "more" or "less"; categories outside the scale are grey. On a
    nominal field the hues are spread evenly round the wheel so neighbours stay distinct.
    """
    dark = is_dark(palette)
    scale = [c for c in field.categories if not c.outside_scale]
    ordinal = field.level != Level.NOMINAL
    colors: dict[str, QColor] = {}
    for position, category in enumerate(field.categories):
        if ordinal and category.outside_scale:
            colors[category.code] = QColor.fromHsv(0, 0, 170 if dark else 140)
            continue
        if ordinal:
            step = scale.index(category) / max(len(scale) - 1, 1)
            hue = round(220 * (1 - step))
        else:
            hue = round(360 * position / len(field.categories) + 200) % 360
        colors[category.code] = QColor.fromHsv(hue, 150 if dark else 210, 235 if dark else 205)
    return colors


def swatch(color: QColor, size: int = 12) -> QIcon:
    """A small filled square: the legend of a margin mark."""
    pixmap = QPixmap(size, size)
    pixmap.fill(color)
    return QIcon(pixmap)


def success_color(palette: QPalette | None = None) -> QColor:
    return QColor("#5cc96f") if is_dark(palette) else QColor("#1f8a36")


def error_color(palette: QPalette | None = None) -> QColor:
    return QColor("#ff6b6b") if is_dark(palette) else QColor("#c62828")


def waiting_color(palette: QPalette | None = None) -> QColor:
    """Amber: not saved yet, but kept and being retried (neither done nor lost)."""
    return QColor("#ffb74d") if is_dark(palette) else QColor("#b25e00")


def muted_text(palette: QPalette | None = None) -> QColor:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)


def cue_color(kind: str, palette: QPalette | None = None) -> QColor:
    """Background of a highlighted attribution cue ("cue") or its source ("source")."""
    dark = is_dark(palette)
    if kind == "cue":
        color = QColor("#c77d00") if dark else QColor("#ffd54f")
    else:
        color = QColor("#2e6da4") if dark else QColor("#9ecbf0")
    color.setAlpha(150)
    return color
