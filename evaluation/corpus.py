"""Finding the documents of a labelled corpus.

A document is any file with a sibling `<stem>.truth.json`; everything else (README.md,
MANIFEST.json, the truth files themselves) is not fed to the pipeline. The source of a
document is the first folder under the corpus root (`<root>/<source>/...`), or the
root's own name for files lying directly in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRUTH_SUFFIX = ".truth.json"


@dataclass(slots=True)
class CorpusDoc:
    source: str
    path: Path
    truth_path: Path
    truth: dict[str, Any]


def truth_path_for(path: Path) -> Path:
    return path.with_name(path.stem + TRUTH_SUFFIX)


def find_documents(
    root: Path,
    sources: list[str] | None = None,
    limit_per_source: int | None = None,
) -> list[CorpusDoc]:
    """Documents under `root`, sorted by (source, path); hidden entries skipped.

    `sources` keeps only those sources; `limit_per_source` keeps the first N of each
    (sorted order, so repeated runs pick the same documents).
    """
    root = Path(root)
    wanted = set(sources) if sources else None
    docs: list[CorpusDoc] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if not path.is_file() or path.name.endswith(TRUTH_SUFFIX):
            continue
        tp = truth_path_for(path)
        if not tp.is_file():
            continue
        source = rel.parts[0] if len(rel.parts) > 1 else root.resolve().name
        if wanted is not None and source not in wanted:
            continue
        try:
            truth = json.loads(tp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # an unreadable truth file makes the document unscorable
        if not isinstance(truth, dict):
            continue
        docs.append(CorpusDoc(source=source, path=path, truth_path=tp, truth=truth))
    docs.sort(key=lambda d: (d.source, str(d.path)))
    if limit_per_source is not None:
        kept: list[CorpusDoc] = []
        per: dict[str, int] = {}
        for d in docs:
            if per.get(d.source, 0) < limit_per_source:
                per[d.source] = per.get(d.source, 0) + 1
                kept.append(d)
        docs = kept
    return docs
