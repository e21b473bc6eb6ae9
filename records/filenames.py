"""File names as stored and shown: the last path part, without control or format characters.

An uploaded name is attacker-chosen. Path separators would climb directories; control
characters break logs and headers; bidirectional overrides (U+202E RIGHT-TO-LEFT OVERRIDE
and friends) make `invoice\\u202efdp.exe` look like `invoiceexe.pdf`. Every character of a
Unicode category in `DROPPED_CATEGORIES` is removed, after NFC normalisation.
"""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 500  # documents.filename is String(500)
FALLBACK = "upload"
# Cc control (C0, C1, DEL), Cf format (bidi embeddings/overrides/isolates, LRM/RLM/ALM,
# zero-width characters, BOM), Cs lone surrogates, Co private use, Zl/Zp line and
# paragraph separators.
DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def clean_filename(name: str | None) -> str:
    """A safe display and storage name for an uploaded or attached file."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in DROPPED_CATEGORIES)
    text = text.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if text in ("", ".", ".."):
        return FALLBACK
    return text[:MAX_LENGTH]
