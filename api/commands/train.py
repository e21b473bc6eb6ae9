"""`backoffice train`: rebuild the document classifier reproducibly and print its metrics.

Why a command: reviewers correct document types in the UI; retraining folds those
corrections (read from the database when the records package provides them) into the
generated training set, so the shipped model improves without anyone writing code.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

NAME = "train"
EXIT_DISK_FULL = 4
EXIT_NO_TRAIN = 2  # --shipped without ../shared/train
HELP = "rebuild the document-type classifier (generated data + reviewer feedback)"

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: $BACKOFFICE_DATA_DIR/models/classifier, "
                             "which the service then uses; with --shipped: classifiers/model/)")
    parser.add_argument("--shipped", action="store_true",
                        help="rebuild the model shipped in the package from generated data "
                             "and the TRAIN split ../shared/train (reproducible; implies "
                             "--no-feedback)")
    parser.add_argument("--generated-only", action="store_true",
                        help="with --shipped: generated data alone, without the TRAIN split")
    parser.add_argument("--n-per-class", type=int, default=None,
                        help="generated documents per doc type (default: the shipped setting)")
    parser.add_argument("--no-feedback", action="store_true",
                        help="ignore reviewer feedback stored in the database")


def _load_feedback() -> list[tuple[str, str, str | None]]:
    """Reviewer corrections from the database, or [] when that part is not available.
    An absent SQLite file is not created just to find it empty."""
    try:
        from records.db import init_db, session_scope
        from records.feedback import load_type_feedback
        from workflow.settings import Settings
    except ImportError as exc:
        log.info("no reviewer feedback source (%s); training on generated data only", exc)
        return []
    try:
        settings = Settings.from_env()
        url = settings.database_url
        if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
            return []
        with session_scope(init_db(url)) as session:
            return list(load_type_feedback(session))
    except Exception as exc:  # noqa: BLE001 - a missing/empty database must not stop training
        log.warning("could not load reviewer feedback: %s", exc)
        return []


def run(args: argparse.Namespace) -> int:
    from classifiers import MODEL_DIR, local_model_dir
    from records.faults import DISK_FULL, disk_full_message, is_disk_full
    from training.classifier import train

    feedback = [] if (args.no_feedback or args.shipped) else _load_feedback()
    what, kwargs_weight = "reviewed", {}
    if args.shipped and not args.generated_only:
        from training.classifier import TRAIN_WEIGHT, train_split_feedback
        from training.docs import TRAIN_DIR, require_split

        try:
            require_split(TRAIN_DIR)
        except FileNotFoundError as exc:
            print(f"backoffice train --shipped: {exc}; --generated-only rebuilds without it",
                  file=sys.stderr)
            return EXIT_NO_TRAIN
        feedback, what = train_split_feedback(TRAIN_DIR), "TRAIN"
        kwargs_weight = {"feedback_weight": TRAIN_WEIGHT,
                         "feedback_source": "TRAIN documents (../shared/train)"}
    out = args.out or (MODEL_DIR if args.shipped else local_model_dir())
    print(f"training on generated documents + {len(feedback)} {what} document(s) -> {out}",
          file=sys.stderr)
    kwargs = {"out_dir": out, "feedback": feedback, "seed": args.seed, **kwargs_weight}
    if args.n_per_class:
        kwargs["n_per_class"] = args.n_per_class
    try:
        metrics = train(**kwargs)
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        print(f"backoffice train: {disk_full_message(exc)}; the previous model is unchanged "
              f"(error code {DISK_FULL})", file=sys.stderr)
        return EXIT_DISK_FULL
    if not args.shipped and args.out is None:  # the data dir's model: for every node too
        _publish(out / "classifier.joblib")
    print(json.dumps(metrics, indent=1, sort_keys=True))
    return 0


def _publish(path: Path) -> None:
    from records.db import init_db
    from workflow.published import publish_model
    from workflow.settings import Settings

    done, _new = publish_model(init_db(Settings.from_env().database_url), "classifier", path,
                               "train")
    print(f"published classifier {done.version}", file=sys.stderr)
