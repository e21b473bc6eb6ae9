"""Processing: the ordered stage list of a document's first life, in one place.

    received  original kept (sha256, atomic), document row created    `process_bytes`
    read      pages, words, boxes (ingest; OCR where needed)            `_run`
    classify  doc_type, subtype, calibrated confidence                  `_classify`
    redact    national ids masked in text, words, metadata              `ingest.redact`
    extract   fields with page, box, confidence; clauses; opt. LLM      `_extract`
    store     pages, fields, clauses                                    `_store`
    judge     policies on the stored fields -> findings, queues, status  `workflow.judge`
    books     ledger entry and vendor master follow the status          `workflow.books`
    employee  an HR document joins (or starts) its employee's record    `workflow.employees`
    index     contracts into search (a recorded stage)                  `reindex_document`
    attachments, each processed the same way as a child document

Queued work runs under the document's processing lease (`process_leased`,
`workflow.work_lease`); a finished document processed again only completes the stages its
last run did not reach (`complete_stages`).

Data flows one way through the packages (ingest, classifiers, extractors, policies);
this module only orders the steps and owns the transaction boundaries, so a crash in
any step leaves the original and a `failed` record, never a half-written one. The
result is a `workflow.result.ProcessResult`, serialised once.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select

from classifiers.types import Classification
from extractors.types import Clause, Field, Fields
from ingest.children import die_with_parent
from ingest.errors import IngestError, TooComplex, TooLarge
from ingest.redact import mask_ids, mask_value, redact_document
from ingest.types import IngestedDocument
from policies.types import Review, Violation
from records.audit import audit
from records.blobs import open_blobs
from records.channels import HR as HR_CHANNEL
from records.channels import channel_for, stamp_intake
from records.db import init_db, session_scope
from records.faults import (
    DATABASE_BUSY,
    DISK_FULL,
    disk_full_message,
    is_database_busy,
    is_disk_full,
)
from records.filenames import clean_filename
from records.ids import new_id
from records.models import (
    ClauseRow,
    Document,
    DocumentRead,
    FieldRow,
    PageRow,
    ReviewTask,
    StatusEvent,
    ViolationRow,
)
from records.rows import field_rows, fields_from_rows
from records.sealing import load_sealer
from records.vendors import resolve_vendor_keys
from workflow import books, controls, employees, events, judge, qa, warm, work_lease
from workflow.budget import Budget, ProcessingTimeout, deadline, limit_memory
from workflow.errors import Conflict
from workflow.intake import IntakeHint, apply_type_hint
from workflow.published import Follower
from workflow.result import AttachmentResult, Failure, ProcessResult
from workflow.settings import Settings
from workflow.states import FINAL_STATES, DocumentStatus

log = logging.getLogger(__name__)

UNREADABLE = "unreadable_file"
FAILURE_RECORD_WAITS_S = (0.5, 2.0, 8.0)
ALREADY_BOOKED = "already_booked"  # review reason: the same invoice is approved already
# review reason: a dynamic (XFA) PDF form keeps its values where they cannot be read here;
# a person enters them from the form
XFA_FORM = "xfa_form_values_unread"


@dataclass(frozen=True, slots=True)
class Judged:
    """What judging a freshly stored document gave."""

    violations: list[Violation]
    review: Review
    status: DocumentStatus
    ms: int  # time spent in the policies and filing


# Failures of the moment, not of the file: the same file sent again is processed again
# (a corrupt or encrypted file would fail the same way, so its stored result is returned).
RETRYABLE_FAILURES = frozenset({
    "internal_error", DISK_FULL, "ocr_timeout", "ocr_unavailable", "ocr_failed",
    "database_busy", "processing_timeout", "unreadable_file",
})


class StageError(Exception):
    """An unexpected failure inside a stage; the document ends `failed`, the batch goes on."""

    code = "internal_error"


def _ms(start: float) -> int:
    return int(round((time.perf_counter() - start) * 1000))


def _mask_field(f: Field, strict: bool) -> Field:
    """Defence in depth: whatever an extractor (or the LLM) returned, no id leaves in clear."""
    return Field(mask_value(f.value, strict), mask_value(f.normalized, strict), f.confidence,
                 f.page, f.bbox, f.source)


_BOX, _CONF, _TEXT = attrgetter("bbox"), attrgetter("conf"), attrgetter("text")


def _rounded(values: Any, digits: int) -> list[Any]:
    """`[round(v, digits) for v in values]` as floats, for a whole array at once: scaling
    and rounding to even agree with Python's `round` except where the scaled value is an
    exact tie (0.05 is a little above 0.05, 0.05 * 10 is 0.5), which Python rounds itself."""
    scale = 10.0 ** digits
    scaled = values * scale
    whole = np.rint(scaled)
    out = whole / scale
    for i in zip(*np.nonzero(np.abs(scaled - whole) == 0.5), strict=True):
        out[i] = round(float(values[i]), digits)
    return out.tolist()


def _word_rows(words: list[Any]) -> list[list[Any]]:
    """A page's words as stored: [text, x0, y0, x1, y1, conf], boxes to 0.1 pt, rounded
    as whole columns (1.5 -> 0.6 CPU-ms a page of a TRAIN contract)."""
    if not words:
        return []
    boxes = _rounded(np.array(list(map(_BOX, words)), dtype=np.float64).T, 1)
    confs = _rounded(np.fromiter(map(_CONF, words), dtype=np.float64, count=len(words)), 3)
    return list(map(list, zip(map(_TEXT, words), *boxes, confs, strict=True)))


def _insert_all(session: Any, model: type, rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` into `model`'s table in one executemany (an ORM bulk insert: the rows
    get the columns' defaults, no objects are kept and no ids are read back)."""
    if rows:
        session.execute(insert(model), rows)


