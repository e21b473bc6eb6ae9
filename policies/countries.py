"""Which country an address is in, from the country names it spells (pycountry's names
plus the short forms invoices print). Two-letter codes alone are not trusted: "IN",
"DE" or "CA" are also words, states and provinces."""

from __future__ import annotations

import re
from functools import cache

import pycountry

# Short forms printed on invoices that pycountry does not list as names.
ALIASES = {
    "usa": "US", "u s a": "US", "united states": "US",
    "uk": "GB", "u k": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "deutschland": "DE", "россия": "RU",
    "russia": "RU", "south korea": "KR", "korea": "KR", "vietnam": "VN", "the netherlands": "NL",
    "holland": "NL", "schweiz": "CH", "suisse": "CH", "österreich": "AT", "espana": "ES",
    "españa": "ES", "italia": "IT", "belgique": "BE", "polska": "PL",
}

# Country names that are also US states or common address words.
AMBIGUOUS = ("georgia", "jersey", "chad", "jordan", "guinea")


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[^\W\d_]+", text.casefold()))


@cache
def _names() -> list[tuple[str, str]]:
    """(normalised name, alpha-2) longest first, so "south africa" beats "africa"."""
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                out[_norm(value)] = c.alpha_2
    for name in AMBIGUOUS:
        out.pop(name, None)
    out.update(ALIASES)
    return sorted(out.items(), key=lambda kv: -len(kv[0]))


def country_of_address(address: str) -> str | None:
    """The ISO alpha-2 code of the last country name in `address`, or None."""
    text = f" {_norm(address)} "
    best: tuple[int, str] | None = None
    for name, code in _names():
        at = text.rfind(f" {name} ")
        if at >= 0 and (best is None or at > best[0]):
            best = (at, code)
    return best[1] if best else None


def country_name(code: str) -> str:
    c = pycountry.countries.get(alpha_2=code)
    return c.name if c else code
