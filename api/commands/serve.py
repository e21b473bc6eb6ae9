"""`backoffice serve [--host 127.0.0.1] [--port 8000]`: the web service under uvicorn.

Binds to localhost by default: exposing the service is a deliberate choice (put a
TLS-terminating proxy in front; the session cookie is then `Secure`, see api/web/cookies.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "serve"
HELP = "run the web service (review pages and JSON API)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="data dir (default: BACKOFFICE_DATA_DIR or ./data)")
    p.add_argument("--log-level", default="info", help="uvicorn log level")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.multinode import SharedKeyMissing
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    if not settings.broker_url:
        # uploads are processed by this process's worker threads: it is the worker that
        # carries the per-document memory budget (workflow/budget.py)
        from workflow.budget import limit_memory

        limit_memory(settings.doc_memory_mb)
    try:
        app = create_app(settings)
    except SharedKeyMissing as exc:
        print(f"backoffice serve: {exc}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                # Forwarded headers are applied by the app itself, from the explicit
                # BACKOFFICE_TRUSTED_PROXIES list only (api/app.py), never by uvicorn's default.
                proxy_headers=False)
    return 0
