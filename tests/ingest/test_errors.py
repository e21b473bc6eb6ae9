"""Bad input: always a named IngestError with a specific message, never a crash."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from ingest_helpers import image_bytes, reportlab_pdf, text_image

from ingest import IngestOptions, read_bytes, read_file, sniff_type
from ingest._exec import tesseract as tesseract_exec
from ingest.errors import (
    CorruptFile,
    EmptyFile,
    IngestError,
    OcrTimeout,
    OcrUnavailable,
    TooLarge,
    UnreadableFile,
    UnsupportedType,
)


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    with pytest.raises(EmptyFile) as exc:
        read_file(p)
    assert exc.value.code == "empty_file" and exc.value.to_json()["code"] == "empty_file"
    with pytest.raises(EmptyFile):
        read_bytes("x.txt", b"")


def test_too_large_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * 5000)

    def no_read(*_a: object, **_k: object) -> None:
        raise AssertionError("file was opened")

    monkeypatch.setattr(Path, "open", no_read)
    with pytest.raises(TooLarge) as exc:
        read_file(p, IngestOptions(max_bytes=1000))
    assert "limit" in exc.value.message
    monkeypatch.undo()
    with pytest.raises(TooLarge):
        read_bytes("big.txt", b"a" * 5000, IngestOptions(max_bytes=1000))


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile):
        read_file(tmp_path / "nope.pdf")
    with pytest.raises(UnreadableFile):
        read_file(tmp_path)


def test_exe_renamed_pdf_is_unsupported() -> None:
    exe = (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + b"\x00" * 200
        + b"This program cannot be run in DOS mode."
    )
    assert sniff_type("invoice.pdf", exe) == "application/x-msdownload"
    with pytest.raises(UnsupportedType) as exc:
        read_bytes("invoice.pdf", exe)
    assert exc.value.code == "unsupported_type"
    assert "executable" in exc.value.message and ".pdf" in exc.value.message


def test_zip_that_is_not_docx_is_unsupported() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(UnsupportedType):
        read_bytes("contract.docx", buf.getvalue())


def test_random_bytes_named_pdf_is_corrupt_unnamed_is_unsupported() -> None:
    rng = random.Random(1)
    blob = bytes(rng.randrange(256) for _ in range(4000))
    with pytest.raises(CorruptFile):
        read_bytes("scan.pdf", blob)
    with pytest.raises(UnsupportedType):
        read_bytes("blob.xyz", blob)


def test_sniff_ignores_extension() -> None:
    png = image_bytes(text_image(["X"], width=200), "PNG")
    assert sniff_type("a.pdf", png) == "image/png"
    assert sniff_type("a.txt", reportlab_pdf([(72, 72, "x")])) == "application/pdf"
    assert sniff_type("a.jpg", b"plain words here\n") == "text/plain"
    assert sniff_type("m", b"From: a@b.c\nTo: d@e.f\nSubject: hi\n\nbody") == "message/rfc822"
    assert sniff_type("k.txt", b"Key: value\nOther: thing\n\nbody") == "text/plain"


@pytest.mark.parametrize("kind", ["pdf", "png", "jpg"])
def test_damaged_files_never_raise_raw_exceptions(kind: str) -> None:
    if kind == "pdf":
        base = reportlab_pdf([(72, 100, "Fuzzed page text")])
    else:
        img = text_image(["FUZZ"], width=300)
        base = image_bytes(img, "PNG" if kind == "png" else "JPEG")
    rng = random.Random(7)
    opts = IngestOptions(ocr_engine="tesseract", ocr_workers=1)
    for _ in range(12):
        data = bytearray(base)
        for _ in range(rng.randint(1, 40)):
            i = rng.randrange(16, len(data))
            data[i] = rng.randrange(256)
        data = data[: rng.randint(len(data) // 2, len(data))]
        try:
            read_bytes(f"f.{kind}", bytes(data), opts)
        except IngestError:
            pass


def test_missing_tesseract_is_ocr_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESSERACT_CMD", "/nonexistent/tesseract")
    tesseract_exec.version.cache_clear()
    tesseract_exec.languages.cache_clear()
    try:
        with pytest.raises(OcrUnavailable) as exc:
            read_bytes("s.png", image_bytes(text_image(["HELLO"]), "PNG"))
        assert "apt-get install tesseract-ocr" in exc.value.message
    finally:
        monkeypatch.delenv("TESSERACT_CMD")
        tesseract_exec.version.cache_clear()
        tesseract_exec.languages.cache_clear()
        import pytesseract

        pytesseract.pytesseract.tesseract_cmd = "tesseract"


def test_missing_language_pack() -> None:
    with pytest.raises(OcrUnavailable) as exc:
        read_bytes(
            "s.png", image_bytes(text_image(["HELLO"]), "PNG"), IngestOptions(ocr_lang="xyz")
        )
    assert "tesseract-ocr-xyz" in exc.value.message


def test_tesseract_timeout_maps_to_ocr_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    def slow(*_a: object, **_k: object) -> None:
        raise RuntimeError("Tesseract process timeout")

    monkeypatch.setattr(pytesseract, "image_to_data", slow)
    with pytest.raises(OcrTimeout) as exc:
        read_bytes(
            "s.png",
            image_bytes(text_image(["HELLO"]), "PNG"),
            IngestOptions(ocr_engine="tesseract", ocr_timeout_s=1),
        )
    assert exc.value.code == "ocr_timeout"
