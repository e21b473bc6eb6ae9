"""Throughput benchmark: generated inputs, timed pipeline runs, peak memory.

Two kinds of input are generated, because they cost very different amounts:
born-digital PDFs (reportlab invoices and contracts with a text layer: read, classify,
extract) and scanned pages (Pillow-rendered 300-dpi page images with lines of text,
wrapped in image-only PDFs: OCR dominates). Each (input set, worker count) runs in a
fresh interpreter (multiprocessing "spawn") with a fresh data dir, so that its peak RSS
(`getrusage` RUSAGE_SELF and RUSAGE_CHILDREN `ru_maxrss`) belongs to that run alone and
no result is served from an earlier run's cache. Wall time includes loading the models
in that interpreter, as a batch run from the command line would.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ingest._exec import tesseract as tesseract_exec

STAGES = ("read", "ocr", "classify", "extract", "policies", "store")

_WORDS = (
    "service delivery period agreement payment terms party obligations confidential "
    "information invoice amount schedule support maintenance licence software hardware "
    "consulting hours rate total subtotal shipping warranty liability termination notice "
    "renewal effective date governing law jurisdiction supplier customer order quantity"
).split()
_COMPANIES = ("Northwind Traders GmbH", "Contoso Ltd", "Fabrikam Inc.", "Tailspin Toys LLC",
              "Adventure Works Corp", "Litware Inc.", "Proseware SA", "Wide World Importers")


# ---------------------------------------------------------------------- inputs
def _sentence(rng: random.Random, n: int = 12) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _invoice_lines(rng: random.Random, i: int) -> list[list[str]]:
    vendor, customer = rng.sample(_COMPANIES, 2)
    items = []
    total = 0.0
    for k in range(rng.randint(8, 20)):
        qty, price = rng.randint(1, 20), round(rng.uniform(5, 900), 2)
        total += qty * price
        items.append(f"{k + 1:>3}  {rng.choice(_WORDS).title()} {rng.choice(_WORDS)}"
                     f"   {qty:>4}   {price:>10,.2f}   {qty * price:>12,.2f}")
    tax = round(total * 0.19, 2)
    page1 = [vendor, f"{rng.randint(1, 200)} Market Street, {rng.randint(10000, 99999)} City",
             "VAT ID: DE136695976", "", "INVOICE", f"Invoice No: INV-2024-{i:04d}",
             f"Invoice Date: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
             f"Bill To: {customer}", "", "  #  Description   Qty   Unit price   Amount",
             *items[: len(items) // 2]]
    page2 = [*items[len(items) // 2:], "", f"Subtotal: {total:,.2f} EUR",
             f"VAT 19%: {tax:,.2f} EUR", f"Total: {total + tax:,.2f} EUR",
             "IBAN: DE89 3704 0044 0532 0130 00", "Payment terms: Net 30"]
    return [page1, page2]


def _contract_lines(rng: random.Random, i: int) -> list[list[str]]:
    a, b = rng.sample(_COMPANIES, 2)
    pages = [["SERVICES AGREEMENT", "",
              f"This Services Agreement (No. {i}) is made on March {rng.randint(1, 28)}, 2024 "
              f"between {a} and {b}.", ""]]
    for p in range(rng.randint(2, 4)):
        lines = [] if p else pages.pop()
        for s in range(1, 9):
            lines.append(f"{p + 1}.{s} {_sentence(rng, 10)}")
            lines.append(f"    {_sentence(rng, 11)}")
        pages.append(lines)
    pages[-1] += ["This Agreement is governed by the laws of the State of New York.",
                  "Either party may terminate on thirty (30) days written notice.",
                  "", f"Signed: {a}", f"Signed: {b}"]
    return pages


def make_born_digital(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` multi-page PDFs with a text layer, alternating invoices and contracts."""
    from reportlab.lib.pagesizes import A4, letter
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out = []
    for i in range(count):
        kind = "invoice" if i % 2 == 0 else "contract"
        pages = _invoice_lines(rng, i) if kind == "invoice" else _contract_lines(rng, i)
        size = A4 if i % 3 else letter
        path = folder / f"{kind}-{i:03d}.pdf"
        c = canvas.Canvas(str(path), pagesize=size)
        for lines in pages:
            c.setFont("Helvetica", 10)
            y = size[1] - 60
            for line in lines:
                c.drawString(56, y, line[:110])
                y -= 14
            c.showPage()
        c.save()
        out.append(path)
    return out


