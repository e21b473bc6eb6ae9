"""General job-title vocabulary read from `job_title_words.txt` (a data file, so the list can
grow without code changes): head nouns, front modifiers, domains, and words that mark a
heading or a degree rather than a title. Used as features by the resume title ranker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

WORDS_PATH = Path(__file__).parent / "job_title_words.txt"
SECTIONS = ("head", "modifier", "field", "not_title")


class TitleVocabError(ValueError):
    """The vocabulary file is malformed (a word outside a known section)."""


@dataclass(frozen=True, slots=True)
class TitleVocab:
    head: frozenset[str]
    modifier: frozenset[str]
    field: frozenset[str]
    not_title: frozenset[str]

    def known(self, word: str) -> bool:
        return word in self.head or word in self.modifier or word in self.field


def read_vocab(path: Path = WORDS_PATH) -> TitleVocab:
    words: dict[str, set[str]] = {name: set() for name in SECTIONS}
    section: str | None = None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            if section not in words:
                raise TitleVocabError(f"{path}:{n}: unknown section [{section}]")
            continue
        if section is None:
            raise TitleVocabError(f"{path}:{n}: word {line!r} before any [section]")
        words[section].add(line.lower())
    return TitleVocab(**{k: frozenset(v) for k, v in words.items()})


TITLE_VOCAB = read_vocab()
