"""The wide CSV is ready for reliability tools: the krippendorff package reads it as it is
and finds the alpha that annotator's own agreement report finds on the database's codes."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
import test_export_support as support

from annotator.core.agreement import ReliabilityData, agreement_report
from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.export import ExportOptions, export

CODERS = ("alice", "bob", "carol")


@pytest.fixture(scope="module")
def project(module_project_location):
    project = support.sample_project(module_project_location("p.annotator"), CODERS)
    yield project
    project.close()


def database_alpha(project, field_key: str) -> float:
    """alpha from annotator.core.agreement on the codes as stored, not on any export."""
    field = project.codebook.field(field_key)
    keys = {unit.id: unit.key for unit in lookups.list_units(project)}
    records = [
        (keys[unit_id], coder, codes[field_key])
        for coder in CODERS
        for unit_id, codes in coding.coder_codes(project, coder).items()
        if field_key in codes
    ]
    data = ReliabilityData.from_records(
        field_key,
        records,
        level=field.level.value,
        categories={c.code: c.value for c in field.scale},
        outside_scale=[c.code for c in field.categories if c.outside_scale],
    )
    return agreement_report(data, bootstrap_samples=0).krippendorff_alpha.value


@pytest.mark.parametrize("field_key", ["attribution", "claim_type", "confidence"])
def test_krippendorff_package_on_the_wide_csv_matches_the_agreement_report(
    project, tmp_path, field_key
):
    path = tmp_path / "wide.csv"
    export(project, path, ExportOptions("wide", "values"))
    frame = pd.read_csv(path)
    field = project.codebook.field(field_key)
    matrix = frame[[f"{field_key}__{coder}" for coder in CODERS]].to_numpy(dtype=float).T
    if field.level != "nominal":  # outside-scale codes are missing values on a scale
        outside = [c.value for c in field.categories if c.outside_scale]
        matrix[np.isin(matrix, outside)] = np.nan
    alpha = krippendorff.alpha(
        reliability_data=matrix,
        level_of_measurement=field.level.value,
        value_domain=sorted(
            c.value for c in (field.scale if field.level != "nominal" else field.categories)
        ),
    )
    assert alpha == pytest.approx(database_alpha(project, field_key), abs=1e-9)
