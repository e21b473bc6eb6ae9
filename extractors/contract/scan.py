"""Case-insensitive patterns scanned over whole contracts, tried only where they can open.

A pattern compiled with IGNORECASE and no literal prefix makes `finditer` try all its
branches at every character of a 50-page contract (~0.8 ms a page for the governing-law
phrase). `LeadPattern` splits it into `lead + rest`: the lead (lower-case ASCII, made of
literals, `\\s`, `\\d`, `\\w`, `\\b` and `(?<![\\w-])`-style look-behinds) is searched
case-sensitively, as a look-ahead, in a folded copy of the text, and the whole pattern is
matched only at those positions, in order, resuming after each match: finditer's own
procedure, so the matches are the same ones.

The folded copy has the text's length: ASCII is lower-cased; a character outside ASCII
becomes the ASCII letter IGNORECASE equates it with ("\u017f" -> "s", Kelvin sign -> "k"),
else "0" for a digit, "_" for another word character, " " for whitespace, "?" for the
rest. Each folded character matches every lead element its original matches, and word
characters stay word characters, so every position where the lead matches the text is
found in the copy (a few more may be, and fail the full match).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_NAMED_GROUP = re.compile(r"\(\?P<")  # the one capital a lead may hold
_OPENING_ASSERTION = re.compile(r"^(?:\\b|\(\?<!\[[^\]]*\]\))")  # \b or (?<![...])


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """The folded form of one non-ASCII character (see the module docstring)."""
    for letter in string.ascii_lowercase:
        if re.fullmatch(letter, c, re.IGNORECASE):
            return letter
    if re.fullmatch(r"\d", c):
        return "0"
    if re.fullmatch(r"\w", c):
        return "_"
    if re.fullmatch(r"\s", c):
        return " "
    return "?"


@lru_cache(maxsize=8)
def folded(text: str) -> str:
    """`text` with the same length, for searching lower-case ASCII leads case-sensitively.
    Cached: a contract's flat text is scanned by several patterns."""
    if text.isascii():
        return text.lower()
    parts: list[str] = []
    last = 0
    for m in _NON_ASCII.finditer(text):
        parts.append(text[last:m.start()].lower())
        parts.append("".join(map(_fold_char, m.group())))
        last = m.end()
    parts.append(text[last:].lower())
    return "".join(parts)


@dataclass(frozen=True)
class LeadPattern:
    """`regex` (IGNORECASE) = lead + rest; `lead`: the lead without an opening assertion,
    case-sensitive, searched in the folded text."""

    regex: re.Pattern[str]
    lead: re.Pattern[str]

    @classmethod
    def compile(cls, lead: str, rest: str) -> LeadPattern:
        bare = _NAMED_GROUP.sub("", lead)
        if not lead.isascii() or bare != bare.lower():
            raise ValueError(f"a lead is lower-case ASCII: {lead!r}")
        # without its opening assertion the lead matches wherever it matched (and maybe
        # more), and may start with literals, which sre skips to without trying each place
        return cls(re.compile(lead + rest, re.IGNORECASE),
                   re.compile(_OPENING_ASSERTION.sub("", lead, count=1)))

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None
                 ) -> Iterator[re.Match[str]]:
        """The matches of `regex.finditer(text, pos, endpos)`."""
        pos = max(0, pos)
        end = len(text) if endpos is None else max(0, min(endpos, len(text)))
        fold = folded(text)
        search, match = self.lead.search, self.regex.match
        x = pos
        while (c := search(fold, x, end)) is not None:
            m = match(text, c.start(), end)
            if m is None:
                x = c.start() + 1  # a later lead may overlap this one
            else:
                yield m
                x = m.end()