def _font(size: int) -> Any:
    from PIL import ImageFont

    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                 "LiberationSans-Regular.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def render_scan(lines: Sequence[str], size_in: tuple[float, float] = (8.27, 11.69),
                dpi: int = 300, seed: int = 0) -> Any:
    """A grayscale page image like a 300-dpi office scan: text lines, slight skew, noise."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    w, h = int(size_in[0] * dpi), int(size_in[1] * dpi)
    img = Image.new("L", (w, h), 250)
    draw = ImageDraw.Draw(img)
    font = _font(int(dpi * 11 / 72))  # 11 pt
    y = int(0.8 * dpi)
    step = int(dpi * 16 / 72)
    for line in lines:
        if y > h - dpi:
            break
        draw.text((int(0.9 * dpi), y), line, fill=rng.randint(10, 40), font=font)
        y += step
    img = img.rotate(rng.uniform(-0.6, 0.6), fillcolor=250, resample=Image.Resampling.BICUBIC)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    noise = Image.effect_noise((w, h), 12).point(lambda v: (v - 128) // 8)
    from PIL import ImageChops

    return ImageChops.add(img, noise, scale=1.0, offset=0)


def make_scanned(folder: Path, pages: int, per_doc: int = 2, seed: int = 11) -> list[Path]:
    """`pages` scanned pages as image-only PDFs of up to `per_doc` pages each."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out: list[Path] = []
    n = 0
    while n < pages:
        k = min(per_doc, pages - n)
        doc = len(out)
        kind = "invoice" if doc % 2 == 0 else "contract"
        texts = _invoice_lines(rng, doc) if kind == "invoice" else _contract_lines(rng, doc)
        letter = doc % 2 == 1
        images = [render_scan(texts[j % len(texts)],
                              size_in=(8.5, 11.0) if letter else (8.27, 11.69),
                              seed=seed + n + j) for j in range(k)]
        path = folder / f"scan-{kind}-{doc:03d}.pdf"
        images[0].save(path, "PDF", resolution=300.0, save_all=True,
                       append_images=images[1:], quality=80)
        out.append(path)
        n += k
    return out


