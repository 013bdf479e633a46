"""Icons and colours that follow the system palette, so light and dark desktops both read well.

Category colours are derived from a category's position in its field, never from
its code, so any codebook gets distinct marks without the UI knowing its names.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap

if TYPE_CHECKING:  # the codebook module brings pydantic: not needed for a first paint
    from annotator.core.codebook import Codebook, CodebookField

# A visible frame round a list, the reader or a text box while it has the keyboard focus
# (a text box keeps a thin frame without it; the lists and the reader show none).
FOCUS_FRAME = (
    "QListView { border: 2px solid transparent; }"
    " QListView:focus { border: 2px solid palette(highlight); }"
    " QPlainTextEdit { border: 1px solid palette(mid); padding: 1px; }"
    " QPlainTextEdit:focus { border: 2px solid palette(highlight); padding: 0px; }"
    " QCheckBox { border: 1px solid transparent; padding: 1px; }"
    " QCheckBox:focus { border: 1px solid palette(highlight); }"
)

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
    """A qtawesome icon in the palette's text colour (or `color`), drawn once icons are
    loaded (see `_DeferredGlyph`)."""
    color = color or QGuiApplication.palette().color(QPalette.ColorRole.WindowText)
    return QIcon(_DeferredGlyph(ICONS[name], color.name()))


def window_icon(name: str) -> QIcon:
    """An icon for `setWindowIcon`, which the platform turns into pixmaps at once."""
    load_icons()
    return icon(name)


_qtawesome: ModuleType | None = None  # qtawesome, once loaded
_load_queued = False


def load_icons() -> None:
    """Import qtawesome now, if not yet done, and repaint every window with its icons."""
    global _qtawesome
    if _qtawesome is not None:
        return
    import qtawesome

    _qtawesome = qtawesome
    app = QGuiApplication.instance()
    for widget in app.topLevelWidgets() if app is not None else []:  # type: ignore[attr-defined]
        widget.update()


def _queue_loading() -> None:
    global _load_queued
    if not _load_queued:
        _load_queued = True
        QTimer.singleShot(0, load_icons)


class _DeferredGlyph(QIconEngine):
    """A qtawesome glyph that a window's first paint goes without.

    Importing qtawesome (and through it qtpy's star imports of all of Qt) and building
    its fonts is about a third of the time until the coding window is first visible; so
    a paint before it is loaded draws nothing and queues the loading, which repaints
    every window (the coding window also loads icons first thing after its first paint).
    """

    def __init__(self, glyph: str, color: str) -> None:
        super().__init__()
        self.glyph, self.color = glyph, color
        self._icon: QIcon | None = None

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        if _qtawesome is None:
            _queue_loading()
            return
        if self._icon is None:
            self._icon = _qtawesome.icon(self.glyph, color=self.color)
        self._icon.paint(painter, rect, Qt.AlignmentFlag.AlignCenter, mode, state)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        """Qt's default leaves the pixmap unfilled before calling `paint`."""
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _DeferredGlyph(self.glyph, self.color)


# Viridis (matplotlib's default map, designed to stay ordered in lightness and readable
# with every common colour-vision deficiency), sampled at ten stops; ordinal fields take
# evenly spaced colours from it, interpolated between stops.
VIRIDIS = [
    "#440154", "#482878", "#3e4989", "#31688e", "#26828e",
    "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725",
]  # fmt: skip
# Okabe and Ito's eight colours, distinct for colour-blind readers, for nominal fields
# (black last, replaced by grey where it would vanish on a dark background).
OKABE_ITO = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"]
OUTSIDE_SCALE = "#9e9e9e"  # neutral grey: no hue, so it never reads as a point on the scale


def _viridis(step: float) -> QColor:
    """The colour at `step` (0..1) along the viridis stops."""
    position = min(max(step, 0.0), 1.0) * (len(VIRIDIS) - 1)
    low = int(position)
    high = min(low + 1, len(VIRIDIS) - 1)
    a, b, t = QColor(VIRIDIS[low]), QColor(VIRIDIS[high]), position - low
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def mark_field(codebook: Codebook) -> CodebookField | None:
    """The field whose colours mark units in the reader's margin and on the panel's
    buttons: the first single-choice question asked of every unit (article fields are
    never a sentence's, and a multiple choice has no one colour)."""
    from annotator.core.field_values import FieldType

    return next((f for f in codebook.unit_fields if f.type is FieldType.SINGLE), None)


def category_colors(field: CodebookField, palette: QPalette | None = None) -> dict[str, QColor]:
    """A colour-blind-safe colour per category of `field`, from its position in the field.

    An ordinal field runs along viridis from dark blue to yellow, so the colour reads as
    "more" or "less" and neighbours differ in lightness as well as hue; categories outside
    the scale are grey. A nominal field takes the Okabe-Ito colours in turn.
    """
    from annotator.core.codebook import Level

    scale = [c for c in field.categories if not c.outside_scale]
    ordinal = field.level != Level.NOMINAL
    colors: dict[str, QColor] = {}
    for position, category in enumerate(field.categories):
        if ordinal and category.outside_scale:
            colors[category.code] = QColor(OUTSIDE_SCALE)
        elif ordinal:
            colors[category.code] = _viridis(scale.index(category) / max(len(scale) - 1, 1))
        else:
            colors[category.code] = QColor(OKABE_ITO[position % len(OKABE_ITO)])
    return colors


def on_color(background: QColor) -> QColor:
    """Black or white, whichever reads better on `background` (a mark's key letter)."""
    white, black = QColor("#ffffff"), QColor("#000000")
    return white if contrast(white, background) >= contrast(black, background) else black


def luminance(color: QColor) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1 to 21 (AA asks 4.5 for body text)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


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


AA_CONTRAST = 4.5


def muted_text(palette: QPalette | None = None) -> QColor:
    """Secondary text (outlet, date, hints): lighter than body text, but at WCAG AA
    contrast (4.5:1) on the base and window colours; a style's disabled grey is not."""
    palette = palette or QGuiApplication.palette()
    text = palette.color(QPalette.ColorRole.Text)
    backgrounds = [palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Window)]
    for share in (0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.0):
        back = backgrounds[0]
        muted = QColor(
            round(text.red() + (back.red() - text.red()) * share),
            round(text.green() + (back.green() - text.green()) * share),
            round(text.blue() + (back.blue() - text.blue()) * share),
        )
        if all(contrast(muted, b) >= AA_CONTRAST for b in backgrounds):
            return muted
    return text


def cue_color(kind: str, palette: QPalette | None = None) -> QColor:
    """Background of a highlighted attribution cue ("cue": amber) or its source ("source":
    a tint of Okabe-Ito's reddish purple; "mention": a selected source's mention, bluish
    green), opaque: the selected row's fill is the
    desktop's highlight colour, most often blue, which a blue or see-through source
    colour all but vanished into."""
    dark = is_dark(palette)
    if kind == "cue":
        return QColor("#c77d00") if dark else QColor("#ffd54f")
    if kind == "mention":  # a mention of the source selected in the sources panel
        return QColor("#2e7d6b") if dark else QColor("#9fe0cf")
    return QColor("#8a4f74") if dark else QColor("#e39ac6")
