"""`backoffice bench`: generated inputs and the table it prints (no timing assertions)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:  # tests/ingest etc. must not shadow the real packages
    sys.path.insert(0, _ROOT)

import pytest  # noqa: E402

from api.cli import main  # noqa: E402
from evaluation.bench import (  # noqa: E402
    TABLE_KEYS,
    make_born_digital,
    make_scanned,
    render_table,
    summarize,
    table_rows,
)


def test_generated_inputs(tmp_path: Path) -> None:
    import pypdf

    digital = make_born_digital(tmp_path / "d", 2)
    assert len(digital) == 2
    reader = pypdf.PdfReader(str(digital[0]))
    assert len(reader.pages) >= 2
    assert "INVOICE" in reader.pages[0].extract_text()

    scans = make_scanned(tmp_path / "s", 1)
    assert len(scans) == 1
    reader = pypdf.PdfReader(str(scans[0]))
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text().strip() == ""  # image only, no text layer
    width_pt = float(reader.pages[0].mediabox.width)
    assert 590 < width_pt < 620  # A4 or letter at 300 dpi


def test_summarize_and_table() -> None:
    raw = {
        "wall_s": 2.0,
        "results": [
            {"file": "a.pdf", "status": "auto_approved", "error": None, "pages": 2,
             "ocr_pages": 0, "timings_ms": {"read": 10, "extract": 8, "classify": 2}},
            {"file": "b.pdf", "status": "failed", "error": {"code": "corrupt_file"},
             "pages": 2, "ocr_pages": 2, "timings_ms": {"read": 10, "ocr": 400}},
        ],
        "rss_self_mb": 100.0, "rss_children_mb": 0.0,
    }
    row = summarize("x", 1, raw)
    assert row.docs == 2 and row.pages == 4 and row.failed == 1
    assert row.docs_per_s == pytest.approx(1.0) and row.pages_per_s == pytest.approx(2.0)
    assert row.extract_ms_per_page == pytest.approx(2.0)
    assert row.non_ocr_ms_per_page == pytest.approx(30 / 4)
    (flat,) = table_rows([row])
    assert tuple(flat) == TABLE_KEYS
    assert flat["ocr_ms_per_page"] == pytest.approx(200.0)
    assert "| x | 1 |" in render_table([row])


@pytest.mark.slow  # spawns a fresh interpreter that loads the pipeline
def test_bench_command_tiny(tmp_path: Path, capsys) -> None:
    rc = main(["bench", "--born-digital", "2", "--pages", "0", "--workers", "1",
               "--no-search", "--out", str(tmp_path)])
    assert rc == 0
    out = capsys.readouterr().out
    assert "docs/s" in out and "born-digital" in out
    data = json.loads((tmp_path / "bench.json").read_text())
    assert len(data["table"]) == 1
    assert set(TABLE_KEYS) <= set(data["table"][0])
    assert data["table"][0]["docs"] == 2
    assert data["runs"][0]["peak_rss_self_mb"] > 0


def test_bench_rejects_bad_workers() -> None:
    assert main(["bench", "--workers", "0"]) == 2
