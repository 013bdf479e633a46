"""Code colours that colour-blind coders can tell apart, keys in the margin marks, and
secondary text at WCAG AA contrast."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtGui import QColor, QPalette

from annotator.core.codebook import bundled_codebook
from annotator.ui import theme
from annotator.ui.units_model import CodesRole
from tests.ui.conftest import stored_codes
from tests.ui.test_keyboard_coding import current_unit, press


def test_an_ordinal_field_runs_along_an_ordered_lightness_scale():
    codebook = bundled_codebook()
    ordinal = [f for f in codebook.fields if f.level.value != "nominal"]
    assert ordinal
    for field in ordinal:
        colors = theme.category_colors(field)
        scale = [theme.luminance(colors[c.code]) for c in field.scale]
        # lightness alone orders the scale, so it survives any loss of hue perception
        assert scale == sorted(scale) or scale == sorted(scale, reverse=True)
        assert all(b - a > 0.02 for a, b in pairwise(scale))


def test_a_nominal_field_takes_distinct_okabe_ito_colours():
    codebook = bundled_codebook()
    for field in codebook.fields:
        if field.level.value == "nominal":
            colors = [theme.category_colors(field)[c.code].name() for c in field.categories]
            assert colors[: len(theme.OKABE_ITO)] == theme.OKABE_ITO[: len(colors)]


def test_muted_text_meets_aa_contrast_on_light_and_dark_palettes():
    light = QPalette(QColor("#efefef"))
    dark = QPalette(QColor("#2b2b2b"))
    for palette in (light, dark):
        muted = theme.muted_text(palette)
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window):
            assert theme.contrast(muted, palette.color(role)) >= 4.5
        assert muted != palette.color(QPalette.ColorRole.Text)  # still secondary


def test_the_margin_mark_shows_the_codes_key(qtbot, open_window, project_path):
    window = open_window()
    unit = current_unit(window)
    press(qtbot, window, "3")
    assert stored_codes(project_path, "alice")[unit.id] == {"attribution": "anonymous_specific"}
    row = window.controller.units.row_of(unit.id)
    codes = window.controller.units.index(row).data(CodesRole)
    assert window.reader.unit_delegate.mark_key(codes) == "3"
