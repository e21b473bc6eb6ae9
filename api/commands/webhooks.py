"""`backoffice webhooks add|list|disable|enable|log|deliver`: endpoints told about document
events (see `workflow.webhooks`). `backoffice serve` sends due deliveries on its own;
`deliver` sends them once (for a set-up without the service running)."""

from __future__ import annotations

import argparse
import sys

NAME = "webhooks"
HELP = "manage webhook endpoints and see their deliveries (add, list, disable, enable, log, deliver)"
ACTOR = "cli"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from workflow.event_names import Event

    p.add_argument("--data-dir", default=None, help="data dir (default: BACKOFFICE_DATA_DIR)")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add an endpoint; prints its signing secret once")
    add.add_argument("url")
    add.add_argument("--event", action="append", default=[], choices=[e.value for e in Event],
                     help="an event to send; repeat for several (default: every event)")
    add.add_argument("--hr", action="store_true", help="also send HR documents' events")
    sub.add_parser("list", help="list endpoints")
    for name in ("disable", "enable"):
        sub.add_parser(name, help=f"{name} an endpoint").add_argument("id", type=int)
    log = sub.add_parser("log", help="the last deliveries")
    log.add_argument("--limit", type=int, default=20)
    sub.add_parser("deliver", help="send the deliveries that are due, once")


def run(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from records.db import init_db, session_scope
    from records.models import Webhook
    from workflow import webhooks
    from workflow.errors import Invalid
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    settings.ensure_dirs()
    sessions = init_db(settings.database_url)
    try:
        with session_scope(sessions) as s:
            if args.action == "add":
                hook = webhooks.add_webhook(s, args.url, args.event, ACTOR, hr=args.hr)
                print(f"webhook {hook.id}: {hook.url}")
                print(f"signing secret (shown only now): {hook.secret}")
            elif args.action == "list":
                for h in s.scalars(select(Webhook).order_by(Webhook.id)):
                    cols = [str(h.id), "active" if h.active else "disabled", h.url,
                            ",".join(h.events) or "all events", "HR" if h.hr else ""]
                    print("\t".join(cols).rstrip())
            elif args.action in ("disable", "enable"):
                webhooks.set_active(s, args.id, args.action == "enable", ACTOR)
            elif args.action == "log":
                for d in webhooks.recent_deliveries(s, max(1, min(args.limit, 1000))):
                    print(f"{d.created_at:%Y-%m-%d %H:%M:%S}\t#{d.webhook_id}\t{d.event}\t"
                          f"{d.document_id or ''}\t{d.status}\t{d.attempts}\t"
                          f"{d.last_status_code or ''} {d.last_error or ''}".rstrip())
    except Invalid as exc:
        print(f"backoffice webhooks: {exc}", file=sys.stderr)
        return 2
    if args.action == "deliver":
        print(f"delivered {webhooks.deliver_due(sessions)}")
    return 0
