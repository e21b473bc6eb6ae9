"""`backoffice` command line: one sub-command per module in `api.commands`.

Sub-command modules are imported lazily so that `backoffice --help` and a
failing optional module never stop the commands that do work.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from types import ModuleType

from api.commands import COMMANDS
from api.startup import defer_modules, quick_exit


def _load(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"api.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"api.commands.{name}":
            return None  # not written yet
        raise


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    parser = argparse.ArgumentParser(
        prog="backoffice",
        description="Self-hosted document and compliance processing.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, ModuleType] = {}
    for name in COMMANDS:
        mod = _load(name)
        if mod is None:
            continue
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        modules[mod.NAME] = mod
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    defer_modules()
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    return int(modules[args.command].run(args) or 0)


def entry() -> None:
    """The `backoffice` program (and `python -m api.cli`): `main`, then a quick exit that
    skips tearing the interpreter down (`api.startup.quick_exit`; 0.5-0.6 CPU-s of a
    one-file `backoffice process`). Tests call `main`, which returns."""
    quick_exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry()
