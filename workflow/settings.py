"""Service settings, read once from the environment.

Everything lives under one data dir (`BACKOFFICE_DATA_DIR`, default `./data`) in
the embedded set-up; scale-out changes only these variables (DATABASE_URL to
PostgreSQL, BACKOFFICE_BROKER_URL to Redis for Celery, BACKOFFICE_CHROMA_URL to
a Chroma server, BACKOFFICE_BLOB_URL to an S3 bucket), never the code.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(slots=True)
class Settings:
    data_dir: Path
    database_url: str
    chroma_url: str | None = None
    broker_url: str | None = None
    blob_url: str | None = None  # s3://bucket/prefix: originals and page images in S3
    secret_key: str = ""
    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 2000
    ocr_engine: str = "auto"
    ocr_timeout_s: int = 180
    ocr_second_reading: bool = True
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    type_threshold: float = 0.6
    field_threshold: float = 0.8
    search_enabled: bool = True
    llm_provider: str | None = None
    cookie_secure: str = "auto"  # api.web.cookies.CookieSecure: auto | always | never
    openapi: bool = True  # /openapi.json for signed-in users; False: not served at all
    consume_dir: Path | None = None  # a watched folder (scanner drop); None: no folder watched
    consume_after: str = "move"  # what happens to a consumed file: move | keep | delete
    consume_polling: bool = False  # poll instead of inotify (network shares)
    consume_settle_s: float = 2.0  # a file must keep its size this long before it is read
    # Peers whose X-Forwarded-For / -Proto are believed (IPs or CIDRs, comma-separated); empty:
    # none, so login throttling keys on the TCP peer and a client cannot choose its address.
    trusted_proxies: tuple[str, ...] = ()
    # Per-document budgets (workflow/budget.py): seconds for reading through extracting one
    # document (processing_timeout), and the address space a worker process may add once
    # started (too_complex); 0 turns either off.
    doc_timeout_s: float = 1800.0
    doc_memory_mb: int = 4096
    queue_max: int = 200  # documents waiting or in work before uploads get 503 + Retry-After
    uploads_max: int = 32  # upload requests at once before further ones get 429 + Retry-After
    lease_ttl_s: float = 90.0  # a worker silent this long loses its document (workflow.work_lease)
    # how often a process looks for newly published policies and models (workflow.published)
    published_check_s: float = 10.0
    # how long `POST /api/documents?wait=true` waits for the results before answering 202
    upload_wait_s: float = 300.0

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None) -> Settings:
        root = Path(data_dir or os.environ.get("BACKOFFICE_DATA_DIR") or "./data").resolve()
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{root / 'backoffice.db'}"
        return cls(
            data_dir=root,
            database_url=url,
            chroma_url=os.environ.get("BACKOFFICE_CHROMA_URL") or None,
            broker_url=os.environ.get("BACKOFFICE_BROKER_URL") or None,
            blob_url=os.environ.get("BACKOFFICE_BLOB_URL") or None,
            secret_key=os.environ.get("BACKOFFICE_SECRET_KEY", ""),
            max_bytes=_int("BACKOFFICE_MAX_BYTES", 100 * 1024 * 1024),
            max_pages=_int("BACKOFFICE_MAX_PAGES", 2000),
            ocr_engine=os.environ.get("BACKOFFICE_OCR_ENGINE", "auto"),
            ocr_timeout_s=_int("BACKOFFICE_OCR_TIMEOUT", 180),
            ocr_second_reading=os.environ.get("BACKOFFICE_OCR_SECOND_READING", "1")
            not in ("0", "false", "no"),
            workers=_int("BACKOFFICE_WORKERS", os.cpu_count() or 1),
            type_threshold=_float("BACKOFFICE_TYPE_THRESHOLD", 0.6),
            field_threshold=_float("BACKOFFICE_FIELD_THRESHOLD", 0.8),
            search_enabled=os.environ.get("BACKOFFICE_SEARCH", "1") not in ("0", "false", "no"),
            llm_provider=os.environ.get("BACKOFFICE_LLM_PROVIDER") or None,
            cookie_secure=os.environ.get("BACKOFFICE_COOKIE_SECURE", "auto"),
            openapi=os.environ.get("BACKOFFICE_OPENAPI", "1").strip().lower()
            not in ("0", "false", "no", "off"),
            consume_dir=Path(os.environ["BACKOFFICE_CONSUME_DIR"]).resolve()
            if os.environ.get("BACKOFFICE_CONSUME_DIR") else None,
            consume_after=os.environ.get("BACKOFFICE_CONSUME_AFTER", "move").strip().lower(),
            consume_polling=os.environ.get("BACKOFFICE_CONSUME_POLLING", "0").strip().lower()
            in ("1", "true", "yes", "on"),
            consume_settle_s=_float("BACKOFFICE_CONSUME_SETTLE", 2.0),
            doc_timeout_s=_float("BACKOFFICE_DOC_TIMEOUT", 1800.0),
            doc_memory_mb=_int("BACKOFFICE_DOC_MEMORY_MB", 4096),
            queue_max=_int("BACKOFFICE_QUEUE_MAX", 200),
            uploads_max=_int("BACKOFFICE_UPLOADS_MAX", 32),
            lease_ttl_s=_float("BACKOFFICE_LEASE_TTL", 90.0),
            published_check_s=_float("BACKOFFICE_PUBLISHED_CHECK", 10.0),
            upload_wait_s=_float("BACKOFFICE_UPLOAD_WAIT", 300.0),
            trusted_proxies=tuple(p.strip() for p in
                                  os.environ.get("BACKOFFICE_TRUSTED_PROXIES", "").split(",")
                                  if p.strip()),
        )

    def ensure_dirs(self) -> None:
        """Create the data dir layout; raises OSError when it is not writable."""
        for sub in ("", "originals", "models", "tmp"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True)
        # A unique name: worker processes start together and probe the same dir.
        with tempfile.NamedTemporaryFile(dir=self.data_dir / "tmp", prefix=".write-probe-"):
            pass
