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
        "rss_self_mb": 100.0, "rss_children_mb": 0.0, "cpu_s": 3.5,
    }
    row = summarize("x", 1, raw)
    assert row.cpu_s == 3.5
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
    rc = main(["bench", "--born-digital", "2", "--pages", "0", "--receipts", "0",
               "--workers", "1", "--no-search", "--no-limits", "--out", str(tmp_path)])
    assert rc == 0
    out = capsys.readouterr().out
    assert "docs/s" in out and "born-digital" in out
    data = json.loads((tmp_path / "bench.json").read_text())
    assert len(data["table"]) == 1
    assert set(TABLE_KEYS) <= set(data["table"][0])
    assert data["table"][0]["docs"] == 2
    assert data["runs"][0]["peak_rss_self_mb"] > 0
    assert data["table"][0]["cpu_s"] > 0


def test_bench_rejects_bad_workers() -> None:
    assert main(["bench", "--workers", "0"]) == 2


def test_limit_rows_and_their_table(tmp_path: Path) -> None:
    """The side-by-side table: our figure, the library's alone on the same inputs, the ratio
    columns; the library paces are measured on tiny inputs (no timing asserted)."""
    from evaluation.bench import (
        limit_rows,
        make_receipt_photos,
        pdfium_pace,
        render_limits,
        scanned_page_images,
        tesseract_pace,
    )

    digital = make_born_digital(tmp_path / "d", 1)
    text_pace, boxes_pace, pages = pdfium_pace(digital)
    assert pages >= 2 and text_pace > 0 and boxes_pace > 0
    images = scanned_page_images(make_scanned(tmp_path / "s", 1), tmp_path / "png")
    assert len(images) == 1 and images[0].suffix == ".png"
    tess = tesseract_pace(images)  # None where tesseract is not installed
    assert tess is None or tess > 0
    photos = make_receipt_photos(tmp_path / "r", 2)
    assert [p.suffix for p in photos] == [".jpg", ".jpg"]

    def row(input_set: str, workers: int, wall: float, docs: int, pages: int) -> object:
        return summarize(input_set, workers, {
            "wall_s": wall, "rss_self_mb": 500.0, "rss_children_mb": 400.0,
            "results": [{"file": f"{i}", "status": "needs_review", "error": None,
                         "pages": pages // docs, "ocr_pages": 0, "timings_ms": {}}
                        for i in range(docs)]})

    rows = [row("born-digital", 2, 2.0, 2, 40), row("scanned", 2, 4.0, 1, 2),
            row("receipts", 1, 10.0, 5, 5), row("receipts", 2, 6.0, 5, 5)]
    limits = limit_rows(rows, pdfium=(400.0, 100.0, 40), tesseract_s=1.0, ocrmypdf_s=None,
                        ocrmypdf_missing=True, startup_s=0.5, python_s=0.02,
                        startup_existing_s=0.4)
    by = {(r.measure, r.reference): r for r in limits}
    assert by[("born-digital pages/s (2 workers)", "pdfium text + char boxes")].ratio == \
        pytest.approx(0.2)
    assert by[("scanned s/page (2 workers)", "tesseract alone, 2 processes")].ratio == \
        pytest.approx(2.0)
    assert by[("scanned s/page (2 workers)", "OCRmyPDF --jobs 2")].ratio is None
    assert by[("receipts s/each (2 workers)", "ours, 1 worker")].ratio == pytest.approx(0.6)
    table = render_limits(limits)
    assert table.splitlines()[0] == ("| measure | ours | library alone (same run) | library | "
                                     "ours / library |")
    assert "| born-digital pages/s (2 workers) | 20 | pdfium text + char boxes | 100 | 0.2 |" \
        in table
    assert "| OCRmyPDF --jobs 2 | not installed: column skipped | – |" in table
    assert "| receipts s/each (2 workers) | 1.2 | ours, 1 worker | 2 | 0.6 |" in table
    assert "peak RSS per worker MB (receipts, 2 w) | 400 |" in table
    assert "| one-file process of a small text, existing data dir (s) | 0.4 | python -c pass " \
           "| 0.02 | 20 |" in table


@pytest.mark.slow  # three input sets, two worker counts, the libraries alone and start-up
def test_bench_command_prints_the_limits(tmp_path: Path, capsys) -> None:
    rc = main(["bench", "--born-digital", "1", "--pages", "1", "--receipts", "1",
               "--workers", "1", "--no-search", "--out", str(tmp_path)])
    assert rc == 0
    out = capsys.readouterr().out
    assert "Side by side with the libraries alone" in out and "ours / library" in out
    assert "pdfium text + char boxes" in out and "one-file process" in out
    data = json.loads((tmp_path / "bench.json").read_text())
    assert {r["reference"] for r in data["limits"]} >= {"pdfium text only", "python -c pass"}


def test_startup_seconds_on_an_existing_data_dir_uses_one_dir_and_new_texts(
        tmp_path: Path) -> None:
    import sys

    from evaluation.bench import startup_seconds

    log = tmp_path / "calls.log"
    text = tmp_path / "one.txt"
    text.write_text("INVOICE\n", encoding="utf-8")
    record = ("import sys, pathlib; a = sys.argv[1:]; "
              f"open({str(log)!r}, 'a').write(a[1] + ' ' + pathlib.Path(a[2]).read_text()"
              ".replace(chr(10), '|') + chr(10))")
    assert startup_seconds([sys.executable, "-c", record], text, runs=3, existing=True) > 0
    calls = [line.split(" ", 1) for line in log.read_text().splitlines()]
    assert len(calls) == 4  # one untimed run makes the data dir, then three timed ones
    assert len({d for d, _ in calls}) == 1
    assert len({t for _, t in calls}) == 4 and all(t.startswith("INVOICE|") for _, t in calls)
    log.unlink()
    startup_seconds([sys.executable, "-c", record], text, runs=2)
    calls = [line.split(" ", 1) for line in log.read_text().splitlines()]
    # an untimed run writes the bytecode, then a fresh data dir each timed run
    assert len(calls) == 3 and len({d for d, _ in calls}) == 3


def test_startup_is_timed_with_bytecode_written_as_an_installed_program_has_it(
        tmp_path: Path, monkeypatch) -> None:
    import sys

    from evaluation.bench import startup_seconds

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")  # as this machine's shell sets it
    log = tmp_path / "flags.log"
    text = tmp_path / "one.txt"
    text.write_text("INVOICE\n", encoding="utf-8")
    record = f"import sys; open({str(log)!r}, 'a').write(str(sys.dont_write_bytecode) + chr(10))"
    startup_seconds([sys.executable, "-c", record], text, runs=2, existing=True)
    assert log.read_text().split() == ["False"] * 3


def test_limit_rows_compare_pdfium_with_the_named_set() -> None:
    """`--docs DIR` of PDFs: pdfium's pace stands next to that folder's set."""
    from evaluation.bench import limit_rows

    row = summarize("contracts", 2, {
        "wall_s": 4.0, "rss_self_mb": 1.0, "rss_children_mb": 1.0,
        "results": [{"file": "a", "status": "ok", "error": None, "pages": 200,
                     "ocr_pages": 0, "timings_ms": {}}]})
    limits = limit_rows([row], digital="contracts", pdfium=(500.0, 125.0, 200))
    by = {(r.measure, r.reference): r for r in limits}
    assert by[("contracts pages/s (2 workers)", "pdfium text + char boxes")].ratio == \
        pytest.approx(0.4)
    assert not [r for r in limit_rows([row], pdfium=(500.0, 125.0, 200))
                if r.reference.startswith("pdfium")]


@pytest.mark.slow  # one document, then the libraries alone and the start-up runs
def test_bench_docs_folder_of_pdfs_gets_the_pdfium_rows(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "contracts"
    make_born_digital(folder, 1)
    rc = main(["bench", "--docs", str(folder), "--workers", "1", "--no-search",
               "--in-process"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "| contracts pages/s (1 workers) |" in out and "pdfium text + char boxes" in out
