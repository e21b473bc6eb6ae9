"""Social security numbers: found, and masked before they leave the extractor.

The clear number never goes into a `Field`: both `value` and `normalized` carry
`***-**-1234`, the form payroll and HR staff already use to confirm an identity.
"""

from __future__ import annotations

import re

# 3-2-4 digits with dashes, spaces or dots; area 000/666 and 9xx (ITIN) are not SSNs but
# are masked all the same by `mask_ssn` (defence in depth), only `find_ssn` checks them.
# The pipeline masks ids in the page text before extraction (`ingest.redact`), so the
# masked form `***-**-1234` is read as an SSN too (its last four are all that is kept).
SSN_PATTERN = re.compile(r"(?<![\d*])(\d{3}|\*{3})([-\s.])(\d{2}|\*{2})\2(\d{4})(?![\d])")
_LABEL = r"(?:SSN|S\.S\.N\.?|SS\s?#|Social\s+Security(?:\s+(?:Number|No\.?|#))?)"
# nine consecutive digits right after an SSN label
LABELLED_NINE = re.compile(rf"({_LABEL}\s*[:#.]?\s*)(\d{{5}}|\*{{5}})(\d{{4}})(?!\d)", re.I)


def mask_ssn(text: str) -> str:
    """`"123-45-6789"` -> `"***-**-6789"`; `"SSN: 123456789"` -> `"SSN: ***-**-6789"`.

    Masks every 3-2-4 pattern whatever its separator, and nine consecutive digits only
    when labelled as an SSN (a bare nine-digit number is more often an id or a phone).
    """
    if not text:
        return text
    out = SSN_PATTERN.sub(lambda m: f"***-**-{m.group(4)}", text)
    return LABELLED_NINE.sub(lambda m: f"{m.group(1)}***-**-{m.group(3)}", out)


def ssn_last4(text: str) -> str | None:
    """Last four digits of an SSN-looking value (`123-45-6789`, `123456789`, `***-**-6789`)."""
    m = re.fullmatch(r"\s*(?:\d{3}|\*{3}|x{3})[-\s.]?(?:\d{2}|\*{2}|x{2})[-\s.]?(\d{4})\s*",
                     text, re.I)
    return m.group(1) if m else None


def masked(last4: str) -> str:
    return f"***-**-{last4}"
