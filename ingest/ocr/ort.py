"""onnxruntime session options for RapidOCR's sessions: no spin-waiting.

Why: onnxruntime's intra-op threads spin (busy-wait) between parallel steps by default. On
two cores shared with tesseract, the pipeline's Python and other processes, a spinning
thread burns the core the work it waits for needs: RapidOCR with every core (a process
that is no pool's worker: `backoffice process --workers 1`, a one-photo run) used 14.7
CPU-s and 37 s on 2 TRAIN receipts with spinning, 10.2 CPU-s and 26 s without (load 13,
same words). Spinning changes no result: the work is split by the thread count alone.

RapidOCR builds its sessions itself (`rapidocr_onnxruntime.utils.infer_engine.
OrtInferSession`) from a config without such a key, so its options builder is wrapped
once per process to add the two entries to every session it makes.
"""

from __future__ import annotations

import threading
from typing import Any

NO_SPINNING = {"session.intra_op.allow_spinning": "0", "session.inter_op.allow_spinning": "0"}
_lock = threading.Lock()


def sessions_without_spinning() -> None:
    """From now on, every session RapidOCR makes in this process has `NO_SPINNING`
    (idempotent; call before the engine is built)."""
    from rapidocr_onnxruntime.utils import infer_engine

    cls = infer_engine.OrtInferSession
    with _lock:
        if getattr(cls._init_sess_opts, "_no_spinning", False):
            return
        build = cls._init_sess_opts

        def _init_sess_opts(config: dict[str, Any]) -> Any:
            opts = build(config)
            for key, value in NO_SPINNING.items():
                opts.add_session_config_entry(key, value)
            return opts

        _init_sess_opts._no_spinning = True  # type: ignore[attr-defined]
        cls._init_sess_opts = staticmethod(_init_sess_opts)
