"""The processing pipeline: file -> original kept -> ingest -> classify -> extract ->
policies -> stored record, returning the result shape of CONTRACT.md.

Data flows one way through the packages (ingest, classifiers, extractors,
policies); this module only orders the steps and owns the transaction
boundaries, so a crash in any step leaves the original and a `failed` record,
never a half-written one.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.config import Settings
from classifiers.types import Classification
from extractors.types import Clause, Field, Fields
from ingest.errors import IngestError, TooLarge
from ingest.types import IngestedDocument
from policies.types import Review, Violation
from records.audit import audit
from records.blobs import BlobStore
from records.channels import stamp_intake
from records.db import init_db, session_scope
from records.ids import new_id
from records.models import (
    ClauseRow,
    Document,
    FieldRow,
    LedgerEntry,
    PageRow,
    ReviewTask,
    StatusEvent,
    ViolationRow,
)
from records.policy_context import DbPolicyContext
from records.vendors import resolve_vendor

log = logging.getLogger(__name__)

FINAL_STATES = ("auto_approved", "needs_review", "failed", "approved", "rejected")
_SSN = re.compile(r"\b(\d{3})[- ]?(\d{2})[- ]?(\d{4})\b")


class StageError(Exception):
    """An unexpected failure inside a stage; the document ends `failed`, the batch goes on."""

    code = "internal_error"


def _ms(start: float) -> int:
    return int(round((time.perf_counter() - start) * 1000))


def _mask_ssn_field(f: Field) -> Field:
    """Defence in depth: whatever the HR extractor returned, no SSN leaves in clear."""

    def mask(v: Any) -> Any:
        if isinstance(v, str):
            return _SSN.sub(lambda m: f"***-**-{m.group(3)}", v)
        return v

    return Field(mask(f.value), mask(f.normalized), f.confidence, f.page, f.bbox, f.source)


class Pipeline:
    """One per process: holds the session factory, the blob store and lazy indexes."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.settings.ensure_dirs()
        self.sessions = init_db(self.settings.database_url)
        self.blobs = BlobStore(self.settings.data_dir / "originals")
        self._search: Any = None
        self._policy_config: Any = None
        self._chat_model: Any = False  # False: not built yet
        self.ocr_workers: int | None = None  # None: ingest decides (one per core)

    # ------------------------------------------------------------------ helpers
    def ingest_options(self) -> Any:
        from ingest import IngestOptions

        opts = IngestOptions(
            max_bytes=self.settings.max_bytes,
            max_pages=self.settings.max_pages,
            ocr_engine=self.settings.ocr_engine,
            ocr_timeout_s=self.settings.ocr_timeout_s,
            ocr_second_reading=self.settings.ocr_second_reading,
        )
        if self.ocr_workers is not None:
            opts.ocr_workers = self.ocr_workers
        return opts

    @property
    def policy_config(self) -> Any:
        if self._policy_config is None:
            from policies.config import load_config

            path = self.settings.data_dir / "policies.toml"
            self._policy_config = load_config(path if path.exists() else None)
            self._policy_config.type_threshold = self.settings.type_threshold
        return self._policy_config

    @property
    def chat_model(self) -> Any:
        """The optional LLM (BACKOFFICE_LLM_*), built once; None when not configured."""
        if self._chat_model is False:
            from extractors.llm import chat_model_from_env

            self._chat_model = chat_model_from_env() if self.settings.llm_provider else None
        return self._chat_model

    @property
    def search(self) -> Any:
        if self._search is None and self.settings.search_enabled:
            self._search = shared_search_index(self.settings)
        return self._search

    # ------------------------------------------------------------------ entry points
    def process_path(self, path: Path, actor: str = "system") -> dict[str, Any]:
        """Process one file from disk. Huge files are hashed and kept without loading."""
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            return self._unreadable(path.name, f"cannot read file: {exc.strerror or exc}")
        if size > self.settings.max_bytes:
            return self._too_large(path, size, actor)
        try:
            data = path.read_bytes()
        except OSError as exc:
            return self._unreadable(path.name, f"cannot read file: {exc.strerror or exc}")
        return self.process_bytes(path.name, data, actor=actor)

    def process_bytes(
        self,
        filename: str,
        data: bytes,
        parent_id: str | None = None,
        actor: str = "system",
        reprocess: bool = False,
    ) -> dict[str, Any]:
        """Process one file's bytes; idempotent on the content hash."""
        sha = hashlib.sha256(data).hexdigest()
        with session_scope(self.sessions) as s:
            existing = s.scalar(select(Document).where(Document.sha256 == sha))
            if existing is not None and not reprocess and existing.status in FINAL_STATES:
                if existing.result:
                    return {**existing.result, "file": filename}
            self.blobs.put(data, sha)
            if existing is None:
                doc_row = Document(
                    id=new_id("doc"),
                    sha256=sha,
                    filename=filename,
                    size=len(data),
                    parent_id=parent_id,
                    status="processing",
                )
                parent = s.get(Document, parent_id) if parent_id else None
                stamp_intake(s, doc_row, actor, parent)
                s.add(doc_row)
                s.add(StatusEvent(document_id=doc_row.id, status="received", actor=actor))
                audit(s, actor, "document.create", "document", doc_row.id, None,
                      {"filename": filename, "sha256": sha})
            else:
                doc_row = existing
                doc_row.status = "processing"
            document_id = doc_row.id
        return self._run(document_id, filename, sha, data, actor)

    # ------------------------------------------------------------------ the steps
    def _run(
        self, document_id: str, filename: str, sha: str, data: bytes, actor: str
    ) -> dict[str, Any]:
        timings: dict[str, int] = {}
        result: dict[str, Any] = {
            "file": filename,
            "sha256": sha,
            "document_id": document_id,
            "status": "failed",
            "error": None,
            "doc_type": "other",
            "subtype": None,
            "type_confidence": 0.0,
            "pages": 0,
            "ocr_pages": 0,
            "fields": {},
            "review": {"needed": True, "reasons": []},
            "violations": [],
            "timings_ms": timings,
        }
        doc: IngestedDocument | None = None
        try:
            import ingest

            t = time.perf_counter()
            doc = ingest.read_bytes(filename, data, self.ingest_options())
            read_total = _ms(t)
            timings["ocr"] = int(doc.timings_ms.get("ocr", 0))
            timings["read"] = int(doc.timings_ms.get("read", max(0, read_total - timings["ocr"])))
            result["pages"] = len(doc.pages)
            result["ocr_pages"] = doc.ocr_pages

            t = time.perf_counter()
            cls = self._classify(doc)
            timings["classify"] = _ms(t)
            result.update(
                doc_type=cls.doc_type,
                subtype=cls.subtype,
                type_confidence=round(float(cls.type_confidence), 4),
                type_reasons=list(cls.reasons),
                model_version=cls.model_version,
            )

            t = time.perf_counter()
            fields, clauses = self._extract(doc, cls)
            timings["extract"] = _ms(t)
            result["fields"] = {k: f.to_json() for k, f in fields.items()}

            t = time.perf_counter()
            with session_scope(self.sessions) as s:
                violations, review = self._judge(s, document_id, cls, fields)
            timings["policies"] = _ms(t)
            result["violations"] = [v.to_json() for v in violations]
            result["review"] = review.to_json()
            result["status"] = "needs_review" if review.needed else "auto_approved"

            t = time.perf_counter()
            self._store(document_id, doc, cls, fields, clauses, violations, review, result, actor)
            timings["store"] = _ms(t)
            if cls.doc_type == "contract":
                t = time.perf_counter()
                self.reindex_document(document_id)
                timings["index"] = _ms(t)
                with session_scope(self.sessions) as s:
                    row = s.get(Document, document_id)
                    if row is not None:
                        row.timings_ms = dict(timings)
                        row.result = dict(result)
        except IngestError as exc:
            result["error"] = exc.to_json()
            result["review"] = {"needed": False, "reasons": []}
            self._store_failure(document_id, result, actor)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop a batch
            log.error("processing %s failed:\n%s", filename, traceback.format_exc())
            result["status"] = "failed"
            result["error"] = {
                "code": StageError.code,
                "message": f"{type(exc).__name__}: {exc}"[:500],
            }
            result["review"] = {"needed": False, "reasons": []}
            self._store_failure(document_id, result, actor)

        if doc is not None and doc.attachments:
            children = []
            for att in doc.attachments:
                child = self.process_bytes(att.filename, att.data, parent_id=document_id,
                                           actor=actor)
                children.append({"file": child["file"], "document_id": child["document_id"],
                                 "status": child["status"], "doc_type": child["doc_type"]})
            result["attachments"] = children
            with session_scope(self.sessions) as s:
                row = s.get(Document, document_id)
                if row is not None:
                    row.result = dict(result)
        return result

    def _classify(self, doc: IngestedDocument) -> Classification:
        from classifiers import classify

        return classify(doc, threshold=self.settings.type_threshold)

    def _extract(
        self, doc: IngestedDocument, cls: Classification
    ) -> tuple[Fields, list[Clause]]:
        from extractors import extract, extract_clauses

        hints = None
        fields = extract(doc, cls)
        if cls.doc_type in ("invoice", "receipt"):
            hints = self._vendor_hints(fields)
            if hints is not None:
                fields = extract(doc, cls, hints=hints)
            if self.chat_model is not None:
                from extractors.llm import llm_fill

                fields = {**fields, **llm_fill(doc, fields, self.chat_model)}
        if "ssn" in fields:
            fields["ssn"] = _mask_ssn_field(fields["ssn"])
        clauses: list[Clause] = []
        if cls.doc_type == "contract":
            clauses = extract_clauses(doc)
        return fields, clauses

    def _vendor_hints(self, fields: Fields) -> Any:
        from policies import vendor_keys

        with session_scope(self.sessions) as s:
            for key in vendor_keys(fields):  # tax id first, then the name
                vendor = resolve_vendor(s, key)
                if vendor is not None and vendor.hints:
                    from extractors.invoice import VendorHints

                    return VendorHints.from_json(vendor.hints)
        return None

    def _judge(
        self, s: Session, document_id: str, cls: Classification, fields: Fields
    ) -> tuple[list[Violation], Review]:
        import policies

        ctx = DbPolicyContext(s, window_days=self.policy_config.duplicate_window_days)
        violations = policies.evaluate(
            cls.doc_type, cls.subtype, fields, ctx, self.policy_config, document_id=document_id
        )
        review = policies.route(
            cls.doc_type, cls.type_confidence, cls.abstained, fields, violations,
            self.policy_config,
        )
        return violations, review

    # ------------------------------------------------------------------ persistence
    def _store(
        self,
        document_id: str,
        doc: IngestedDocument,
        cls: Classification,
        fields: Fields,
        clauses: list[Clause],
        violations: list[Violation],
        review: Review,
        result: dict[str, Any],
        actor: str,
    ) -> None:
        with session_scope(self.sessions) as s:
            row = s.get(Document, document_id)
            assert row is not None
            for model in (PageRow, FieldRow, ViolationRow, ClauseRow):
                s.execute(delete(model).where(model.document_id == document_id))
            s.execute(
                delete(ReviewTask).where(
                    ReviewTask.document_id == document_id, ReviewTask.status == "open"
                )
            )
            row.media_type = doc.media_type
            row.status = result["status"]
            row.error_code = row.error_message = None
            row.doc_type = cls.doc_type
            row.subtype = cls.subtype
            row.type_confidence = float(cls.type_confidence)
            row.type_reasons = list(cls.reasons)
            row.model_version = cls.model_version
            row.pages = len(doc.pages)
            row.ocr_pages = doc.ocr_pages
            row.review_needed = review.needed
            row.review_reasons = list(review.reasons)
            row.timings_ms = dict(result["timings_ms"])
            row.result = dict(result)
            for p in doc.pages:
                s.add(
                    PageRow(
                        document_id=document_id,
                        number=p.number,
                        width=p.width,
                        height=p.height,
                        text=p.text,
                        words=[[w.text, *[round(c, 1) for c in w.bbox], round(w.conf, 3)]
                               for w in p.words],
                        ocr=p.ocr,
                        ocr_engine=p.ocr_engine,
                        ocr_confidence=p.ocr_confidence,
                    )
                )
            for name, f in fields.items():
                j = f.to_json()
                s.add(FieldRow(document_id=document_id, name=name, value=j["value"],
                               normalized=j["normalized"], confidence=j["confidence"],
                               page=j["page"], bbox=j["bbox"], source=j["source"]))
            for v in violations:
                s.add(ViolationRow(document_id=document_id, rule=v.rule, severity=v.severity,
                                   message=v.message, policy_version=v.policy_version,
                                   evidence=_jsonable(v.evidence)))
            for c in clauses:
                s.add(ClauseRow(document_id=document_id, index=c.index, heading=c.heading,
                                text=c.text, page=c.page, start=c.start, end=c.end,
                                labels=c.labels))
            low = [r for r in review.reasons if not r.startswith("violation:")]
            if low:
                s.add(ReviewTask(document_id=document_id, queue="review", reasons=low,
                                 doc_type=cls.doc_type))
            if violations:
                s.add(ReviewTask(document_id=document_id, queue="exception",
                                 reasons=[f"violation:{v.rule}" for v in violations],
                                 doc_type=cls.doc_type))
            if cls.doc_type in ("invoice", "receipt"):
                self._ledger(s, document_id, cls.doc_type, fields, result["status"], actor)
            s.add(StatusEvent(document_id=document_id, status=result["status"], actor=actor))
            audit(s, actor, "document.processed", "document", document_id, None,
                  {"status": result["status"], "doc_type": cls.doc_type,
                   "fields": sorted(fields)})

    def _ledger(
        self, s: Session, document_id: str, doc_type: str, fields: Fields, status: str,
        actor: str,
    ) -> None:
        """The document's AP ledger entry; an auto-approved invoice of a new vendor adds the
        vendor to the vendor master the same way a human approval does."""
        from policies import vendor_key
        from records.ledger import ensure_vendor

        def norm(name: str) -> Any:
            f = fields.get(name)
            return None if f is None else f.normalized

        vendor = resolve_vendor(s, vendor_key(fields))
        key = vendor.key if vendor is not None else vendor_key(fields)
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == document_id))
        if entry is None:
            entry = LedgerEntry(document_id=document_id)
            s.add(entry)
        entry.vendor_id = vendor.id if vendor else None
        entry.vendor_key = key
        entry.vendor_name = norm("vendor_name")
        entry.doc_type = doc_type
        entry.invoice_number = norm("invoice_number")
        entry.invoice_date = norm("invoice_date")
        entry.due_date = norm("due_date")
        entry.po_number = norm("po_number")
        entry.currency = norm("currency")
        entry.subtotal = norm("subtotal")
        entry.tax_amount = norm("tax_amount")
        entry.total_amount = norm("total_amount")
        entry.iban = norm("iban")
        entry.status = "approved" if status == "auto_approved" else "pending_review"
        if vendor is None and key and status == "auto_approved":
            s.flush()  # ensure_vendor reads the document's stored fields
            ensure_vendor(s, entry, actor)

    def reindex_document(self, document_id: str) -> None:
        """Index one document's search entries from what the database holds (pages, fields,
        stored clauses): the same path after processing, a correction, or a batch worker;
        entries are dropped when it is no longer a live contract."""
        try:
            index = self.search
            if index is None:
                return
            from search.rebuild import document_inputs

            with session_scope(self.sessions) as s:
                row = s.get(Document, document_id)
                if row is None:
                    return
                live = row.deleted_at is None and row.doc_type == "contract"
                if live:
                    doc, meta, clauses = document_inputs(s, document_id)
            if live:
                index.index_document(document_id, doc, meta, clauses)
            else:
                index.delete_document(document_id)
        except Exception:  # noqa: BLE001 - the index is secondary; `search --reindex` rebuilds
            log.warning("search indexing of %s failed:\n%s", document_id,
                        traceback.format_exc())

    def _store_failure(self, document_id: str, result: dict[str, Any], actor: str) -> None:
        with session_scope(self.sessions) as s:
            row = s.get(Document, document_id)
            if row is None:
                return
            row.status = "failed"
            row.error_code = result["error"]["code"]
            row.error_message = result["error"]["message"]
            row.pages = result["pages"]
            row.ocr_pages = result["ocr_pages"]
            row.timings_ms = dict(result["timings_ms"])
            row.result = dict(result)
            s.add(StatusEvent(document_id=document_id, status="failed", actor=actor,
                              note=result["error"]["code"]))
            audit(s, actor, "document.failed", "document", document_id, None, result["error"])

    def _too_large(self, path: Path, size: int, actor: str) -> dict[str, Any]:
        """Keep the original without holding it in memory, and record the refusal."""
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        sha = h.hexdigest()
        dest = self.blobs.path_for(sha)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".tmp-{sha}")
            shutil.copyfile(path, tmp)
            tmp.replace(dest)
        err = TooLarge(
            f"file is {size:,} bytes; the limit is {self.settings.max_bytes:,} bytes "
            "(BACKOFFICE_MAX_BYTES)"
        )
        with session_scope(self.sessions) as s:
            row = s.scalar(select(Document).where(Document.sha256 == sha))
            if row is not None and row.result:
                return {**row.result, "file": path.name}
            if row is None:
                row = Document(id=new_id("doc"), sha256=sha, filename=path.name, size=size,
                               status="processing")
                stamp_intake(s, row, actor)
                s.add(row)
            document_id = row.id
        result = {
            "file": path.name, "sha256": sha, "document_id": document_id, "status": "failed",
            "error": err.to_json(), "doc_type": "other", "subtype": None,
            "type_confidence": 0.0, "pages": 0, "ocr_pages": 0, "fields": {},
            "review": {"needed": False, "reasons": []}, "violations": [], "timings_ms": {},
        }
        self._store_failure(document_id, result, actor)
        return result

    @staticmethod
    def _unreadable(filename: str, message: str) -> dict[str, Any]:
        """A path that could not be read at all: nothing to keep, nothing stored."""
        return {
            "file": filename, "sha256": None, "document_id": None, "status": "failed",
            "error": {"code": "unreadable_file", "message": message}, "doc_type": "other",
            "subtype": None, "type_confidence": 0.0, "pages": 0, "ocr_pages": 0, "fields": {},
            "review": {"needed": False, "reasons": []}, "violations": [], "timings_ms": {},
        }


