"""The TRAIN-fitted confidence map: applied per (type, field, kind), rankers pass through."""

from sklearn.isotonic import IsotonicRegression

from extractors import recalibration
from extractors.types import Field


def _bundle():
    curve = IsotonicRegression(out_of_bounds="clip").fit([0.1, 0.5, 0.9, 0.99], [0, 0, 1, 1])
    return {"version": "t", "curves": {"receipt|vendor_name|*": curve}}


def test_curve_maps_rule_confidence_and_skips_ranked_fields():
    fields = {
        "vendor_name": Field("A", "A", 0.3, source="layout"),
        "invoice_date": Field("d", "d", 0.3, source="layout"),
        "vendor_address": Field("x", "x", 0.3, source="ranker:any"),
    }
    recalibration.apply(fields, "receipt", "scan", _bundle())
    assert fields["vendor_name"].confidence < 0.3  # the curve says such values are wrong
    assert fields["invoice_date"].confidence == 0.3  # no curve for it
    assert fields["vendor_address"].confidence == 0.3  # already calibrated


def test_shipped_map_loads_with_its_manifest():
    bundle = recalibration.load()
    assert bundle is not None, "run python -m training.recalibration --rows ROWS"
    assert bundle["version"].startswith("recal-") and bundle["curves"]
