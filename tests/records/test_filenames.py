"""Stored file names lose control and bidi characters (an upload named
`invoice<U+202E>fdp.exe` showed as `invoiceexe.pdf`) and any path."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from records.db import get_engine, migrate
from records.filenames import clean_filename

RLO = "\u202e"


@pytest.mark.parametrize(("raw", "clean"), [
    (f"invoice{RLO}fdp.exe", "invoicefdp.exe"),
    ("a\u2066b\u2069c\u200e\u200f\u061c.pdf", "abc.pdf"),  # isolates, LRM/RLM, ALM
    ("zero\u200bwidth\ufeff.pdf", "zerowidth.pdf"),
    ("tab\tnew\nline\r\x00\x1b[31m\x7f\x85.pdf", "tabnewline[31m.pdf"),
    ("line\u2028para\u2029.pdf", "linepara.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\inv.pdf", "inv.pdf"),
    ("  spaced.pdf  ", "spaced.pdf"),
    ("e\u0301te\u0301.pdf", "\u00e9t\u00e9.pdf"),  # NFC
    (f"{RLO}\u200b", "upload"),
    ("..", "upload"),
    (None, "upload"),
    ("Rechnung März 2026 (Kopie).pdf", "Rechnung März 2026 (Kopie).pdf"),
    ("请求书.pdf", "请求书.pdf"),
])
def test_clean_filename(raw: str | None, clean: str) -> None:
    assert clean_filename(raw) == clean


def test_long_names_are_cut() -> None:
    assert len(clean_filename("a" * 2000 + ".pdf")) == 500


def test_migration_cleans_existing_names(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate(url, "0005")
    with get_engine(url).begin() as conn:
        for doc_id, name in (("d1", f"invoice{RLO}fdp.exe"), ("d2", "plain.pdf")):
            conn.execute(text("INSERT INTO documents (id, sha256, filename, size, status, pages, "
                              "ocr_pages, review_needed, created_at, updated_at) VALUES "
                              "(:id, :id, :f, 1, 'failed', 0, 0, 0, '2026-01-01', "
                              "'2026-01-01')"), {"id": doc_id, "f": name})
    migrate(url)
    with get_engine(url).begin() as conn:
        got = dict(conn.execute(text("SELECT id, filename FROM documents")).all())
    assert got == {"d1": "invoicefdp.exe", "d2": "plain.pdf"}
