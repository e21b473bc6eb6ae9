"""The tesseract binary, driven through pytesseract.

Why a wrapper: pytesseract reports problems as a handful of generic exceptions
(EnvironmentError, RuntimeError with a message string). Here they become
`OcrUnavailable` / `OcrTimeout` with instructions an operator can act on, and the
subprocess always runs single-threaded (`OMP_THREAD_LIMIT=1`): parallelism comes
from the page-level process pool, and OpenMP inside tesseract only oversubscribes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

from ingest.errors import OcrTimeout, OcrUnavailable

# tesseract processes this process is waiting on (see `_killing`, `kill_running`)
_RUNNING: set[subprocess.Popen[bytes]] = set()

INSTALL_HINT = (
    "install it with your package manager (Debian/Ubuntu: `apt-get install tesseract-ocr "
    "tesseract-ocr-eng`; macOS: `brew install tesseract`; Windows: the UB Mannheim "
    "installer), or set TESSERACT_CMD to the binary's path"
)


def _pytesseract() -> Any:
    try:
        import pytesseract
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise OcrUnavailable(f"the pytesseract package is not installed ({exc})") from exc
    cmd = os.environ.get("TESSERACT_CMD")
    if cmd:
        pytesseract.pytesseract.tesseract_cmd = cmd
    runner = pytesseract.pytesseract
    if not getattr(runner.timeout_manager, "kills_on_interrupt", False):
        runner.timeout_manager = _killing(runner.timeout_manager)
    return pytesseract


def _killing(manager: Any) -> Any:
    """pytesseract kills tesseract only on its own timeout; anything else raised while it
    waits (the document's deadline, `workflow.budget`, MemoryError, Ctrl-C) left the
    process running on its own, a 9400 x 9400 image for many minutes after its document
    had ended `processing_timeout`. This wraps pytesseract's waiting step (looked up by
    name when it runs tesseract) so that the process is killed first, whatever is raised."""

    @contextlib.contextmanager
    def killing(proc: subprocess.Popen[bytes], seconds: float | None = None) -> Iterator[Any]:
        _RUNNING.add(proc)
        try:
            with manager(proc, seconds) as error_string:
                yield error_string
        except BaseException:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            raise
        finally:
            _RUNNING.discard(proc)

    killing.kills_on_interrupt = True  # type: ignore[attr-defined]
    return killing


def kill_running() -> None:
    """Kill the tesseract processes this process waits on: an OCR pool worker ended by
    SIGTERM (its pool stopped, its parent gone) does it before it exits, or they would run
    on alone."""
    for proc in list(_RUNNING):
        if proc.poll() is None:
            proc.kill()


def binary() -> str | None:
    """Path of the tesseract binary that would run, or None."""
    cmd = os.environ.get("TESSERACT_CMD") or "tesseract"
    return shutil.which(cmd)


@functools.lru_cache(maxsize=1)
def version() -> str:
    """Tesseract's version string; raises OcrUnavailable when it cannot run."""
    pt = _pytesseract()
    try:
        return str(pt.get_tesseract_version())
    except (pt.TesseractNotFoundError, OSError) as exc:
        raise OcrUnavailable(
            f"this file needs OCR but the tesseract program was not found; {INSTALL_HINT}"
        ) from exc


@functools.lru_cache(maxsize=1)
def languages() -> frozenset[str]:
    """Installed tesseract language packs."""
    version()
    pt = _pytesseract()
    try:
        return frozenset(pt.get_languages(config=""))
    except (pt.TesseractNotFoundError, OSError) as exc:
        raise OcrUnavailable(f"could not list tesseract languages; {INSTALL_HINT}") from exc


def check_language(lang: str) -> None:
    """Fail early, with the fix, when a requested language pack is missing."""
    have = languages()
    missing = [part for part in lang.split("+") if part not in have]
    if missing:
        pkgs = " ".join(f"tesseract-ocr-{m}" for m in missing)
        raise OcrUnavailable(
            f"tesseract language pack(s) {', '.join(missing)} not installed "
            f"(installed: {', '.join(sorted(have)) or 'none'}); install {pkgs}"
        )


def image_to_data(
    image: Any, *, lang: str, timeout_s: float, dpi: int, psm: int = 3
) -> dict[str, list[Any]]:
    """Run `tesseract ... tsv` on a PIL image and return pytesseract's column dict.

    Raises OcrTimeout when the page takes longer than `timeout_s` (the process is
    killed by pytesseract), OcrUnavailable when the binary is missing or broken.
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    version()
    pt = _pytesseract()
    config = f"--psm {psm} --dpi {int(dpi)}"
    try:
        return pt.image_to_data(
            image,
            lang=lang,
            config=config,
            output_type=pt.Output.DICT,
            timeout=max(1, int(round(timeout_s))),
        )
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrTimeout(
                f"tesseract took longer than {timeout_s:g} s on one page; raise "
                "IngestOptions.ocr_timeout_s or lower dpi"
            ) from exc
        raise OcrUnavailable(f"tesseract failed: {str(exc).strip()[:300]}") from exc
    except (pt.TesseractNotFoundError, OSError) as exc:
        raise OcrUnavailable(
            f"this file needs OCR but the tesseract program was not found; {INSTALL_HINT}"
        ) from exc
