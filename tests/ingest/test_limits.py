"""Decompression limits (ingest/limits.py): every hostile file is refused as `too_complex`
from its raw bytes, quickly and without building it in memory."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest

import ingest
from ingest import limits
from ingest.errors import TooComplex
from tests.ingest import hostile

HOSTILE: dict[str, Callable[[], bytes]] = {
    "paragraphs.docx": hostile.docx_paragraph_bomb,
    "xml.docx": hostile.docx_xml_bomb,
    "objects.pdf": hostile.pdf_object_bomb,
    "declared.pdf": hostile.pdf_declared_objects,
    "arrays.pdf": hostile.pdf_nesting_bomb,
    "dicts.pdf": hostile.pdf_dict_nesting_bomb,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_too_complex(name: str) -> None:
    data = HOSTILE[name]()
    tracemalloc.start()
    t = time.perf_counter()
    try:
        with pytest.raises(TooComplex) as err:
            ingest.read_bytes(name, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.value.code == "too_complex"
    assert time.perf_counter() - t < 20
    assert peak < len(data) + (8 << 20), peak  # streamed: a chunk, never the unpacked whole


def test_paragraph_bomb_is_small() -> None:
    assert len(hostile.docx_paragraph_bomb()) < 400_000  # what makes it hostile


def test_ordinary_documents_pass() -> None:
    ok_docx = hostile.docx_with(b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>'
                                + b"<w:p><w:pPr/><w:r><w:t>Invoice 12</w:t></w:r></w:p>" * 5000
                                + b"</w:body></w:document>")
    limits.check_docx("ok.docx", ok_docx)
    nested = hostile.pdf_with(b"1 0 obj << /A << /B [ [ 1 2 ] [ 3 ] ] >> >> endobj")
    limits.check_pdf("ok.pdf", nested)


def test_paragraphs_counted_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "_CHUNK", 7)  # every tag cut somewhere
    monkeypatch.setattr(limits, "DOCX_MAX_PARAGRAPHS", 999)
    limits.check_docx("a.docx", hostile.docx_paragraph_bomb(999))
    with pytest.raises(TooComplex):
        limits.check_docx("b.docx", hostile.docx_paragraph_bomb(1000))