_SEARCH_LOCK = threading.Lock()
_SEARCH_INDEXES: dict[tuple[str, str | None], Any] = {}


def shared_search_index(settings: Settings) -> Any:
    """One `SearchIndex` per data dir and process: the web server's worker threads share it
    (and its write lock) instead of opening several embedded Chroma clients on one path."""
    key = (str(settings.data_dir), settings.chroma_url)
    with _SEARCH_LOCK:
        index = _SEARCH_INDEXES.get(key)
        if index is None:
            from search import SearchIndex

            index = SearchIndex(settings.data_dir, settings.chroma_url)
            _SEARCH_INDEXES[key] = index
        return index


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


# ---------------------------------------------------------------------- batches
_worker: Pipeline | None = None


def _init_worker(data_dir: str) -> None:
    global _worker
    settings = Settings.from_env(data_dir)
    # chromadb's embedded PersistentClient must have one writer process: concurrent writers
    # corrupt its index. Workers leave indexing to the parent (`process_many`).
    settings.search_enabled = False
    _worker = Pipeline(settings)
    _worker.ocr_workers = 1  # the pool already uses every core


def _work(path: str) -> dict[str, Any]:
    assert _worker is not None
    try:
        return _worker.process_path(Path(path))
    except Exception as exc:  # noqa: BLE001
        return Pipeline._unreadable(Path(path).name, f"{type(exc).__name__}: {exc}")


def process_many(
    paths: list[Path],
    settings: Settings,
    workers: int = 1,
    on_done: Callable[[dict[str, Any]], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Results in input order; with workers > 1 documents run in a process pool."""
    if workers <= 1 or len(paths) <= 1:
        pipe = Pipeline(settings)
        for p in paths:
            r = pipe.process_path(p)
            if on_done:
                on_done(r)
            yield r
        return
    # Migrate once before workers start so they do not race on the schema.
    settings.ensure_dirs()
    init_db(settings.database_url)
    from concurrent.futures import ProcessPoolExecutor

    indexer = Pipeline(settings) if settings.search_enabled else None
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(str(settings.data_dir),)
    ) as pool:
        futures = [pool.submit(_work, str(p)) for p in paths]
        for fut in futures:
            r = fut.result()
            if indexer is not None and r.get("doc_type") == "contract" and r.get("document_id"):
                t = time.perf_counter()
                indexer.reindex_document(r["document_id"])
                r["timings_ms"]["index"] = _ms(t)
            if on_done:
                on_done(r)
            yield r

