"""Start-up cost guards: `import api.cli` (every `backoffice` command) loads no heavy library,
and a deferred module behaves as the real one once used. Run in fresh interpreters, since the
test process has imported everything already."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy", "chromadb", "torch", "onnxruntime", "fastapi", "langchain_core",
         "pydantic", "sqlalchemy", "alembic", "pypdfium2", "rapidocr")


def _python(code: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120, check=True)
    return out.stdout.strip()


def test_importing_the_cli_loads_no_heavy_library() -> None:
    loaded = json.loads(_python(
        "import json, sys, api.cli; "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"))
    assert loaded == []


def test_building_the_parser_loads_no_model_library() -> None:
    # `backoffice --help` and every command's argument parsing (users' roles and webhooks'
    # event names come from modules of their own, not from the SQLAlchemy ones)
    loaded = json.loads(_python(
        "import json, sys, api.cli; api.cli.defer_modules(); api.cli.build_parser(); "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sklearn', 'scipy', 'chromadb', 'torch', 'onnxruntime', 'fastapi', 'pydantic', "
        "'sqlalchemy', 'alembic'})))"))
    assert loaded == []


def test_sklearn_under_the_cli_does_not_load_scipy_stats() -> None:
    out = json.loads(_python(
        "import json, sys; from api.startup import defer_modules; defer_modules(); "
        "import sklearn.ensemble, sklearn.isotonic, sklearn.feature_extraction.text; "
        "print(json.dumps(['scipy.stats._stats_py' in sys.modules, "
        "type(sys.modules['scipy.stats']).__name__]))"))
    assert out == [False, "DeferredModule"]


def test_a_deferred_module_works_once_used() -> None:
    out = json.loads(_python(
        "import json, sys; from api.startup import defer_modules; defer_modules(); "
        "from scipy.stats import rankdata, chi2; import scipy.stats as st; "
        "a = [float(x) for x in rankdata([3, 1, 2])]; b = round(float(chi2.ppf(0.5, 2)), 6); "
        "c = round(float(st.norm.cdf(0)), 6); import scipy.stats.mstats; "
        "print(json.dumps([a, b, c, type(sys.modules['scipy.stats']).__name__, "
        "type(sys.modules['scipy']).__dict__ is not None and "
        "sys.modules['scipy'].stats is sys.modules['scipy.stats']]))"))
    assert out == [[3.0, 1.0, 2.0], 1.386294, 0.5, "module", True]


def test_sklearn_fits_and_scores_under_the_cli_with_optimize_and_integrate_deferred() -> None:
    # `backoffice train` runs under the CLI: solvers (scipy.optimize) and auc (scipy.integrate)
    # load on first use
    out = json.loads(_python(
        "import json, sys; from api.startup import defer_modules; defer_modules(); "
        "import sklearn.ensemble, sklearn.metrics; "
        "before = [type(sys.modules[m]).__name__ for m in ('scipy.optimize', 'scipy.integrate')]; "
        "from sklearn.linear_model import LogisticRegression; "
        "from sklearn.metrics import roc_auc_score; "
        "from sklearn.metrics.cluster._bicluster import linear_sum_assignment as lsa; "
        "m = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]); "
        "auc = roc_auc_score([0, 0, 1, 1], m.predict_proba([[0.0], [1.0], [2.0], [3.0]])[:, 1]); "
        "rows = [int(i) for i in lsa([[1, 0], [0, 1]])[1]]; "
        "print(json.dumps([before, int(m.predict([[3.0]])[0]), float(auc), rows]))"))
    assert out == [["DeferredModule", "DeferredModule"], 1, 1.0, [1, 0]]


def test_quick_exit_flushes_runs_the_exit_handlers_and_keeps_the_code() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = ("import atexit, sys, logging; from api.startup import quick_exit; "
            "logging.basicConfig(stream=sys.stderr); "
            "atexit.register(lambda: print('handler ran', flush=True)); "
            "print('written', end=''); sys.stderr.write('to stderr'); "
            "logging.getLogger('x').warning('logged'); quick_exit(3)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 3
    assert out.stdout == "writtenhandler ran\n"
    assert "to stderr" in out.stderr and "logged" in out.stderr


def test_quick_exit_waits_for_a_running_thread_as_a_normal_exit_does() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = ("import threading, time; from api.startup import quick_exit; "
            "t = threading.Thread(target=lambda: (time.sleep(0.5), print('thread done'))); "
            "t.start(); quick_exit(0)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and out.stdout == "thread done\n"


def test_the_process_command_leaves_the_collector_running(tmp_path: Path) -> None:
    import gc

    from api.cli import main

    doc = tmp_path / "note.txt"
    doc.write_text("INVOICE\nInvoice number: INV-1\nTotal: 10.00 EUR\n", encoding="utf-8")
    assert main(["process", "--no-progress", "--workers", "1", "--data-dir",
                 str(tmp_path / "data"), str(doc)]) == 0
    assert gc.isenabled()
    assert main(["process", "--no-progress", "--data-dir", str(tmp_path / "data"),
                 str(tmp_path / "missing.txt")]) != 0  # an early return resumes it too
    assert gc.isenabled()


def test_a_one_file_process_imports_neither_sklearn_nor_scipy(tmp_path: Path) -> None:
    # the classifier hashes with NumPy and mmh3 and the field scorers' trees are NumPy
    # stand-ins (`modelfile.estimators`); no bar (tqdm) for one file
    text = tmp_path / "invoice.txt"
    text.write_text("INVOICE\nNorthwind Traders GmbH\nInvoice number: INV-2024-0042\n"
                    "Invoice date: 2024-03-05\nTotal: 1,234.50 EUR\n", encoding="utf-8")
    loaded = json.loads(_python(
        "import json, sys; from api.cli import main; "
        f"rc = main(['process', '--data-dir', {str(tmp_path / 'data')!r}, {str(text)!r}]); "
        "print(json.dumps([rc, sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sklearn', 'scipy', 'tqdm', 'chromadb', 'torch', 'onnxruntime'})]))"
    ).splitlines()[-1])
    assert loaded == [0, []]


def test_a_one_file_process_of_a_text_loads_no_ocr_iban_or_postgresql_code(tmp_path: Path) -> None:
    # a text needs no OCR pool (PIL, the engines), no IBAN library unless an IBAN is checked,
    # and on SQLite no PostgreSQL dialect (the schema's PostgreSQL index option is added
    # when a PostgreSQL engine is made: `records.models.add_dialect_options`)
    text = tmp_path / "invoice.txt"
    text.write_text("INVOICE\nNorthwind Traders GmbH\nInvoice number: INV-2024-0042\n"
                    "Invoice date: 2024-03-05\nTotal: 1,234.50 EUR\n", encoding="utf-8")
    watched = ("ingest.ocr", "ingest.ocr.pool", "PIL", "schwifty", "pypdfium2",
               "sqlalchemy.dialects.postgresql")
    data = str(tmp_path / "data")
    code = ("import json, sys; from api.cli import main; "
            f"rc = main(['process', '--data-dir', {data!r}, {str(text)!r}]); "
            f"print(json.dumps([rc, sorted(set(sys.modules) & set({watched!r}))]))")
    _python(code)  # the first run makes the data dir
    text.write_text(text.read_text(encoding="utf-8") + "Reference: 2\n", encoding="utf-8")
    assert json.loads(_python(code).splitlines()[-1]) == [0, []]


def test_the_postgresql_partial_index_is_added_for_postgresql_engines() -> None:
    out = json.loads(_python(
        "import json, sys; from sqlalchemy.schema import CreateIndex; "
        "from records.models import LedgerEntry, add_dialect_options; "
        "loaded = 'sqlalchemy.dialects.postgresql' in sys.modules; "
        "from sqlalchemy.dialects import postgresql; "
        "idx = next(i for i in LedgerEntry.__table__.indexes "
        "if i.name == 'uq_ledger_booked_invoice'); "
        "before = str(CreateIndex(idx).compile(dialect=postgresql.dialect())); "
        "add_dialect_options('postgresql'); add_dialect_options('postgresql'); "
        "after = str(CreateIndex(idx).compile(dialect=postgresql.dialect())); "
        "print(json.dumps([loaded, 'WHERE' in before, after]))"))
    assert out[:2] == [False, False]
    assert out[2].endswith("WHERE status IN ('approved', 'paid')")


def test_a_one_file_process_of_a_text_imports_only_what_an_invoice_needs(tmp_path: Path) -> None:
    # the other commands' modules, QA's correction grammar, the e-invoice XML reader (lxml),
    # the receipt path (ranker, line classifier, till sums), vendor hints (none stored),
    # tomllib (no policy file), e-mail's header registry, filelock (no set-up to lock on
    # an existing data dir) and multiprocessing (no pool for one file) are imported where used
    text = tmp_path / "invoice.txt"
    text.write_text("INVOICE\nNorthwind Traders GmbH\nInvoice number: INV-2024-0042\n"
                    "Invoice date: 2024-03-05\nTotal: 1,234.50 EUR\n", encoding="utf-8")
    watched = ("api.commands.serve", "api.commands.users", "api.commands.eval",
               "workflow.corrections", "ingest.einvoice", "lxml",
               "extractors.invoice.receipt_ranker", "extractors.invoice.receipt_lines",
               "extractors.invoice.till", "extractors.invoice.hints", "tomllib",
               "email.policy", "filelock", "multiprocessing")
    data = str(tmp_path / "data")
    code = ("import json, sys; from api.cli import main; "
            f"rc = main(['process', '--data-dir', {data!r}, {str(text)!r}]); "
            f"print(json.dumps([rc, sorted(set(sys.modules) & set({watched!r}))]))")
    _python(code)  # the first run makes the data dir
    text.write_text(text.read_text(encoding="utf-8") + "Reference: 2\n", encoding="utf-8")
    assert json.loads(_python(code).splitlines()[-1]) == [0, []]


def test_a_one_file_process_into_a_new_data_dir_needs_no_alembic(tmp_path: Path) -> None:
    # the new database comes from the schema snapshot (`records.db.create_from_snapshot`),
    # country names from policies/country_names.json
    text = tmp_path / "invoice.txt"
    text.write_text("INVOICE\nNorthwind Traders GmbH\nInvoice number: INV-2024-0042\n"
                    "Invoice date: 2024-03-05\nTotal: 1,234.50 EUR\n", encoding="utf-8")
    watched = ("alembic", "mako", "pycountry")
    code = ("import json, sys; from api.cli import main; "
            f"rc = main(['process', '--data-dir', {str(tmp_path / 'data')!r}, {str(text)!r}]); "
            "print(json.dumps([rc, sorted({m.split('.')[0] for m in sys.modules} & "
            f"set({watched!r}))]))")
    assert json.loads(_python(code).splitlines()[-1]) == [0, []]


def test_a_named_command_is_parsed_alone_and_help_lists_every_command() -> None:
    from api.cli import build_parser, command_named
    from api.commands import COMMANDS

    assert command_named(["process", "a.txt"]) == "process"
    assert command_named(["-v", "process", "a.txt"]) == "process"
    assert command_named(["--verbose", "users", "list"]) == "users"
    assert command_named(["-h", "process"]) is None  # help lists every command
    assert command_named(["nope", "x"]) is None and command_named([]) is None
    parser, modules = build_parser("process")
    assert list(modules) == ["process"]
    args = parser.parse_args(["-v", "process", "--json", "a.txt"])
    assert (args.command, args.verbose, args.json) == ("process", True, True)
    assert list(build_parser()[1]) == list(COMMANDS)


def test_the_vendor_hints_are_still_reached_through_the_invoice_extractor() -> None:
    out = json.loads(_python(
        "import json, sys; import extractors.invoice as ei; "
        "before = 'extractors.invoice.hints' in sys.modules; "
        "from extractors.invoice import VendorHints, vendor_key; "
        "from extractors.invoice.hints import VendorHints as direct; "
        "print(json.dumps([before, VendorHints is direct, callable(vendor_key), "
        "hasattr(ei, 'no_such_name')]))"))
    assert out == [False, True, True, False]


def test_the_program_freezes_what_lives_after_its_last_document(tmp_path: Path) -> None:
    # `backoffice process` ends right after its last document (`entry`: main(exiting=True)):
    # the collector is enabled with everything frozen instead of walking it all once more;
    # a caller that goes on (main()) gets the collector back as it was
    doc = tmp_path / "note.txt"
    doc.write_text("INVOICE\nInvoice number: INV-1\nTotal: 10.00 EUR\n", encoding="utf-8")
    data = str(tmp_path / "data")
    code = ("import gc, json; from api.cli import main; "
            f"rc = main(['process', '--no-progress', '--data-dir', {data!r}, {str(doc)!r}], "
            "exiting={}); print(json.dumps([rc, gc.isenabled(), gc.get_freeze_count()]))")
    rc, enabled, frozen = json.loads(_python(code.format(True)).splitlines()[-1])
    assert rc == 0 and enabled and frozen > 100_000
    assert json.loads(_python(code.format(False)).splitlines()[-1]) == [0, True, 0]