class Pipeline:
    """One per process: holds the session factory, the blob store and lazy indexes."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.settings.ensure_dirs()
        self.sessions = init_db(self.settings.database_url)
        stored = open_blobs(self.settings.data_dir, load_sealer(self.settings.data_dir),
                            self.settings.blob_url)
        self.blobs = stored.originals  # the data dir's originals/, or BACKOFFICE_BLOB_URL
        self._search: Any = None
        # policies.toml and retrained models as published for every node (or this node's own)
        self.published = Follower(self.settings, self.sessions)
        self._chat_model: Any = False  # False: not built yet
        self.ocr_workers: int | None = None  # None: ingest decides (one per core)
        self.budget = Budget(self.settings.doc_timeout_s, self.settings.doc_memory_mb)

    # ------------------------------------------------------------------ helpers
    def ingest_options(self) -> Any:
        from ingest import IngestOptions

        opts = IngestOptions(
            max_bytes=self.settings.max_bytes,
            max_pages=self.settings.max_pages,
            ocr_engine=self.settings.ocr_engine,
            ocr_timeout_s=self.settings.ocr_timeout_s,
            ocr_second_reading=self.settings.ocr_second_reading,
            # the per-document memory budget holds in the PDF reader processes too
            reader_memory_mb=self.settings.doc_memory_mb,
        )
        if self.ocr_workers is not None:
            opts.ocr_workers = self.ocr_workers
        return opts

    @property
    def policy_config(self) -> Any:
        """The current published policies (checked every BACKOFFICE_PUBLISHED_CHECK s), else
        the data dir's policies.toml, else the defaults."""
        return self.published.policy_config

    @property
    def chat_model(self) -> Any:
        """The optional LLM (BACKOFFICE_LLM_*), built once; None when not configured."""
        if self._chat_model is False:
            self._chat_model = None
            if self.settings.llm_provider:
                # lazy: extractors.llm pulls in pydantic (0.1-0.3 s) that runs without an LLM skip
                from extractors.llm import chat_model_from_env

                self._chat_model = chat_model_from_env()
        return self._chat_model

    @property
    def search(self) -> Any:
        if self._search is None and self.settings.search_enabled:
            self._search = shared_search_index(self.settings)
        return self._search

    # ------------------------------------------------------------------ entry points
    def process_path(self, path: Path, actor: str = "system",
                     hint: IntakeHint | None = None) -> dict[str, Any]:
        """Process one file from disk. Huge files are hashed and kept without loading."""
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            return self._unreadable(path.name, f"cannot read file: {exc.strerror or exc}")
        if size > self.settings.max_bytes:
            try:
                return self._too_large(path, size, actor)
            except Exception as exc:
                if is_disk_full(exc):
                    return self._disk_full(path.name, None, exc)
                raise
        try:
            data = path.read_bytes()
        except OSError as exc:
            return self._unreadable(path.name, f"cannot read file: {exc.strerror or exc}")
        return self.process_bytes(path.name, data, actor=actor, hint=hint)

    def process_bytes(
        self,
        filename: str,
        data: bytes,
        parent_id: str | None = None,
        actor: str = "system",
        reprocess: bool = False,
        hint: IntakeHint | None = None,
    ) -> dict[str, Any]:
        """Process one file's bytes; idempotent on the content hash."""
        filename = self._stored_name(filename, actor, parent_id, hint.channel if hint else None)
        sha = hashlib.sha256(data).hexdigest()
        try:
            document_id = self._receive(filename, data, sha, parent_id, actor, reprocess,
                                        hint.channel if hint else None)
        except Exception as exc:
            if is_disk_full(exc):  # neither the original nor its row could be stored
                return self._disk_full(filename, sha, exc)
            raise
        if isinstance(document_id, dict):  # finished before: complete what is missing
            if document_id.get("document_id"):
                self.complete_stages(str(document_id["document_id"]))
            return {**document_id, "file": filename}
        return self._run(document_id, filename, sha, data, actor, hint)

    def _stored_name(self, filename: str, actor: str, parent_id: str | None = None,
                     channel: str | None = None) -> str:
        """The file name as stored and reported: cleaned, national ids masked (strictly for
        an HR upload or an HR way in: `w4-123456789.pdf`)."""
        with session_scope(self.sessions) as s:
            parent = s.get(Document, parent_id) if parent_id else None
            strict = (channel == HR_CHANNEL or channel_for(s, actor) == HR_CHANNEL
                      or (parent is not None and parent.restricted_to == HR_CHANNEL))
        return mask_ids(clean_filename(filename), strict)

    def _receive(self, filename: str, data: bytes, sha: str, parent_id: str | None,
                 actor: str, reprocess: bool, channel: str | None = None) -> str | dict[str, Any]:
        """Keep the original and its row; the finished result when there is one already."""
        with session_scope(self.sessions) as s:
            existing = s.scalar(select(Document).where(Document.sha256 == sha))
            if existing is not None and not reprocess and existing.status in FINAL_STATES \
                    and not (existing.status == DocumentStatus.FAILED
                             and existing.error_code in RETRYABLE_FAILURES):
                if existing.result:
                    return dict(existing.result)
            self.blobs.put(data, sha)
            if existing is None:
                doc_row = Document(
                    id=new_id("doc"),
                    sha256=sha,
                    filename=filename,
                    size=len(data),
                    parent_id=parent_id,
                    status=DocumentStatus.PROCESSING,
                )
                parent = s.get(Document, parent_id) if parent_id else None
                stamp_intake(s, doc_row, actor, parent, channel=channel)
                s.add(doc_row)
                s.add(StatusEvent(document_id=doc_row.id, status="received", actor=actor))
                audit(s, actor, "document.create", "document", doc_row.id, None,
                      {"filename": filename, "sha256": sha})
            else:
                doc_row = existing
                doc_row.restricted_to = doc_row.restricted_to or channel  # only ever tightened
                doc_row.status = DocumentStatus.PROCESSING
            return doc_row.id

    # ------------------------------------------------------------------ the steps
    def _run(
        self, document_id: str, filename: str, sha: str, data: bytes, actor: str,
        hint: IntakeHint | None = None,
    ) -> dict[str, Any]:
        """The stages in order (the module's table); any failure ends the document `failed` with the
        reason, and the batch goes on."""
        result = ProcessResult(file=filename, sha256=sha, document_id=document_id)
        timings = result.timings_ms
        doc: IngestedDocument | None = None
        try:
            self._follow_published()
            # read .. extract under the wall-time budget (workflow.budget); storing and
            # judging what they gave is bounded by the limits the reading enforces
            with deadline(self.budget.seconds):
                import ingest

                t = time.perf_counter()  # read
                doc = ingest.read_bytes(filename, data, self.ingest_options())
                read_total = _ms(t)
                timings["ocr"] = int(doc.timings_ms.get("ocr", 0))
                timings["read"] = int(doc.timings_ms.get("read",
                                                         max(0, read_total - timings["ocr"])))
                result.pages, result.ocr_pages = len(doc.pages), doc.ocr_pages
                self._record_read(document_id, doc)

                t = time.perf_counter()  # classify
                cls = apply_type_hint(self._classify(doc), hint)
                timings["classify"] = _ms(t)
                result.doc_type, result.subtype = cls.doc_type, cls.subtype
                result.type_confidence = float(cls.type_confidence)
                result.type_reasons, result.model_version = list(cls.reasons), cls.model_version

                # redact: national ids masked before anything is extracted, stored or indexed
                redact_document(doc, strict=self._strict_redaction(document_id, cls))

                t = time.perf_counter()  # extract
                fields, clauses = self._extract(doc, cls)
                timings["extract"] = _ms(t)
            result.fields = dict(fields)

            t = time.perf_counter()  # store, judge, books
            judged = self._store(document_id, doc, cls, fields, clauses, result, actor)
            timings["store"] = max(0, _ms(t) - judged.ms)
            timings["policies"] = judged.ms
            result.violations, result.review = judged.violations, judged.review
            result.status = judged.status
            if cls.doc_type == "contract":  # index
                t = time.perf_counter()
                self._index(document_id)
                timings["index"] = _ms(t)
            self._save_result(document_id, result)
        except work_lease.LeaseLost as exc:  # another worker took the document over
            log.error("%s", exc)
            result.fail(Failure(exc.code, str(exc)))
            return result.to_json()
        except IngestError as exc:
            result.fail(Failure(exc.code, exc.message))
            self._store_failure(document_id, result, actor)
        except ProcessingTimeout:
            log.warning("processing %s: over its %g s budget", filename, self.budget.seconds)
            result.fail(Failure(ProcessingTimeout.code, self.budget.timeout_message()))
            self._store_failure(document_id, result, actor)
        except MemoryError:
            log.warning("processing %s: over its %d MB memory budget", filename,
                        self.budget.memory_mb)
            result.fail(Failure(TooComplex.code, self.budget.memory_message()))
            self._store_failure(document_id, result, actor)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop a batch
            if is_disk_full(exc):
                log.error("processing %s: disk full: %s", filename, exc)
                result.fail(Failure(DISK_FULL, disk_full_message(exc)))
            else:
                log.error("processing %s failed:\n%s", filename, traceback.format_exc())
                code = DATABASE_BUSY if is_database_busy(exc) else StageError.code
                result.fail(Failure(code, f"{type(exc).__name__}: {exc}"[:500]))
            try:
                self._store_failure(document_id, result, actor)
            except Exception as again:
                if not is_disk_full(again):
                    raise
                # Not even the failure fits: the row stays `processing` and is picked up
                # again by the next start (`requeue_unfinished`) once there is room.
                log.error("could not record the failure of %s: disk full", filename)

        if doc is not None and doc.attachments:  # attachments
            result.attachments = []
            for att in doc.attachments:
                child = self.process_bytes(att.filename, att.data, parent_id=document_id,
                                           actor=actor)
                result.attachments.append(AttachmentResult(
                    child["file"], child["document_id"], child["status"], child["doc_type"]))
            try:
                self._save_result(document_id, result)
            except work_lease.LeaseLost as exc:
                log.error("%s", exc)
        return result.to_json()

    def _follow_published(self) -> None:
        """A newer published policy or model, before reading: a failed check keeps the
        versions in use (the next document checks again) instead of failing this one."""
        try:
            self.published.refresh()
        except Exception:  # noqa: BLE001 - logged; the document goes on with what is loaded
            log.warning("could not check the published policies and models", exc_info=True)

    def _record_read(self, document_id: str, doc: IngestedDocument) -> None:
        """Every reading of an original is recorded at once (OCR runs per document)."""
        with session_scope(self.sessions) as s:
            s.add(DocumentRead(document_id=document_id, owner=work_lease.current_owner(),
                               pages=len(doc.pages), ocr_pages=doc.ocr_pages))

    def _index(self, document_id: str) -> None:
        """Index a contract and record it (`work_lease.Stage.INDEXED`); a failure or a process
        without search leaves the stage missing for the next run to complete."""
        if self.reindex_document(document_id):
            with session_scope(self.sessions) as s:
                work_lease.mark(s, document_id, work_lease.Stage.INDEXED)

    def complete_stages(self, document_id: str) -> None:
        """A finished document whose run stopped after storing (a worker killed, a redelivered
        task): do the stages still missing, i.e. index a live contract not indexed yet."""
        with session_scope(self.sessions) as s:
            row = s.get(Document, document_id)
            missing = (row is not None and row.deleted_at is None and row.doc_type == "contract"
                       and row.status in FINAL_STATES and row.status != DocumentStatus.FAILED
                       and work_lease.Stage.INDEXED not in work_lease.done(s, document_id))
        if missing and self.search is not None:
            log.info("%s: completing the search indexing a previous run did not finish",
                     document_id)
            self._index(document_id)

    def process_leased(self, document_id: str, actor: str = "system") -> dict[str, Any] | None:
        """`process_stored` under the document's processing lease (`workflow.work_lease`):
        None, and nothing done, while another worker holds a live lease on it."""
        owner, ttl = work_lease.new_owner(), self.settings.lease_ttl_s
        if not work_lease.acquire(self.sessions, document_id, owner, ttl):
            log.info("%s: another worker holds its lease; left alone", document_id)
            return None
        with work_lease.held(self.sessions, document_id, owner, ttl):
            lost = work_lease.lost_runs(self.sessions, document_id)
            if lost >= work_lease.MAX_LOST_RUNS:
                return self._fail_lost(document_id, lost, actor)
            return self.process_stored(document_id, actor)

    def _fail_lost(self, document_id: str, lost: int, actor: str) -> dict[str, Any]:
        """A document whose worker died under it `lost` times is not tried again: recorded
        failed (original kept), so a poison file cannot take workers down for ever."""
        with session_scope(self.sessions) as s:
            row = s.get(Document, document_id)
            filename, sha = (row.filename, row.sha256) if row is not None else (document_id, None)
        log.error("%s: its worker died %d times processing it; not tried again",
                  document_id, lost)
        result = ProcessResult(file=filename, sha256=sha, document_id=document_id)
        result.fail(Failure(work_lease.WORKER_LOST,
                            f"the worker processing this document died {lost} times (out of "
                            "memory or killed); it is not tried again. Check the file, or "
                            "raise BACKOFFICE_DOC_MEMORY_MB and reprocess it"))
        self._record_failure_retrying(document_id, result, actor)
        return result.to_json()

    def _strict_redaction(self, document_id: str, cls: Classification) -> bool:
        """HR documents, and anything that came in through HR, get the strict masking."""
        if cls.doc_type == "hr":
            return True
        with session_scope(self.sessions) as s:
            row = s.get(Document, document_id)
            return row is not None and row.restricted_to == HR_CHANNEL

    def process_stored(self, document_id: str, actor: str = "system") -> dict[str, Any]:
        """Process a document that intake already recorded, from its kept original. Whatever
        goes wrong, even outside the stages (the database busy past its pool timeout, the
        original unreadable), ends the document `failed` with a code, never `processing`."""
        filename, sha = document_id, None
        try:
            with session_scope(self.sessions) as s:
                row = s.get(Document, document_id)
                if row is None:
                    raise LookupError(f"no document {document_id}")
                filename, sha = row.filename, row.sha256
            return self.process_bytes(filename, self.blobs.get(sha), actor=actor)
        except Exception as exc:  # noqa: BLE001 - recorded on the document below
            code = DATABASE_BUSY if is_database_busy(exc) else StageError.code
            log.error("processing %s failed outside its stages:\n%s", document_id,
                      traceback.format_exc())
            result = ProcessResult(file=filename, sha256=sha, document_id=document_id)
            result.fail(Failure(code, f"{type(exc).__name__}: {exc}"[:500]))
            self._record_failure_retrying(document_id, result, actor)
            return result.to_json()

    def _record_failure_retrying(self, document_id: str, result: ProcessResult,
                                 actor: str) -> None:
        """The failure is stored even when the database was the trouble: a few tries with
        growing waits; should all fail, the next start queues the document again."""
        for wait_s in FAILURE_RECORD_WAITS_S:
            try:
                self._store_failure(document_id, result, actor)
                return
            except Exception:  # noqa: BLE001 - tried again, then logged
                time.sleep(wait_s)
        log.error("could not record the failure of %s; it is queued again on the next start",
                  document_id)

    def _save_result(self, document_id: str, result: ProcessResult) -> None:
        with session_scope(self.sessions) as s:
            work_lease.fence(s, document_id)
            row = s.get(Document, document_id)
            if row is not None:
                row.timings_ms = dict(result.timings_ms)
                row.result = result.to_json()

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
        strict = cls.doc_type == "hr"
        fields = {name: _mask_field(f, strict) for name, f in fields.items()}
        clauses: list[Clause] = []
        if cls.doc_type == "contract":
            clauses = extract_clauses(doc)
        return fields, clauses

    def _vendor_hints(self, fields: Fields) -> Any:
        from policies import vendor_keys

        with session_scope(self.sessions) as s:
            vendor = resolve_vendor_keys(s, vendor_keys(fields))  # tax id, then the name
            if vendor is not None and vendor.hints:
                from extractors.invoice import VendorHints

                # the master found the vendor: all its hints apply, whichever of its
                # keys this document's reading gives
                return VendorHints.from_json(vendor.hints, resolved=True, name=vendor.name)
        return None

    # ------------------------------------------------------------------ persistence
    def _store(
        self,
        document_id: str,
        doc: IngestedDocument,
        cls: Classification,
        fields: Fields,
        clauses: list[Clause],
        result: ProcessResult,
        actor: str,
    ) -> Judged:
        """Store what was read and extracted, then judge it in the same transaction
        (`workflow.judge`, the path every later correction takes too) and file the ledger
        entry (`workflow.books`)."""
        with session_scope(self.sessions) as s:
            work_lease.fence(s, document_id)  # refused when this run lost its lease
            row = s.get(Document, document_id)
            assert row is not None
            row.versions = self.published.versions()
            for model in (PageRow, FieldRow, ViolationRow, ClauseRow):
                s.execute(delete(model).where(model.document_id == document_id))
            work_lease.forget(s, document_id)  # stages of an earlier run no longer hold
            work_lease.mark(s, document_id, work_lease.Stage.STORED)
            judge.close_tasks(s, document_id, actor, status="superseded")
            row.media_type = doc.media_type
            row.error_code = row.error_message = None
            row.doc_type = cls.doc_type
            row.subtype = cls.subtype
            row.type_confidence = float(cls.type_confidence)
            row.type_reasons = list(cls.reasons)
            row.model_version = cls.model_version
            row.pages = len(doc.pages)
            row.ocr_pages = doc.ocr_pages
            # one executemany per table: the ORM inserts row objects one statement at a
            # time (it fetches each new id back), 25 statements for a 2-page invoice
            _insert_all(s, PageRow, [
                {"document_id": document_id, "number": p.number, "width": p.width,
                 "height": p.height, "text": p.text,
                 "words": _word_rows(p.words),
                 "ocr": p.ocr, "ocr_engine": p.ocr_engine, "ocr_confidence": p.ocr_confidence,
                 "turned": p.turned}
                for p in doc.pages])
            field_values = []
            for name, f in fields.items():
                j = f.to_json()
                field_values.append({
                    "document_id": document_id, "name": name, "value": j["value"],
                    "normalized": j["normalized"], "confidence": j["confidence"],
                    "page": j["page"], "bbox": j["bbox"], "source": j["source"]})
            _insert_all(s, FieldRow, field_values)
            _insert_all(s, ClauseRow, [
                {"document_id": document_id, "index": c.index, "heading": c.heading,
                 "text": c.text, "page": c.page, "start": c.start, "end": c.end,
                 "labels": c.labels} for c in clauses])
            s.flush()
            t = time.perf_counter()
            violations, review = judge.evaluate(s, row, self.policy_config)
            if doc.metadata.get("xfa") and cls.doc_type == "hr":  # its values are unread
                review = Review(needed=True, reasons=[*review.reasons, XFA_FORM])
            reasons = judge.file_findings(s, row, violations, review, actor)
            blocking = [f"violation:{v.rule}" for v in controls.blocking_open(s, document_id)]
            if blocking and not reasons:  # a blocking finding always needs a person
                reasons = row.review_reasons = blocking
                row.review_needed = True
                review = Review(needed=True, reasons=list(reasons))
            status = DocumentStatus.NEEDS_REVIEW if reasons else DocumentStatus.AUTO_APPROVED
            row.status = status
            row.timings_ms = dict(result.timings_ms)
            try:
                books.file_entry(s, row, fields_from_rows(field_rows(s, document_id)), actor)
            except Conflict as exc:  # the same invoice is already booked
                status = row.status = DocumentStatus.NEEDS_REVIEW
                row.review_needed = True
                row.review_reasons = [*(row.review_reasons or []), ALREADY_BOOKED]
                review = Review(needed=True, reasons=list(row.review_reasons))
                s.add(ReviewTask(document_id=document_id, queue=judge.REVIEW_QUEUE,
                                 reasons=[ALREADY_BOOKED], doc_type=cls.doc_type))
                log.warning("%s: %s", document_id, exc)
                books.file_entry(s, row, fields_from_rows(field_rows(s, document_id)), actor)
            employees.follow(s, row, actor)  # an HR document joins its employee's file
            qa.sample_after_processing(s, row, self.policy_config, actor)  # random QA draw
            ms = _ms(t)
            result.status, result.violations, result.review = status, violations, review
            row.result = result.to_json()
            s.add(StatusEvent(document_id=document_id, status=status, actor=actor))
            events.status_changed(s, row, DocumentStatus.PROCESSING)
            audit(s, actor, "document.processed", "document", document_id, None,
                  {"status": status.value, "doc_type": cls.doc_type, "fields": sorted(fields),
                   "findings": [v.rule for v in violations],
                   "versions": dict(row.versions or {})})
            return Judged(violations, review, status, ms)

    def reindex_document(self, document_id: str) -> bool:
        """Index one document's search entries from what the database holds (pages, fields,
        stored clauses): the same path after processing, a correction, or a batch worker;
        entries are dropped when it is no longer a live contract. True when done; False when
        search is off here or indexing failed."""
        try:
            index = self.search
            if index is None:
                return False
            from search.rebuild import document_inputs

            with session_scope(self.sessions) as s:
                row = s.get(Document, document_id)
                if row is None:
                    return False
                live = row.deleted_at is None and row.doc_type == "contract"
                if live:
                    doc, meta, clauses = document_inputs(s, document_id)
            if live:
                index.index_document(document_id, doc, meta, clauses)
            else:
                index.delete_document(document_id)
            return True
        except Exception:  # noqa: BLE001 - the index is secondary; `search --reindex` rebuilds
            log.warning("search indexing of %s failed:\n%s", document_id,
                        traceback.format_exc())
            return False

    def _store_failure(self, document_id: str, result: ProcessResult, actor: str) -> None:
        assert result.error is not None
        try:
            self._write_failure(document_id, result, actor)
        except work_lease.LeaseLost as exc:  # the run that took over records its own outcome
            log.error("%s", exc)

    def _write_failure(self, document_id: str, result: ProcessResult, actor: str) -> None:
        assert result.error is not None
        with session_scope(self.sessions) as s:
            work_lease.fence(s, document_id)
            row = s.get(Document, document_id)
            if row is None:
                return
            row.status = DocumentStatus.FAILED
            row.error_code = result.error.code
            row.error_message = result.error.message
            row.pages = result.pages
            row.ocr_pages = result.ocr_pages
            row.timings_ms = dict(result.timings_ms)
            row.result = result.to_json()
            s.add(StatusEvent(document_id=document_id, status=DocumentStatus.FAILED, actor=actor,
                              note=result.error.code))
            events.status_changed(s, row, DocumentStatus.PROCESSING)
            audit(s, actor, "document.failed", "document", document_id, None,
                  result.error.to_json())

    def _too_large(self, path: Path, size: int, actor: str) -> dict[str, Any]:
        """Keep the original without holding it in memory, and record the refusal."""
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        sha = h.hexdigest()
        with path.open("rb") as fh:
            self.blobs.put_stream(fh, sha)
        err = TooLarge(
            f"file is {size:,} bytes; the limit is {self.settings.max_bytes:,} bytes "
            "(BACKOFFICE_MAX_BYTES)"
        )
        with session_scope(self.sessions) as s:
            row = s.scalar(select(Document).where(Document.sha256 == sha))
            if row is not None and row.result:
                return {**row.result, "file": path.name}
            if row is None:
                row = Document(id=new_id("doc"), sha256=sha,
                               filename=self._stored_name(path.name, actor),
                               size=size, status=DocumentStatus.PROCESSING)
                stamp_intake(s, row, actor)
                s.add(row)
            document_id = row.id
        result = ProcessResult(file=self._stored_name(path.name, actor), sha256=sha,
                               document_id=document_id)
        result.fail(Failure(err.code, err.message))
        self._store_failure(document_id, result, actor)
        return result.to_json()

    def record_lost(self, path: Path, code: str, message: str,
                    actor: str = "system") -> dict[str, Any]:
        """A document whose worker process died under it: its original kept and the
        failure recorded, so it never stays `processing`."""
        data = path.read_bytes()
        filename = self._stored_name(path.name, actor)
        sha = hashlib.sha256(data).hexdigest()
        document_id = self._receive(filename, data, sha, None, actor, reprocess=True)
        assert isinstance(document_id, str)  # reprocess: never a stored result
        result = ProcessResult(file=filename, sha256=sha, document_id=document_id)
        result.fail(Failure(code, message))
        self._store_failure(document_id, result, actor)
        return result.to_json()

    @staticmethod
    def _disk_full(filename: str, sha: str | None, exc: BaseException) -> dict[str, Any]:
        """The disk filled up before the original or its row was stored: nothing kept."""
        log.error("%s: disk full, nothing stored: %s", filename, exc)
        result = ProcessResult(file=filename, sha256=sha, document_id=None)
        result.fail(Failure(DISK_FULL, disk_full_message(exc)))
        return result.to_json()

    @staticmethod
    def _unreadable(filename: str, message: str) -> dict[str, Any]:
        """A path that could not be read at all: nothing to keep, nothing stored."""
        result = ProcessResult(file=filename, sha256=None, document_id=None)
        result.fail(Failure(UNREADABLE, message))
        return result.to_json()


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

            index = SearchIndex(settings.data_dir, settings.chroma_url,
                                database_url=settings.database_url)
            _SEARCH_INDEXES[key] = index
        return index


