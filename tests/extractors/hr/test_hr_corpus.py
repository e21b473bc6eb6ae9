"""Resume fields on the DEV corpus (skipped when the corpus is absent)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractors.hr import extract_hr

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "resumes_dotin"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="evaluation corpus not present")
def test_resume_corpus_floor():
    from ingest import read_file

    ok = {"employee_name": 0, "email": 0}
    total = {"employee_name": 0, "email": 0}
    for path in sorted(CORPUS.glob("*.txt")):
        truth = json.loads(path.with_suffix(".truth.json").read_text())["fields"]
        got = extract_hr(read_file(path), subtype="resume")
        for name in ok:
            if name in truth:
                total[name] += 1
                value = got[name].normalized if name in got else ""
                ok[name] += re.sub(r"\s+", " ", str(value)).lower() == truth[name].lower()
    assert total["email"] and ok["email"] / total["email"] >= 0.95
    assert ok["employee_name"] / total["employee_name"] >= 0.8
