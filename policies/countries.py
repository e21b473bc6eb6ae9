"""Which country an address is in, from the country names it spells (pycountry's names
plus the short forms invoices print). Two-letter codes alone are not trusted: "IN",
"DE" or "CA" are also words, states and provinces.

pycountry's names are read from `country_names.json`, written from pycountry by
`write_names_file()`: importing pycountry (it asks importlib.metadata for its own
version) and loading its country database was ~12 ms of every document with a vendor
address. tests/policies/test_countries.py fails when the installed pycountry names differ
from the file (rewrite it then).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

NAMES_FILE = Path(__file__).with_name("country_names.json")

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


def pycountry_tables() -> dict[str, Any]:
    """pycountry's country names as `country_names.json` holds them: every normalised
    name, official and common name with its alpha-2 code (in pycountry's order, a later
    country taking a name over), and each code's display name. pycountry is imported here,
    for writing and checking the file only."""
    import pycountry

    names: dict[str, str] = {}
    display: dict[str, str] = {}
    for c in pycountry.countries:
        display[c.alpha_2] = c.name
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                names[_norm(value)] = c.alpha_2
    return {"names": [list(kv) for kv in names.items()],
            "display": [list(kv) for kv in display.items()]}


@cache
def _tables() -> dict[str, Any]:
    return json.loads(NAMES_FILE.read_text(encoding="utf-8"))


@cache
def _display() -> dict[str, str]:
    return dict(_tables()["display"])


@cache
def _names() -> list[tuple[str, str]]:
    """(normalised name, alpha-2) longest first, so "south africa" beats "africa"."""
    out: dict[str, str] = dict(_tables()["names"])
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
    return _display().get(code.upper(), code)


def write_names_file(path: Path = NAMES_FILE) -> None:
    """Rewrite the names file from the installed pycountry (one pair per line)."""
    tables = pycountry_tables()
    lines = ["{"]
    for i, key in enumerate(("names", "display")):
        rows = [json.dumps(row, ensure_ascii=False) for row in tables[key]]
        lines.append(f'"{key}": [\n' + ",\n".join(rows) + "\n]" + ("," if i == 0 else ""))
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