# ---------------------------------------------------------------------- runs
@dataclass(slots=True)
class BenchRow:
    input_set: str
    workers: int
    docs: int
    pages: int
    ocr_pages: int
    failed: int
    wall_s: float
    docs_per_s: float
    pages_per_s: float
    stage_ms_per_doc: dict[str, float]
    stage_ms_per_page: dict[str, float]
    extract_ms_per_page: float
    non_ocr_ms_per_page: float
    peak_rss_self_mb: float
    peak_rss_children_mb: float
    failures: list[dict[str, Any]]
    # CPU seconds of the run (this interpreter and the workers and programs it waited for):
    # on a shared machine wall time measures the neighbours, this does not
    cpu_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _cpu_s() -> float:
    """CPU seconds of this process and of its children that ended."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _maxrss_mb(who: int) -> float:
    kb = resource.getrusage(who).ru_maxrss  # kilobytes on Linux
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def _one_run(paths: list[str], workers: int, search: bool) -> dict[str, Any]:
    """Runs in a fresh interpreter: process `paths`, return raw measurements."""
    import os

    os.environ.pop("DATABASE_URL", None)
    os.environ["BACKOFFICE_SEARCH"] = "1" if search else "0"
    import logging

    logging.getLogger("workflow.process").setLevel(logging.CRITICAL)
    from workflow.process import process_many
    from workflow.settings import Settings
    from workflow.warm import pause_gc, resume_gc

    with tempfile.TemporaryDirectory(prefix="backoffice-bench-") as tmp:
        settings = Settings.from_env(tmp)
        settings.ensure_dirs()
        t0, c0 = time.perf_counter(), _cpu_s()
        n = max(1, min(workers, len(paths)))
        if n == 1:  # as `backoffice process` runs a one-process batch (api.commands.process)
            pause_gc()
        results = []
        try:
            for r in process_many([Path(p) for p in paths], settings, workers=n):
                results.append(r)
                resume_gc(more_to_come=len(results) < len(paths))
        finally:
            resume_gc(more_to_come=False)
        wall, cpu = time.perf_counter() - t0, _cpu_s() - c0
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "results": [{"file": r.get("file"), "status": r.get("status"), "error": r.get("error"),
                     "pages": r.get("pages") or 0, "ocr_pages": r.get("ocr_pages") or 0,
                     "timings_ms": r.get("timings_ms") or {}} for r in results],
        "rss_self_mb": _maxrss_mb(resource.RUSAGE_SELF),
        "rss_children_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
    }


def _child(conn: Any, paths: list[str], workers: int, search: bool) -> None:
    try:
        conn.send(_one_run(paths, workers, search))
    except BaseException as exc:  # noqa: BLE001 - report, the parent decides
        conn.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()


def run_config(input_set: str, paths: Sequence[Path], workers: int, search: bool = True,
               isolate: bool = True) -> BenchRow:
    """Time one input set at one worker count (in a spawned interpreter if `isolate`)."""
    plist = [str(p) for p in paths]
    if isolate:
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(child, plist, workers, search))
        proc.start()
        child.close()
        try:
            raw = parent.recv()
        except EOFError:
            raw = {"error": "benchmark child died"}
        proc.join()
    else:
        raw = _one_run(plist, workers, search)
    if "error" in raw:
        raise RuntimeError(f"bench run {input_set}/{workers} failed: {raw['error']}")
    return summarize(input_set, workers, raw)


def summarize(input_set: str, workers: int, raw: dict[str, Any]) -> BenchRow:
    results = raw["results"]
    wall = float(raw["wall_s"])
    docs = len(results)
    pages = sum(int(r["pages"]) for r in results)
    sums: dict[str, float] = {}
    for r in results:
        for k, v in r["timings_ms"].items():
            if isinstance(v, int | float):
                sums[k] = sums.get(k, 0.0) + float(v)
    order = [s for s in STAGES if s in sums] + sorted(set(sums) - set(STAGES))
    per_doc = {k: sums[k] / docs for k in order} if docs else {}
    per_page = {k: sums[k] / pages for k in order} if pages else {}
    non_ocr = sum(v for k, v in sums.items() if k != "ocr")
    failures = [{"file": r["file"], "code": (r["error"] or {}).get("code", "unknown")}
                for r in results if r["status"] == "failed"]
    return BenchRow(
        input_set=input_set, workers=workers, docs=docs, pages=pages,
        ocr_pages=sum(int(r["ocr_pages"]) for r in results), failed=len(failures),
        wall_s=wall, docs_per_s=docs / wall if wall > 0 else 0.0,
        pages_per_s=pages / wall if wall > 0 else 0.0,
        stage_ms_per_doc=per_doc, stage_ms_per_page=per_page,
        extract_ms_per_page=sums.get("extract", 0.0) / pages if pages else 0.0,
        non_ocr_ms_per_page=non_ocr / pages if pages else 0.0,
        peak_rss_self_mb=float(raw["rss_self_mb"]),
        peak_rss_children_mb=float(raw["rss_children_mb"]),
        failures=failures,
        cpu_s=float(raw.get("cpu_s", 0.0)),
    )


TABLE_KEYS = ("input_set", "workers", "docs", "pages", "ocr_pages", "failed", "wall_s", "cpu_s",
              "docs_per_s", "pages_per_s", "extract_ms_per_page", "non_ocr_ms_per_page",
              "ocr_ms_per_page", "peak_rss_self_mb", "peak_rss_children_mb")


def table_rows(rows: Sequence[BenchRow]) -> list[dict[str, Any]]:
    """One flat dict per run with TABLE_KEYS, for printing and for bench.json."""
    out = []
    for r in rows:
        d = {k: getattr(r, k) for k in TABLE_KEYS if k != "ocr_ms_per_page"}
        d["ocr_ms_per_page"] = (r.stage_ms_per_page.get("ocr", 0.0) * r.pages / r.ocr_pages
                                if r.ocr_pages else 0.0)
        out.append({k: d[k] for k in TABLE_KEYS})
    return out


def render_table(rows: Sequence[BenchRow]) -> str:
    """Markdown table; ms per page are means over all pages (OCR: over OCR'd pages)."""
    header = ["input", "workers", "docs", "pages", "OCR pages", "failed", "wall s", "CPU s",
              "docs/s",
              "pages/s", "extract ms/page", "non-OCR ms/page", "OCR ms/OCR page",
              "peak RSS self MB", "peak RSS children MB"]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    for d in table_rows(rows):
        cells = []
        for k in TABLE_KEYS:
            v = d[k]
            cells.append(f"{v:.2f}" if isinstance(v, float) else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    stages = sorted({k for r in rows for k in r.stage_ms_per_doc},
                    key=lambda s: (STAGES.index(s) if s in STAGES else 99, s))
    if stages:
        lines += ["", "Mean stage time per document (ms):", "",
                  "| input | workers | " + " | ".join(stages) + " |",
                  "| --- | --- | " + " | ".join("---" for _ in stages) + " |"]
        for r in rows:
            lines.append(f"| {r.input_set} | {r.workers} | " + " | ".join(
                f"{r.stage_ms_per_doc.get(s, 0.0):.1f}" for s in stages) + " |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- receipts
_ITEMS = ("NASI LEMAK", "TEH TARIK", "ROTI CANAI", "MEE GORENG", "AIR SIRAP", "KOPI O",
          "CHICKEN RICE", "MILO ICE", "PAPER BAG", "MINERAL WATER")


def make_receipt_photos(folder: Path, count: int, seed: int = 5) -> list[Path]:
    """`count` phone photos of till receipts (JPEG): a narrow paper strip of text lines on a
    darker desk, slightly turned, blurred and noisy, as the receipt path reads them."""
    from PIL import Image, ImageDraw, ImageFilter

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    font = _font(30)
    out = []
    for i in range(count):
        vendor = rng.choice(_COMPANIES).upper()
        lines = [vendor, f"NO {rng.randint(1, 300)}, JALAN {rng.choice(_WORDS).upper()},",
                 f"{rng.randint(10000, 99999)} KUALA LUMPUR", "GST ID: 001234567890", "",
                 f"RECEIPT #: CS{rng.randint(10000, 99999)}",
                 f"DATE: {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2018"
                 f"  {rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}", ""]
        total = 0.0
        for _ in range(rng.randint(3, 8)):
            qty, price = rng.randint(1, 3), round(rng.uniform(1, 25), 2)
            total += qty * price
            lines.append(f"{rng.choice(_ITEMS):<16}{qty} x {price:6.2f} {qty * price:8.2f}")
        lines += ["", f"TOTAL (RM): {total:10.2f}", f"CASH      : {total + 10:10.2f}",
                  f"CHANGE    : {10:10.2f}", "", "THANK YOU, PLEASE COME AGAIN"]
        paper = Image.new("L", (760, 90 + 44 * len(lines)), 245)
        draw = ImageDraw.Draw(paper)
        for k, line in enumerate(lines):
            draw.text((40, 45 + 44 * k), line, fill=rng.randint(20, 60), font=font)
        photo = Image.new("L", (paper.width + 240, paper.height + 300), rng.randint(70, 110))
        photo.paste(paper, (120, 150))
        photo = photo.rotate(rng.uniform(-2.5, 2.5), fillcolor=90,
                             resample=Image.Resampling.BICUBIC)
        photo = photo.filter(ImageFilter.GaussianBlur(0.8))
        path = folder / f"receipt-{i:03d}.jpg"
        photo.convert("RGB").save(path, "JPEG", quality=85)
        out.append(path)
    return out


# ---------------------------------------------------------------------- library limits
@dataclass(slots=True)
class LimitRow:
    """Our figure next to what the library does alone on the same input, in the same run.

    `ratio` is ours / library in the row's own unit: for pages/s below 1 means slower than
    the library, for s/page (or s, MB) above 1 means slower (bigger) than it."""

    measure: str
    ours: float | None
    reference: str
    value: float | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.value:
            return None
        return self.ours / self.value


def pdfium_pace(paths: Sequence[Path]) -> tuple[float, float, int]:
    """(pages/s extracting the text only, pages/s with a box per character, pages): pypdfium2
    alone on `paths`, as the ceiling for reading born-digital PDFs."""
    import pypdfium2 as pdfium

    def one_pass(boxes: bool) -> tuple[float, int]:
        pages = 0
        t0 = time.perf_counter()
        for p in paths:
            pdf = pdfium.PdfDocument(str(p))
            try:
                for i in range(len(pdf)):
                    page = pdf[i]
                    tp = page.get_textpage()
                    tp.get_text_range()
                    if boxes:
                        for k in range(tp.count_chars()):
                            tp.get_charbox(k)
                    tp.close()
                    page.close()
                    pages += 1
            finally:
                pdf.close()
        wall = time.perf_counter() - t0
        return (pages / wall if wall > 0 else 0.0), pages

    text_pace, pages = one_pass(False)
    boxes_pace, _ = one_pass(True)
    return text_pace, boxes_pace, pages


def scanned_page_images(paths: Sequence[Path], folder: Path, dpi: int = 300) -> list[Path]:
    """The pages of image-only PDFs as PNG files (what tesseract alone is given)."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for p in paths:
        pdf = pdfium.PdfDocument(str(p))
        try:
            for i in range(len(pdf)):
                page = pdf[i]
                image = page.render(scale=dpi / 72).to_pil()
                page.close()
                path = folder / f"{p.stem}-{i + 1}.png"
                image.save(path)
                out.append(path)
        finally:
            pdf.close()
    return out


def tesseract_pace(images: Sequence[Path], processes: int = 2, lang: str = "eng"
                   ) -> float | None:
    """s/page for plain `tesseract IMAGE stdout` over `images`, `processes` at a time (one
    OpenMP thread each); None when tesseract is not installed."""
    import os
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    exe = tesseract_exec.binary()  # the binary OCR would run (TESSERACT_CMD, else PATH)
    if exe is None or not images:
        return None
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(path: Path) -> None:
        subprocess.run([exe, str(path), "stdout", "-l", lang], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=processes) as pool:
        list(pool.map(one, images))
    return (time.perf_counter() - t0) / len(images)


def ocrmypdf_pace(paths: Sequence[Path], folder: Path, jobs: int = 2) -> float | None:
    """s/page for `ocrmypdf --jobs N` over `paths` (it also writes a PDF/A); None when
    OCRmyPDF is not installed."""
    import shutil
    import subprocess

    exe = shutil.which("ocrmypdf")
    if exe is None or not paths:
        return None
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    pages = 0
    t0 = time.perf_counter()
    for p in paths:
        pdf = pdfium.PdfDocument(str(p))
        pages += len(pdf)
        pdf.close()
        subprocess.run([exe, "--jobs", str(jobs), "--quiet", str(p), str(folder / p.name)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - t0) / pages if pages else None


def startup_seconds(command: Sequence[str], text_file: Path, runs: int = 3,
                    existing: bool = False) -> float:
    """Median wall time of `command + [--data-dir D, text_file]` (a one-file `backoffice
    process` of a small text file: start-up, models, one document). D is a fresh data dir
    each run, or with `existing` one data dir made by an untimed first run, and each timed
    run a new text (the text with a line of its own, so no run meets a duplicate).
    Measured as an installed program starts: with its modules' bytecode written (an untimed
    run writes it, as pip does at install), even where PYTHONDONTWRITEBYTECODE is set in
    the bench's environment; without it every run recompiled ~100 modules (0.15-0.25 s)."""
    import statistics
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def once(data_dir: str, text: Path) -> float:
        t0 = time.perf_counter()
        subprocess.run([*command, "--data-dir", data_dir, str(text)], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t0

    walls = []
    with tempfile.TemporaryDirectory(prefix="backoffice-bench-start-") as tmp:
        if not existing:
            once(str(Path(tmp) / "warm"), text_file)  # writes the bytecode; not timed
            for i in range(runs):
                walls.append(once(str(Path(tmp) / f"data{i}"), text_file))
            return statistics.median(walls)
        body = text_file.read_text(encoding="utf-8")
        data = str(Path(tmp) / "data")
        for i in range(runs + 1):
            text = Path(tmp) / f"{text_file.stem}-{i}{text_file.suffix}"
            text.write_text(f"{body}Reference: BENCH-{i:04d}\n", encoding="utf-8")
            wall = once(data, text)
            if i:  # the first run makes the data dir
                walls.append(wall)
    return statistics.median(walls)


def _best(rows: Sequence[BenchRow], input_set: str) -> BenchRow | None:
    """The run of `input_set` with the most workers."""
    runs = [r for r in rows if r.input_set == input_set]
    return max(runs, key=lambda r: r.workers) if runs else None


def limit_rows(rows: Sequence[BenchRow], *, digital: str = "born-digital",
               pdfium: tuple[float, float, int] | None = None,
               tesseract_s: float | None = None, ocrmypdf_s: float | None = None,
               ocrmypdf_missing: bool = False, startup_s: float | None = None,
               python_s: float | None = None,
               startup_existing_s: float | None = None) -> list[LimitRow]:
    """Our pace from `rows` next to the library limits measured in the same run (pdfium's
    next to the input set named `digital`)."""
    out: list[LimitRow] = []
    best = _best(rows, digital)
    if best is not None and pdfium is not None:
        ours = best.pages_per_s
        name = f"{digital} pages/s ({best.workers} workers)"
        out.append(LimitRow(name, ours, "pdfium text only", pdfium[0]))
        out.append(LimitRow(name, ours, "pdfium text + char boxes", pdfium[1]))
    scanned = _best(rows, "scanned")
    if scanned is not None and scanned.pages:
        ours = scanned.wall_s / scanned.pages
        name = f"scanned s/page ({scanned.workers} workers)"
        if tesseract_s is not None:
            out.append(LimitRow(name, ours, "tesseract alone, 2 processes", tesseract_s))
        if ocrmypdf_s is not None:
            out.append(LimitRow(name, ours, "OCRmyPDF --jobs 2", ocrmypdf_s))
        elif ocrmypdf_missing:
            out.append(LimitRow(name, ours, "OCRmyPDF --jobs 2", None,
                                "not installed: column skipped"))
    receipts = {r.workers: r for r in rows if r.input_set == "receipts" and r.docs}
    if receipts:
        one = receipts.get(1)
        for w, r in sorted(receipts.items()):
            each = r.wall_s / r.docs
            if w == 1 or one is None:
                out.append(LimitRow(f"receipts s/each ({w} worker{'s' * (w > 1)})", each,
                                    "", None))
            else:
                out.append(LimitRow(f"receipts s/each ({w} workers)", each,
                                    "ours, 1 worker", one.wall_s / one.docs))
    if startup_s is not None:
        out.append(LimitRow("one-file process of a small text (s)", startup_s,
                            "python -c pass", python_s))
    if startup_existing_s is not None:
        out.append(LimitRow("one-file process of a small text, existing data dir (s)",
                            startup_existing_s, "python -c pass", python_s))
    for r in rows:
        per_worker = r.peak_rss_children_mb if r.workers > 1 else r.peak_rss_self_mb
        out.append(LimitRow(f"peak RSS per worker MB ({r.input_set}, {r.workers} w)",
                            per_worker, "", None))
    return out


def render_limits(limits: Sequence[LimitRow]) -> str:
    """Markdown: our figure, the library's alone on the same input, and their ratio."""
    lines = ["| measure | ours | library alone (same run) | library | ours / library |",
             "| --- | --- | --- | --- | --- |"]
    for row in limits:
        ours = "–" if row.ours is None else f"{row.ours:.3g}"
        value = row.note or ("–" if row.value is None else f"{row.value:.3g}")
        ratio = "–" if row.ratio is None else f"{row.ratio:.3g}"
        lines.append(f"| {row.measure} | {ours} | {row.reference or '–'} | {value} | {ratio} |")
    return "\n".join(lines) + "\n"
