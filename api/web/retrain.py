"""Scheduled retraining: reviewers' type corrections become a better classifier.

The service checks every `BACKOFFICE_RETRAIN_INTERVAL` seconds (default 6 h; 0 turns
it off) whether reviewers have confirmed or corrected document types since the last
training; if so it retrains on generated + reviewed documents into the data dir and
swaps the model in, and publishes it for every node (`workflow.published`). Training runs in a worker thread so requests keep flowing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from records.db import session_scope
from records.models import TypeFeedback
from workflow.published import publish_model
from workflow.settings import Settings

log = logging.getLogger(__name__)

STATE_FILE = "retrain-state.json"


def interval_s() -> float:
    return float(os.environ.get("BACKOFFICE_RETRAIN_INTERVAL", str(6 * 3600)))


class Retrainer:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session],
                 n_per_class: int | None = None) -> None:
        self.settings = settings
        self.sessions = sessions
        self.n_per_class = n_per_class

    @property
    def _state_path(self):  # type: ignore[no-untyped-def]
        from classifiers import local_model_dir

        return local_model_dir() / STATE_FILE

    def _trained_on(self) -> int:
        try:
            return int(json.loads(self._state_path.read_text())["feedback_rows"])
        except (OSError, ValueError, KeyError):
            return 0

    def pending(self) -> int:
        """Feedback rows not yet seen by a training run."""
        with session_scope(self.sessions) as s:
            total = s.scalar(select(func.count()).select_from(TypeFeedback)) or 0
        return max(0, total - self._trained_on())

    def run_once(self) -> dict[str, Any] | None:
        """Retrain when there is new feedback; returns the metrics, or None."""
        if self.pending() == 0:
            return None
        import classifiers
        from records.feedback import load_type_feedback
        from training.classifier import train

        with session_scope(self.sessions) as s:
            feedback = list(load_type_feedback(s))
            rows = s.scalar(select(func.count()).select_from(TypeFeedback)) or 0
        kwargs: dict[str, Any] = {"out_dir": classifiers.local_model_dir(),
                                  "feedback": feedback}
        if self.n_per_class:
            kwargs["n_per_class"] = self.n_per_class
        metrics = train(**kwargs)
        classifiers.reload()
        # every node's workers switch to it at their next check (workflow.published)
        publish_model(self.sessions, "classifier",
                      classifiers.local_model_dir() / "classifier.joblib", "retrain")
        self._state_path.write_text(json.dumps({"feedback_rows": rows,
                                                "model_version": classifiers.MODEL_VERSION}))
        log.warning("classifier retrained on %d reviewed document(s): %s", len(feedback),
                    classifiers.MODEL_VERSION)
        return metrics

    async def loop(self) -> None:
        period = interval_s()
        if period <= 0:
            return
        while True:
            await asyncio.sleep(period)
            try:
                await asyncio.to_thread(self.run_once)
            except Exception:  # noqa: BLE001 - a failed retrain keeps the current model
                log.exception("scheduled retraining failed")
