"""`backoffice mail add|list|remove|poll`: IMAP mailboxes whose mails become documents
(see `api.mail`). `backoffice serve` polls them on their interval; `poll` does it now."""

from __future__ import annotations

import argparse
import sys

NAME = "mail"
HELP = "manage IMAP mailboxes whose mails become documents (add, list, remove, poll)"
ACTOR = "cli"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=None, help="data dir (default: BACKOFFICE_DATA_DIR)")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add a mailbox (the password is read from stdin)")
    add.add_argument("name")
    add.add_argument("--host", required=True)
    add.add_argument("--port", type=int, default=None, help="default 993 (ssl) or 143")
    add.add_argument("--security", choices=("ssl", "starttls", "plain"), default="ssl",
                     help="plain only to a loopback host")
    add.add_argument("--user", required=True)
    add.add_argument("--password-stdin", action="store_true", required=True,
                     help="read the password (or app password) from stdin")
    add.add_argument("--folder", default="INBOX")
    add.add_argument("--from", dest="from_contains", default=None,
                     help="only mails whose sender contains this")
    add.add_argument("--subject", dest="subject_contains", default=None,
                     help="only mails whose subject contains this")
    add.add_argument("--after", default="seen", help="seen (default) or move:<folder>")
    add.add_argument("--hr", action="store_true",
                     help="an HR mailbox: its documents are HR's from intake on")
    add.add_argument("--interval", type=int, default=300, help="seconds between polls")
    sub.add_parser("list", help="list mailboxes")
    sub.add_parser("remove", help="remove a mailbox").add_argument("name")
    sub.add_parser("poll", help="poll now").add_argument("name", nargs="?", default=None)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from api import mail
    from api.web.security import load_secret_key
    from records.audit import audit
    from records.db import init_db, session_scope
    from records.models import Mailbox
    from workflow.errors import Invalid
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    settings.ensure_dirs()
    sessions = init_db(settings.database_url)
    secret = load_secret_key(settings)
    try:
        with session_scope(sessions) as s:
            if args.action == "add":
                password = sys.stdin.readline().rstrip("\r\n")
                port = args.port or (993 if args.security == "ssl" else 143)
                box = mail.add_mailbox(
                    s, secret, ACTOR, name=args.name, host=args.host, port=port,
                    username=args.user, password=password, security=args.security,
                    folder=args.folder, from_contains=args.from_contains,
                    subject_contains=args.subject_contains, after=args.after, hr=args.hr,
                    interval_s=args.interval)
                print(f"mailbox {box.name}: {box.username}@{box.host}:{box.port}")
                return 0
            boxes = list(s.scalars(select(Mailbox).order_by(Mailbox.name)))
            if args.action == "list":
                for b in boxes:
                    print(f"{b.name}\t{b.username}@{b.host}:{b.port}\t{b.security}\t{b.folder}"
                          f"\t{b.after}\t{'HR' if b.hr else ''}".rstrip())
                return 0
            if args.action == "remove":
                box = next((b for b in boxes if b.name == args.name), None)
                if box is None:
                    raise Invalid(f"no mailbox named {args.name}")
                audit(s, ACTOR, "mailbox.delete", "mailbox", str(box.id), {"name": box.name}, None)
                s.delete(box)
                return 0
            ids = [b.id for b in boxes if args.name in (None, b.name)]
            if args.name and not ids:
                raise Invalid(f"no mailbox named {args.name}")
    except Invalid as exc:
        print(f"backoffice mail: {exc}", file=sys.stderr)
        return 2
    failed = 0
    for box_id in ids:
        for o in mail.poll_mailbox(sessions, settings, secret, box_id):
            failed += o.status in ("failed", "skipped")
            print(f"{o.status:<13} {o.subject or o.uid} ({o.document_id or '-'}), "
                  f"{o.attachments} attachment(s)" + (f": {o.error}" if o.error else ""))
    return 1 if failed else 0
