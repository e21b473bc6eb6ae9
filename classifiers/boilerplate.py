"""Text that says nothing about what a document is, removed before classification.

Why: text extraction of a dynamic (XFA) PDF form returns the viewer's "Please wait..."
notice instead of the form. Every blank I-9, W-4 or tax return read that way shares those
sentences word for word, and their common words ("the", "document", "to") outweighed the
one line that names the form ("Form I-9"), so such forms were typed `other`. Without
the notice the form number and title decide, as they do for a person.
"""

from __future__ import annotations

import re

__all__ = ["VIEWER_PLACEHOLDER", "strip_boilerplate"]

# What text extraction of a dynamic (XFA) PDF returns instead of the form (Adobe's notice).
VIEWER_PLACEHOLDER = [
    "Please wait...",
    "If this message is not eventually replaced by the proper contents of the document, "
    "your PDF viewer may not be able to display this type of document.",
    "You can upgrade to the latest version of Adobe Reader for Windows, Mac, or Linux by "
    "visiting http://www.adobe.com/go/reader_download.",
    "For more assistance with Adobe Reader visit http://www.adobe.com/go/acrreader.",
    "Windows is either a registered trademark or a trademark of Microsoft Corporation in the "
    "United States and/or other countries. Mac is a trademark of Apple Inc.",
]


def _tolerant(sentence: str) -> str:
    """The sentence as a pattern that any line wrapping or spacing still matches."""
    words = sentence.rstrip(".").split()
    return r"\s+".join(re.escape(w) for w in words) + r"\.+"


_PLACEHOLDER = re.compile("|".join(_tolerant(s) for s in VIEWER_PLACEHOLDER), re.I)


def strip_boilerplate(text: str) -> str:
    """`text` without the viewer's placeholder sentences (lines left empty are kept, so
    page structure stays)."""
    return _PLACEHOLDER.sub("", text) if "wait" in text.lower() else text
