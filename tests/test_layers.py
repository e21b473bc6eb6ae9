"""Imports flow one way: api -> workflow -> the runtime packages -> records.

The runtime (what `backoffice serve` and `backoffice process` run) never imports the code
that fits models, generates training documents, scores against truth or benchmarks:
`training`, `evaluation`, `benchmarks`. Nothing below `api` imports `api`; `training` and
`evaluation` are tools that `api` calls, so they do not import it either. Every import in
the source is read with `ast`, including imports inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ("ingest", "modelfile", "classifiers", "extractors", "policies", "records", "search", "workflow")
OUTSIDE_RUNTIME = ("training", "evaluation", "benchmarks", "api")
# package -> top-level packages it must not import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **{pkg: OUTSIDE_RUNTIME for pkg in RUNTIME},
    "training": ("api", "benchmarks"),
    "evaluation": ("api", "benchmarks", "training"),
}
# file -> the forbidden module it still imports, while that move is pending.
KNOWN: dict[str, str] = {}


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`, `module` being the dotted
    name of the file (relative imports are resolved against its package: the module itself
    for an `__init__.py`)."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, name] if name else base)
            out.append((node.lineno, name))
    return sorted(out)


def violations(rel: str, source: str) -> list[str]:
    """`path:line imports module` for each import the file's package may not make."""
    pkg = rel.split("/", 1)[0]
    banned = FORBIDDEN.get(pkg, ())
    is_package = rel.endswith("/__init__.py")
    module = rel[: -len(".py")].replace("/", ".").removesuffix(".__init__")
    return [f"{rel}:{line} imports {name}"
            for line, name in imported_modules(source, module, is_package)
            if name.split(".", 1)[0] in banned]


def _sources():
    for pkg in FORBIDDEN:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_the_checker_sees_every_import_form():
    src = ("import training.generators\n"
           "from evaluation import scoring\n"
           "def f():\n    from api.web import retrain\n"
           "from ..api import cli\n"
           "from records.db import init_db\n")
    got = violations("extractors/invoice/x.py", src)
    assert got == ["extractors/invoice/x.py:1 imports training.generators",
                   "extractors/invoice/x.py:2 imports evaluation",
                   "extractors/invoice/x.py:4 imports api.web"], got
    assert violations("records/x.py", "from api import cli\n") == ["records/x.py:1 imports api"]
    assert violations("evaluation/x.py", "import training.docs\n")
    assert violations("api/x.py", "import training.classifier\n") == []


def test_relative_imports_resolve_against_the_file():
    assert imported_modules("from ..api import cli\n", "extractors.invoice.x") == [
        (1, "extractors.api")]
    assert imported_modules("from . import synth\n", "extractors.clauses", is_package=True) == [
        (1, "extractors.clauses")]
    assert imported_modules("from .synth import T\n", "extractors.clauses.train") == [
        (1, "extractors.clauses.synth")]


def test_runtime_does_not_import_training_evaluation_benchmarks_or_api():
    found = [v for rel, src in _sources() for v in violations(rel, src)
             if not (rel in KNOWN and v.endswith(f" imports {KNOWN[rel]}"))]
    assert not found, "imports against the layering:\n" + "\n".join(found)


def test_known_exceptions_are_still_needed():
    """An exception that no longer matches anything must be removed from KNOWN."""
    for rel in sorted(KNOWN):
        path = ROOT / rel
        assert path.exists(), f"{rel} is gone: drop it from KNOWN"
        assert violations(rel, path.read_text(encoding="utf-8")), \
            f"{rel} is clean: drop it from KNOWN"