# ---------------------------------------------------------------------- batches
_worker: Pipeline | None = None
_inflight: Path | None = None  # where a pool worker marks the document it is working on

LOST_WORKER = TooComplex.code  # the code of a document whose worker died under it


def _init_worker(data_dir: str, parent_pid: int | None = None,
                 budget: Budget | None = None, inflight: str | None = None) -> None:
    global _worker, _inflight
    die_with_parent(parent_pid)  # a killed `backoffice process` takes its workers along
    gc.enable()  # forked from a parent that may have paused it (`workflow.warm.pause_gc`)
    settings = Settings.from_env(data_dir)
    # chromadb's embedded PersistentClient must have one writer process: concurrent writers
    # corrupt its index. Workers leave indexing to the parent (`process_many`).
    settings.search_enabled = False
    if budget is not None:  # the batch's budget, and the memory limit set once, here
        settings.doc_timeout_s, settings.doc_memory_mb = budget.seconds, budget.memory_mb
        limit_memory(budget.memory_mb)
    _inflight = Path(inflight) if inflight else None
    _worker = Pipeline(settings)
    _worker.ocr_workers = 1  # the pool already uses every core
    from ingest.ocr.pool import one_thread_per_worker

    one_thread_per_worker()  # and every library in this worker one thread


def _work(path: str, index: int | None = None) -> dict[str, Any]:
    assert _worker is not None
    marker = _inflight / str(index) if _inflight is not None and index is not None else None
    if marker is not None:  # left behind if this process dies: the parent then knows
        marker.touch()
    try:
        return _worker.process_path(Path(path))
    except Exception as exc:  # noqa: BLE001
        if is_disk_full(exc):
            return Pipeline._disk_full(Path(path).name, None, exc)
        return Pipeline._unreadable(Path(path).name, f"{type(exc).__name__}: {exc}")
    finally:
        if marker is not None:
            marker.unlink(missing_ok=True)


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
    frozen = False
    if warm.forks():  # models loaded once here, shared by the forked workers
        warmed = warm.warm_for_fork(paths=paths)
        log.debug("warm-up for %d workers: %d models in %.2f CPU-s, left to workers: %s",
                  workers, len(warmed.loaded), warmed.cpu_s, warmed.skipped)
        # the workers' garbage collections then skip everything loaded so far, so they
        # neither spend CPU on it nor copy its pages (4 receipts: 0.4 CPU-s less)
        gc.freeze()
        frozen = True
    try:
        indexer = Pipeline(settings) if settings.search_enabled else None
        for r in _PoolBatch(paths, settings, workers).results():
            if indexer is not None and r.get("doc_type") == "contract" and r.get("document_id"):
                t = time.perf_counter()
                indexer.reindex_document(r["document_id"])
                r["timings_ms"]["index"] = _ms(t)
            if on_done:
                on_done(r)
            yield r
    finally:
        if frozen:  # this process collects its own garbage again after the batch
            gc.unfreeze()


