"""Jurisdictions a governing-law clause can name, and their normal spelling.

A closed list beats a capitalised-words regex here: "laws of the State of New York
applicable to contracts made therein" must yield "New York", not the whole tail.
"""

from __future__ import annotations

import re

US_STATES = (
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia "
    "Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts "
    "Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon "
    "Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming"
).split() + [
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
    "Rhode Island", "South Carolina", "South Dakota", "West Virginia", "District of Columbia",
    "Puerto Rico",
]
PROVINCES = [
    "Ontario", "Quebec", "British Columbia", "Alberta", "Manitoba", "Saskatchewan", "Nova Scotia",
    "New Brunswick", "New South Wales", "Victoria", "Queensland",
]
COUNTRIES = [
    "England and Wales", "England", "Scotland", "Northern Ireland", "United Kingdom", "Ireland",
    "Canada", "Israel", "Germany", "France", "Switzerland", "Netherlands", "The Netherlands",
    "Sweden", "Norway", "Denmark", "Finland", "Belgium", "Luxembourg", "Spain", "Italy",
    "Portugal", "Austria", "Poland", "Japan", "Singapore", "Hong Kong", "India", "Australia",
    "New Zealand", "People's Republic of China", "PRC", "China", "Taiwan", "Korea",
    "Republic of Korea", "Brazil", "Mexico", "Cayman Islands", "Bermuda",
    "British Virgin Islands", "Cyprus", "Malta", "South Africa", "United Arab Emirates",
    "United States", "United States of America", "Russia", "Greece", "Turkey", "Argentina",
    "Chile", "Philippines", "Thailand", "Malaysia", "Indonesia", "Vietnam",
]
_ALIASES = {
    "english": "England", "prc": "People's Republic of China",
    "the netherlands": "Netherlands", "united states of america": "United States",
    "republic of korea": "Korea", "people’s republic of china": "People's Republic of China",
}
_ADJECTIVES = {
    "English": "England", "Delaware": "Delaware", "German": "Germany", "French": "France",
    "Swiss": "Switzerland", "Dutch": "Netherlands", "Israeli": "Israel", "Japanese": "Japan",
    "Irish": "Ireland", "Singapore": "Singapore", "Chinese": "People's Republic of China",
    "Canadian": "Canada", "Indian": "India", "Australian": "Australia", "Swedish": "Sweden",
}

_ALL = sorted({*US_STATES, *PROVINCES, *COUNTRIES}, key=len, reverse=True)
PLACE_RE = r"(?:{})".format("|".join(re.escape(p).replace("'", "['’]") for p in _ALL))
ADJ_RE = r"(?:{}|{})".format("|".join(_ADJECTIVES), "|".join(re.escape(s) for s in US_STATES))


# A region outside the US is written with its country ("Ontario, Canada"): a bare
# "Victoria" or "Ontario" is ambiguous to a reader, a US state is not. The legal systems of
# the United Kingdom are named as the clause names them: "England", or "England; Wales"
# for "England and Wales" (how the TRAIN contracts' readers record them: 8 of 9).
_QUALIFIED = {
    **{p: "Canada" for p in ("Ontario", "Quebec", "British Columbia", "Alberta", "Manitoba",
                             "Saskatchewan", "Nova Scotia", "New Brunswick")},
    **{p: "Australia" for p in ("New South Wales", "Victoria", "Queensland")},
}


def canonical_place(text: str) -> str:
    """'STATE OF NEW YORK' / 'ontario' / 'england and wales' -> 'New York' /
    'Ontario, Canada' / 'England; Wales'."""
    base = _canonical(text)
    if base == "England and Wales":
        return "England; Wales"
    return f"{base}, {_QUALIFIED[base]}" if base in _QUALIFIED else base


def _canonical(text: str) -> str:
    t = re.sub(r"\s+", " ", text).strip().strip(".,;")
    low = t.lower().replace("’", "'")
    if low in _ALIASES:
        return _ALIASES[low]
    for p in _ALL:
        if p.lower().replace("’", "'") == low:
            return p
    for adj, place in _ADJECTIVES.items():
        if adj.lower() == low:
            return place
    return t.title()
