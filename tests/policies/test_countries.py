"""Country names come from the names file written from pycountry: the same names, codes
and order as pycountry gives, without importing it on a document's way through."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pycountry

from policies import countries
from policies.countries import (
    ALIASES,
    AMBIGUOUS,
    NAMES_FILE,
    country_name,
    country_of_address,
    pycountry_tables,
)


def test_the_names_file_is_what_the_installed_pycountry_gives() -> None:
    assert json.loads(NAMES_FILE.read_text(encoding="utf-8")) == pycountry_tables(), (
        "pycountry changed: rewrite the file with "
        "`python -c 'from policies.countries import write_names_file; write_names_file()'`")


def test_names_and_display_names_as_read_from_pycountry_before() -> None:
    out: dict[str, str] = {}
    for c in pycountry.countries:  # the code this file replaced
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                out[countries._norm(value)] = c.alpha_2
    for name in AMBIGUOUS:
        out.pop(name, None)
    out.update(ALIASES)
    assert countries._names() == sorted(out.items(), key=lambda kv: -len(kv[0]))
    for c in pycountry.countries:
        assert country_name(c.alpha_2) == c.name
        assert country_name(c.alpha_2.lower()) == pycountry.countries.get(
            alpha_2=c.alpha_2.lower()).name
    assert country_name("XK") == "XK"  # not an ISO code: the code itself, as before
    assert country_of_address("Hauptstr. 5, 10115 Berlin, Germany") == "DE"
    assert country_of_address("1 Main St, Springfield, USA") == "US"


def test_reading_an_address_country_does_not_import_pycountry() -> None:
    code = ("import sys; from policies.countries import country_of_address, country_name; "
            "print(country_of_address('Rue de Rivoli 1, Paris, France'), country_name('FR'), "
            "'pycountry' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parents[2])
    assert out.stdout.split() == ["FR", "France", "False"]