def _submit(pool: Any, path: str, index: int) -> Future[dict[str, Any]]:
    """pool.submit, or a future holding BrokenProcessPool when the pool broke already."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.submit(_work, path, index)
    except BrokenProcessPool as exc:
        failed: Future[dict[str, Any]] = Future()
        failed.set_exception(exc)
        return failed


class _PoolBatch:
    """A batch in a process pool whose workers carry the per-document budget.

    A worker that dies (the kernel's OOM killer, a library that aborts, kill -9) breaks a
    ProcessPoolExecutor and every document in it. The pool is replaced; the documents the
    workers had started (each worker marks its document in a folder while on it) are run
    again one at a time, and one that takes a worker down on its own is recorded `failed`
    (`too_complex`), never left `processing`; the others go on in a fresh pool."""

    def __init__(self, paths: list[Path], settings: Settings, workers: int) -> None:
        self.paths, self.settings, self.workers = paths, settings, workers
        self.budget = Budget(settings.doc_timeout_s, settings.doc_memory_mb)
        self.done: dict[int, dict[str, Any]] = {}
        self.pools_started = 0
        self._recorder: Pipeline | None = None

    def results(self) -> Iterator[dict[str, Any]]:
        from concurrent.futures.process import BrokenProcessPool

        inflight = Path(tempfile.mkdtemp(prefix="inflight-", dir=self.settings.data_dir / "tmp"))
        queue, alone, next_out = list(range(len(self.paths))), [], 0
        try:
            while queue or alone:
                size = 1 if alone else self.workers
                batch = alone if alone else queue
                pool = self._pool(size, inflight)
                futures = {i: _submit(pool, str(self.paths[i]), i) for i in batch}
                broken_at: int | None = None
                try:
                    for i in batch:
                        try:
                            self.done[i] = futures[i].result()
                        except BrokenProcessPool:
                            broken_at = i
                            break
                        while next_out in self.done:
                            yield self.done[next_out]
                            next_out += 1
                finally:
                    pool.shutdown(wait=True, cancel_futures=True)
                if broken_at is None:
                    if batch is alone:
                        alone = []
                    else:
                        queue = []
                    continue
                for i in batch:  # results that came back before the pool broke
                    f = futures[i]
                    if i not in self.done and f.done() and f.exception() is None:
                        self.done[i] = f.result()
                started = {int(m.name) for m in inflight.iterdir()}
                for m in inflight.iterdir():
                    m.unlink()
                left = [i for i in batch if i not in self.done]
                if batch is alone:  # one worker: the document it had started took it down
                    culprit = min((i for i in left if i in started), default=broken_at)
                    self.done[culprit] = self._record_lost(culprit)
                    alone = [i for i in left if i != culprit]
                else:
                    alone = [i for i in left if i in started] or [broken_at]
                    queue = [i for i in left if i not in alone]
                while next_out in self.done:
                    yield self.done[next_out]
                    next_out += 1
        finally:
            shutil.rmtree(inflight, ignore_errors=True)

    def _pool(self, size: int, inflight: Path) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        self.pools_started += 1
        return ProcessPoolExecutor(
            max_workers=size, initializer=_init_worker, mp_context=warm.pool_context(),
            initargs=(str(self.settings.data_dir), os.getpid(), self.budget, str(inflight)))

    def _record_lost(self, index: int) -> dict[str, Any]:
        path = self.paths[index]
        log.error("%s: its worker process died while processing it", path.name)
        if self._recorder is None:
            self._recorder = Pipeline(self.settings)
        return self._recorder.record_lost(
            path, LOST_WORKER,
            "the worker processing it ended (killed, or out of memory past its "
            f"{self.budget.memory_mb} MB budget, BACKOFFICE_DOC_MEMORY_MB); it was tried "
            "twice")
