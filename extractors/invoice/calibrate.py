"""Final per-field confidence calibration, fitted on generated documents with OCR damage.

The candidate scorers' calibrators (`model.py`) speak for the ranker's pick on clean
generated pages; what the service reports is that pick after block rules, arithmetic
checks, OCR discounts and caps, on pages whose printed values may themselves be misread.
So a last isotonic map per field, from the pipeline's confidence to the rate at which such
a value is right, is fitted on held-out generated documents whose truth words carry OCR
damage (`training.synth.invoices.generate(damage_truth=True)`): the truth stays clean, as
a person would write it, while the page shows what a scanner read. The fit is
`training/invoice_calibration.py`; this module only loads and applies the maps.

    .venv/bin/python -m training.invoice_calibration [--docs 600] [--seed 11]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from extractors.types import CAP_CONTRADICTED
from modelfile import load_checked

CALIBRATION_PATH = Path(__file__).parent / "model" / "final_calibration.joblib"
REBUILD = "python -m training.invoice_calibration"

_CACHE: dict[str, Any] = {}

# Values no map speaks for: a person's correction learned for the vendor, the receipt
# ranker's pick (calibrated on out-of-fold real receipts already), and the tax a VAT table
# prints (`vat_table`: its pipeline number stays, 0.9 scaled by OCR; measured right 96 %
# at a mean 0.86 on generated German till receipts, too few to fit a map of its own).
UNMAPPED_SOURCES = ("vendor-hint", "ranker", "vat-table", "till-sums")
# Sources with a map of their own ("currency|country"): a currency guessed from the country
# a page names when it shows no mark is a different kind of evidence from a mark read by
# OCR at the same pipeline number.
OWN_MAP_SOURCES = ("country",)


def map_key(name: str, source: str) -> str:
    """The map a value of field `name` from `source` is calibrated by."""
    return f"{name}|{source}" if source in OWN_MAP_SOURCES else name


def load(path: Path = CALIBRATION_PATH) -> dict[str, Any]:
    """Field -> fitted IsotonicRegression (empty when never fitted); a file that does not
    match its manifest raises ModelFileError."""
    key = str(path)
    if key not in _CACHE:
        if not path.exists():
            _CACHE[key] = {}
        else:
            _CACHE[key] = load_checked(path, rebuild=REBUILD)
    return _CACHE[key]


def apply(fields: dict[str, Any], maps: dict[str, Any] | None = None) -> None:
    """Map every calibrated field's confidence in place (`UNMAPPED_SOURCES` keep theirs).
    `maps` replaces the shipped ones (an evaluation that refits
    them without the layout it measures)."""
    cal = load() if maps is None else maps
    for name, f in fields.items():
        iso = cal.get(map_key(name, f.source))
        if iso is None or f.source in UNMAPPED_SOURCES:
            continue
        mapped = float(np.clip(iso.predict([float(f.confidence)])[0], 0.01, 0.99))
        # a value a failed cross-check (subtotal + tax != total, due < issued) doubts stays
        # capped: the map is learned over all values, the check speaks for this one
        f.confidence = min(mapped, CAP_CONTRADICTED) if f.contradicted else mapped
