"""Vendor-master rules: is the vendor who its documents say, and is it paid where it
should be?

- `vendor.vat_invalid`: a VAT id with an EU (or UK) prefix that fails its check digits
  (python-stdnum), or whose country is not the country of the vendor's address;
- `vendor.iban_country`: the IBAN's country is not the vendor's (money leaving for
  another country is the classic diversion);
- `ap.recent_bank_change`: the vendor master's bank details of this vendor changed
  within N days before a payment-bearing invoice (an IBAN and a total) arrived;
- `vendor.self_invoicing`: the vendor is our own company (name, tax id or IBAN).

The vendor's country comes from its address (country names, `policies.countries`);
without one the country checks stay silent rather than guess.
"""

from __future__ import annotations

from datetime import timedelta
from types import ModuleType

from policies.countries import country_name, country_of_address
from policies.keys import name_similarity, normalize_iban, normalize_tax_id, normalize_vendor_name
from policies.rules.ap import schwifty
from policies.rules.base import Rule, RuleInput, parse_date
from policies.types import Violation

AP = ("invoice", "receipt")
INVOICE = ("invoice",)
# VAT prefixes that are not the ISO country code.
VAT_PREFIX_COUNTRY = {"EL": "GR", "XI": "GB"}


def _vat_module(prefix: str) -> ModuleType | None:
    # python-stdnum loads when a VAT id is checked, not with the rules
    from stdnum import gb
    from stdnum.eu import vat as eu_vat

    if prefix.lower() in eu_vat.MEMBER_STATES:
        return eu_vat
    if prefix == "GB":
        return gb.vat
    return None


def _vendor_country(inp: RuleInput) -> str | None:
    address = inp.get("vendor_address")
    return country_of_address(str(address)) if address else None


def _mask(iban: str) -> str:
    return f"{iban[:4]}…{iban[-4:]}" if len(iban) > 8 else iban


def vat_invalid(inp: RuleInput) -> list[Violation]:
    raw = inp.get("vendor_tax_id")
    if not raw:
        return []
    tax = normalize_tax_id(str(raw))
    prefix = tax[:2]
    module = _vat_module(prefix) if prefix.isalpha() else None
    if module is None:
        return []  # not a VAT id we can check (EIN, GST number, ...)
    from stdnum.exceptions import ValidationError

    try:
        module.validate(tax)
    except ValidationError as exc:
        return [VAT_INVALID.violation(
            f"VAT id {tax} is not valid: {exc}", vat_id=tax, problem="invalid", error=str(exc))]
    vat_country = VAT_PREFIX_COUNTRY.get(prefix, prefix)
    country = _vendor_country(inp)
    if country and country != vat_country:
        return [VAT_INVALID.violation(
            f"VAT id {tax} is from {country_name(vat_country)}, but the vendor's address is "
            f"in {country_name(country)}",
            vat_id=tax, problem="country", vat_country=vat_country, vendor_country=country)]
    return []


def iban_country(inp: RuleInput) -> list[Violation]:
    raw = inp.get("iban")
    country = _vendor_country(inp)
    if not raw or not country:
        return []
    iban_class, schwifty_error = schwifty()
    try:
        code = iban_class(normalize_iban(str(raw))).country_code
    except schwifty_error:
        return []  # ap.invalid_iban reports it
    if code == country:
        return []
    return [IBAN_COUNTRY.violation(
        f"The IBAN {_mask(normalize_iban(str(raw)))} is a {country_name(code)} account, but "
        f"the vendor's address is in {country_name(country)}",
        iban=_mask(normalize_iban(str(raw))), iban_country=code, vendor_country=country)]


def recent_bank_change(inp: RuleInput) -> list[Violation]:
    if not inp.vendor_key or not inp.get("iban") or inp.money("total_amount") is None:
        return []
    window = inp.config.bank_change_window_days
    recent = []
    for when in inp.ctx.bank_changes(inp.vendor_key):
        changed = parse_date(when)
        if changed and timedelta(0) <= inp.today - changed <= timedelta(days=window):
            recent.append(changed.isoformat())
    if not recent:
        return []
    return [RECENT_BANK_CHANGE.violation(
        f"The vendor's bank details changed on {recent[-1]}, within {window} days before "
        "this payment; confirm the change with the vendor through a known contact",
        changed_on=recent, window_days=window, vendor_key=inp.vendor_key)]


def self_invoicing(inp: RuleInput) -> list[Violation]:
    cfg = inp.config
    why = []
    name = inp.get("vendor_name")
    if name:
        own = normalize_vendor_name(str(name))
        for ours in cfg.own_company_names:
            if own and name_similarity(own, normalize_vendor_name(ours)) >= \
                    cfg.vendor_name_similarity:
                why.append(f"name {ours}")
    tax = inp.get("vendor_tax_id")
    if tax and normalize_tax_id(str(tax)) in {normalize_tax_id(t) for t in cfg.own_tax_ids}:
        why.append(f"tax id {normalize_tax_id(str(tax))}")
    iban = inp.get("iban")
    if iban and normalize_iban(str(iban)) in {normalize_iban(i) for i in cfg.own_ibans}:
        why.append(f"IBAN {_mask(normalize_iban(str(iban)))}")
    if not why:
        return []
    return [SELF_INVOICING.violation(
        f"The vendor is our own company ({', '.join(why)})", matched=why,
        vendor_name=name)]


VAT_INVALID = Rule(
    "vendor.vat_invalid", AP, "high",
    "The vendor's VAT id fails its check (python-stdnum) or its country is not the "
    "country of the vendor's address.", vat_invalid,
)
IBAN_COUNTRY = Rule(
    "vendor.iban_country", AP, "medium",
    "The IBAN's country differs from the country of the vendor's address.", iban_country,
)
RECENT_BANK_CHANGE = Rule(
    "ap.recent_bank_change", AP, "high",
    "The vendor master's bank details of this vendor changed within 30 days before a "
    "payment-bearing invoice.", recent_bank_change,
)
SELF_INVOICING = Rule(
    "vendor.self_invoicing", AP, "high",
    "The vendor is our own company (own_company_names, own_tax_ids, own_ibans).",
    self_invoicing,
)

RULES = [VAT_INVALID, IBAN_COUNTRY, RECENT_BANK_CHANGE, SELF_INVOICING]
