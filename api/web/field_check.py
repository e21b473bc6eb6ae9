"""What a field's value would be saved as, shown beside the input as the reviewer types.

The save path (`workflow.corrections.normalize_correction`) stays the one grammar and the
authority: this module only runs it without saving and words the outcome for a person
("2024-03-05", "1,234.50 EUR", "DE89 3704 0044 0532 0130 00 valid") or says why the value
would be refused. A VAT id is stored even when no checksum matches, so it is `saveable`
but not `valid`, and the note says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from extractors.normalize import normalize_tax_id
from workflow import corrections
from workflow.errors import Invalid

IBAN_GROUP = 4  # IBANs are printed in groups of four characters
TAX_ID_FIELDS = {"vendor_tax_id"}
# Readable names of python-stdnum's tax-id kinds (extractors.normalize.normalize_tax_id).
TAX_KINDS = {"eu_vat": "EU VAT", "gstin": "GSTIN", "siret": "SIRET", "siren": "SIREN",
             "ein": "EIN", "my_sst": "SST"}


@dataclass(frozen=True, slots=True)
class FieldCheck:
    """The outcome for one typed value: would it be saved, does it pass its checksum or
    grammar, and the text shown beside the input."""

    field: str
    saveable: bool
    valid: bool
    normalized: str | None
    shown: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _money(amount: str, currency: str | None) -> str:
    try:
        text = f"{Decimal(amount):,.2f}"
    except InvalidOperation:
        text = amount
    return f"{text} {currency}" if currency else text


def _iban(compact: str) -> str:
    groups = [compact[k:k + IBAN_GROUP] for k in range(0, len(compact), IBAN_GROUP)]
    return " ".join(groups) + " valid"


def check_field(name: str, value: str, currency: str | None = None) -> FieldCheck:
    """Run the save path's normalisation on `value` for field `name` without saving."""
    try:
        _, normalized = corrections.normalize_correction(name, value)
    except Invalid as exc:
        return FieldCheck(name, False, False, None, str(exc))
    if name in corrections.MONEY_FIELDS:
        return FieldCheck(name, True, True, str(normalized), _money(str(normalized), currency))
    if name == "iban":
        return FieldCheck(name, True, True, str(normalized), _iban(str(normalized)))
    if name in TAX_ID_FIELDS:
        got = normalize_tax_id(value)
        if got is None:
            return FieldCheck(name, True, False, str(normalized),
                              f"no tax-id checksum matches; it would be saved as {normalized}")
        return FieldCheck(name, True, True, got[0],
                          f"{got[0]} valid {TAX_KINDS.get(got[1], got[1])}")
    if isinstance(normalized, bool):
        return FieldCheck(name, True, True, str(normalized).lower(),
                          "yes" if normalized else "no")
    if isinstance(normalized, list):
        shown = "; ".join(str(x) for x in normalized)
        return FieldCheck(name, True, True, shown, shown)
    return FieldCheck(name, True, True, str(normalized), str(normalized))
