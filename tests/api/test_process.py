"""`backoffice process` end to end on files the test makes: the CONTRACT.md shape,
bad input handled per file, idempotency on the content hash, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from api.cli import main
from records.sealing import load_sealer
from tests.conftest import INVOICE_LINES, make_pdf, pdf_bytes

KEYS = {
    "file", "sha256", "document_id", "status", "error", "doc_type", "subtype",
    "type_confidence", "pages", "ocr_pages", "fields", "review", "violations", "timings_ms",
}


def run_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict]]:
    rc = main(["process", "--json", "--no-progress", "--workers", "1", *args])
    out = capsys.readouterr().out
    return rc, [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture()
def batch(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    make_pdf(d / "a_invoice.pdf", INVOICE_LINES)
    (d / "b_empty.pdf").write_bytes(b"")
    good = (d / "a_invoice.pdf").read_bytes()
    (d / "c_truncated.pdf").write_bytes(good[: len(good) // 3])
    (d / "d_program.pdf").write_bytes(b"MZ\x90\x00" + b"\x00" * 200 + b"This program cannot be run")
    w = PdfWriter()
    w.append(PdfReader(d / "a_invoice.pdf"))
    w.encrypt(user_password="s3cret", owner_password="owner")
    with (d / "e_encrypted.pdf").open("wb") as fh:
        w.write(fh)
    (d / ".hidden.txt").write_text("skip me")
    (d / "f_note.txt").write_text("Minutes of the weekly team meeting.\nAttendees: A, B.\n")
    return d


def test_batch_shape_errors_and_order(data_dir: Path, batch: Path, capsys) -> None:
    rc, results = run_process(capsys, str(batch))
    assert rc == 0
    assert [r["file"] for r in results] == [
        "a_invoice.pdf", "b_empty.pdf", "c_truncated.pdf", "d_program.pdf",
        "e_encrypted.pdf", "f_note.txt",
    ]
    for r in results:
        assert KEYS <= set(r), set(KEYS) - set(r)
        assert r["status"] in ("auto_approved", "needs_review", "failed")
        assert 0.0 <= r["type_confidence"] <= 1.0
    by = {r["file"]: r for r in results}
    assert by["b_empty.pdf"]["error"]["code"] == "empty_file"
    assert by["c_truncated.pdf"]["error"]["code"] == "corrupt_file"
    assert by["d_program.pdf"]["error"]["code"] == "unsupported_type"
    assert by["e_encrypted.pdf"]["error"]["code"] == "encrypted_pdf"
    for name in ("b_empty.pdf", "c_truncated.pdf", "d_program.pdf", "e_encrypted.pdf"):
        assert by[name]["status"] == "failed"
        assert by[name]["error"]["message"]
    inv = by["a_invoice.pdf"]
    assert inv["error"] is None and inv["pages"] == 1 and inv["ocr_pages"] == 0
    assert set(inv["timings_ms"]) >= {"read", "classify", "extract", "policies"}
    # Every original is kept, failed ones included, content-addressed.
    for r in results:
        sha = r["sha256"]
        assert (data_dir / "originals" / sha[:2] / sha[2:4] / sha).exists()


def test_rerun_is_idempotent(data_dir: Path, tmp_path: Path, capsys) -> None:
    pdf = make_pdf(tmp_path / "inv.pdf", INVOICE_LINES)
    _, first = run_process(capsys, str(pdf))
    copy = tmp_path / "copy-of-inv.pdf"
    copy.write_bytes(pdf.read_bytes())
    _, second = run_process(capsys, str(pdf), str(copy))
    assert second[0]["document_id"] == first[0]["document_id"]
    assert second[1]["document_id"] == first[0]["document_id"]
    strip = lambda r: {k: v for k, v in r.items() if k not in ("file", "timings_ms")}  # noqa: E731
    assert strip(second[0]) == strip(first[0])
    from sqlalchemy import func, select

    from records.db import init_db
    from records.models import Document
    from workflow.settings import Settings

    factory = init_db(Settings.from_env().database_url)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 1


def test_missing_path_is_a_usage_error(data_dir: Path, tmp_path: Path, capsys) -> None:
    rc, results = run_process(capsys, str(tmp_path / "nope.pdf"))
    assert rc == 2 and results == []


def test_unwritable_data_dir(tmp_path: Path, monkeypatch, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(blocker / "data"))
    pdf = make_pdf(tmp_path / "inv.pdf", INVOICE_LINES)
    rc, _ = run_process(capsys, str(pdf))
    assert rc == 3


def test_too_large_is_kept_and_refused(data_dir: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("BACKOFFICE_MAX_BYTES", "1000")
    pdf = make_pdf(tmp_path / "inv.pdf", INVOICE_LINES * 5)
    _, [r] = run_process(capsys, str(pdf))
    assert r["status"] == "failed" and r["error"]["code"] == "too_large"
    sha = r["sha256"]
    kept = (data_dir / "originals" / sha[:2] / sha[2:4] / sha).read_bytes()
    assert kept != pdf.read_bytes()  # sealed at rest, streamed without loading it whole
    assert load_sealer(data_dir).open(kept) == pdf.read_bytes()


def test_parallel_workers_keep_input_order(data_dir: Path, tmp_path: Path, capsys) -> None:
    paths = []
    for i in range(4):
        paths.append(str(make_pdf(tmp_path / f"doc{i}.pdf", [f"Memo number {i}", "Hello"])))
    rc = main(["process", "--json", "--no-progress", "--workers", "2", *paths])
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rc == 0
    assert [r["file"] for r in out] == [f"doc{i}.pdf" for i in range(4)]
    assert len({r["document_id"] for r in out}) == 4


def test_file_name_loses_bidi_characters(data_dir: Path, tmp_path: Path, capsys) -> None:
    src = make_pdf(tmp_path / "invoice\u202efdp.exe", INVOICE_LINES)
    rc, [r] = run_process(capsys, str(src))
    assert rc == 0 and r["file"] == "invoicefdp.exe"


def test_a_failure_of_the_moment_is_retried_a_bad_file_is_not(data_dir: Path,
                                                              monkeypatch) -> None:
    """Re-running a batch retries documents that failed for a passing reason (here an
    internal error in a stage) and returns the stored result of a corrupt file."""
    from workflow.process import Pipeline
    from workflow.settings import Settings

    pipe = Pipeline(Settings.from_env(data_dir))
    calls = {"n": 0}
    real = Pipeline._classify

    def flaky(self, doc):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return real(self, doc)

    monkeypatch.setattr(Pipeline, "_classify", flaky)
    data = pdf_bytes(INVOICE_LINES)
    first = pipe.process_bytes("inv.pdf", data)
    assert first["status"] == "failed" and first["error"]["code"] == "internal_error"
    again = pipe.process_bytes("inv.pdf", data)
    assert again["status"] != "failed" and again["document_id"] == first["document_id"]

    bad = b"%PDF-1.7 not really"
    one = pipe.process_bytes("bad.pdf", bad)
    two = pipe.process_bytes("bad.pdf", bad)
    assert one["error"]["code"] == "corrupt_file" and two == one
