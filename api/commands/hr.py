"""`backoffice hr rotate-key`: seal every original and cached page image with a new key.

Originals and page images are sealed with AES-GCM (`records.sealing`); rotating the key
re-seals them all and retires the old key. Run it with the service stopped.
"""

from __future__ import annotations

import argparse
import sys

NAME = "hr"
HELP = "HR data at rest: rotate-key (re-seal originals and page images with a new key)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=None, help="data dir (default: BACKOFFICE_DATA_DIR)")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("rotate-key", help="re-seal every original and page image with a new key")


def run(args: argparse.Namespace) -> int:
    from records.blobs import open_blobs
    from records.sealing import SealingError, load_sealer, rotate
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    settings.ensure_dirs()
    try:
        stored = open_blobs(settings.data_dir, load_sealer(settings.data_dir), settings.blob_url)
        done = rotate(settings.data_dir, list(stored.roots))
    except SealingError as exc:
        print(f"backoffice hr rotate-key: {exc}", file=sys.stderr)
        return 1
    print(f"re-sealed {done.resealed} file(s) ({done.already} already under the new key); "
          f"key id {done.key_id}")
    if done.env_key:
        print("now set BACKOFFICE_HR_KEY to the value of BACKOFFICE_HR_NEW_KEY and unset "
              "BACKOFFICE_HR_NEW_KEY", file=sys.stderr)
    return 0
