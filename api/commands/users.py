"""`backoffice users add|list|passwd|roles|disable|enable|token`: manage who may sign in.

Passwords must meet the policy of `records.passwords` (12+ characters, not a common
one); a password or role change and `disable` end the user's open sessions. Passwords come
from stdin (`--password-stdin`, for scripts), an interactive prompt, or
are generated and printed once; they never appear in the process list or the audit log.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys

NAME = "users"
HELP = "manage users and roles (add, list, passwd, roles, disable, enable, token)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from records.roles import ROLES

    p.add_argument("--data-dir", default=None, help="data dir (default: BACKOFFICE_DATA_DIR)")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="create a user")
    add.add_argument("username")
    add.add_argument("--role", action="append", choices=ROLES, required=True,
                     help="a role; repeat for several")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    sub.add_parser("list", help="list users and roles")
    pw = sub.add_parser("passwd", help="set a user's password")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")
    rl = sub.add_parser("roles", help="replace a user's roles")
    rl.add_argument("username")
    rl.add_argument("--role", action="append", choices=ROLES, required=True,
                    help="a role; repeat for several")
    for name in ("disable", "enable"):
        sub.add_parser(name, help=f"{name} a user").add_argument("username")
    tok = sub.add_parser("token", help="print an API bearer token for a user (90 days)")
    tok.add_argument("username")


def _password(from_stdin: bool) -> tuple[str, bool]:
    """(password, generated?)"""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise SystemExit("backoffice users: passwords differ")
        return first, False
    return secrets.token_urlsafe(12), True


def run(args: argparse.Namespace) -> int:
    from records import users
    from records.db import init_db, session_scope
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    settings.ensure_dirs()
    sessions = init_db(settings.database_url)
    try:
        with session_scope(sessions) as s:
            if args.action == "add":
                password, generated = _password(args.password_stdin)
                users.create_user(s, args.username, password, args.role, actor="cli")
                if generated:
                    print(f"password for {args.username}: {password}", file=sys.stderr)
                print(f"created {args.username.lower()} ({', '.join(sorted(args.role))})")
            elif args.action == "list":
                for u in users.list_users(s):
                    state = "" if u.active else "  (disabled)"
                    print(f"{u.username}\t{','.join(u.roles or [])}{state}")
            elif args.action == "passwd":
                password, generated = _password(args.password_stdin)
                users.set_password(s, args.username, password, actor="cli")
                if generated:
                    print(f"password for {args.username}: {password}", file=sys.stderr)
            elif args.action == "roles":
                users.set_roles(s, args.username, args.role, actor="cli")
            elif args.action in ("disable", "enable"):
                users.set_active(s, args.username, args.action == "enable", actor="cli")
            elif args.action == "token":
                from api.web.security import credential_stamp, load_secret_key, make_api_token

                user = users.get_user(s, args.username)
                if user is None:
                    raise users.UserError(f"no user {args.username!r}")
                print(make_api_token(load_secret_key(settings), user.username,
                                     credential_stamp(user.password_hash, user.roles)))
    except users.UserError as exc:
        print(f"backoffice users: {exc}", file=sys.stderr)
        return 1
    return 0
