"""A threaded caller (the service's workers) reads PDF text layers in reader processes, so
uploads are not serialised behind pdfium's lock; the pages are the ones read in-process."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from ingest_helpers import reportlab_pdf, scanned_pdf

from ingest import read_bytes
from ingest.errors import CorruptFile
from ingest.readers import processes


@pytest.fixture(autouse=True)
def _fresh_pool():  # noqa: ANN202
    processes.shutdown()
    yield
    processes.shutdown()


def _summary(data: bytes, name: str) -> list[tuple[str, list[tuple[str, tuple[float, ...]]]]]:
    doc = read_bytes(name, data)
    return [(p.text, [(w.text, tuple(w.bbox)) for w in p.words]) for p in doc.pages]


def test_a_worker_thread_reads_in_a_reader_process_with_the_same_pages() -> None:
    data = reportlab_pdf([(72, 300, "Total due: 1,190.00 EUR"), (72, 100, "Invoice INV-7")])
    in_process = _summary(data, "a.pdf")
    assert processes._pool is None  # the main thread reads itself
    with ThreadPoolExecutor(max_workers=4) as threads:
        results = list(threads.map(lambda _: _summary(data, "a.pdf"), range(4)))
    assert processes._pool is not None  # the threads went through the reader processes
    assert results == [in_process] * 4


def test_a_scanned_page_read_from_a_thread_is_still_rendered_for_ocr() -> None:
    data = scanned_pdf(["INVOICE 12345", "Total 99.00"])
    with ThreadPoolExecutor(max_workers=1) as threads:
        doc = threads.submit(read_bytes, "s.pdf", data).result()
    assert doc.ocr_pages == 1 and "12345" in doc.pages[0].text


def test_errors_in_a_reader_process_reach_the_caller() -> None:
    with ThreadPoolExecutor(max_workers=1) as threads:
        fut = threads.submit(read_bytes, "bad.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50)
        with pytest.raises(CorruptFile):
            fut.result()


def test_readers_outlive_the_thread_that_started_them() -> None:
    # PR_SET_PDEATHSIG would end them with the thread that started them: the next upload's
    # thread then found a broken pool
    data = reportlab_pdf([(72, 100, "Invoice INV-8")])
    with ThreadPoolExecutor(max_workers=1) as first:
        first.submit(read_bytes, "a.pdf", data).result()
    pool = processes._pool
    time.sleep(1.5)  # the first thread has ended; a signal would have arrived by now
    with ThreadPoolExecutor(max_workers=1) as second:
        doc = second.submit(read_bytes, "a.pdf", data).result()
    assert processes._pool is pool and "INV-8" in doc.pages[0].text


def test_a_reader_grows_by_the_memory_budget_from_its_own_size() -> None:
    import resource

    from ingest.children import address_space_mb

    pool = processes.reader_pool(memory_mb=300)
    soft, _hard = pool.submit(resource.getrlimit, resource.RLIMIT_AS).result()
    size = pool.submit(address_space_mb).result()
    assert soft != resource.RLIM_INFINITY
    # its own size at start plus 300 MB, not the test process's limit (none) or size
    assert 300 <= (soft >> 20) <= size + 300


def test_a_reading_past_the_budget_fails_with_memory_error_and_the_readers_go_on() -> None:
    pool = processes.reader_pool(memory_mb=200)
    with pytest.raises(MemoryError):
        pool.submit(bytearray, 1 << 30).result()
    assert processes._pool is pool and len(pool.submit(bytearray, 1 << 20).result()) == 1 << 20
