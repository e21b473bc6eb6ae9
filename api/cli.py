"""`backoffice` command line: one sub-command per module in `api.commands`.

Sub-command modules are imported lazily so that `backoffice --help` and a
failing optional module never stop the commands that do work; a command named on the
command line imports its own module only (`command_named`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from api.commands import COMMANDS
from api.startup import defer_modules, quick_exit

VERBOSE = ("-v", "--verbose")  # the main parser's only option besides -h


def _load(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"api.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"api.commands.{name}":
            return None  # not written yet
        raise


def build_parser(only: str | None = None
                 ) -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The parser of every sub-command, or with `only` of that one alone (its module is the
    only one imported: the others cost a one-file `backoffice process` ~30 ms)."""
    parser = argparse.ArgumentParser(
        prog="backoffice",
        description="Self-hosted document and compliance processing.",
    )
    parser.add_argument(*VERBOSE, action="store_true", help="debug logging on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, ModuleType] = {}
    for name in COMMANDS if only is None else (only,):
        mod = _load(name)
        if mod is None:
            continue
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        modules[mod.NAME] = mod
    return parser, modules


def command_named(argv: Sequence[str]) -> str | None:
    """The sub-command `argv` runs when it is plain to see (first, or after -v/--verbose, as
    spelled in full); None otherwise (help, an unknown name): then every command is loaded."""
    rest = list(argv[1:]) if argv[:1] and argv[0] in VERBOSE else list(argv)
    return rest[0] if rest and rest[0] in COMMANDS else None


def main(argv: list[str] | None = None, exiting: bool = False) -> int:
    """Run the command `argv` names; `exiting`: the process ends right after (`entry`), which
    a command may use to skip tidying up for later (`workflow.warm.resume_gc`)."""
    defer_modules()
    args_in = sys.argv[1:] if argv is None else argv
    parser, modules = build_parser(command_named(args_in))
    args = parser.parse_args(args_in)
    args.exiting = exiting
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
    quick_exit(main(exiting=True))


if __name__ == "__main__":  # pragma: no cover
    entry()
