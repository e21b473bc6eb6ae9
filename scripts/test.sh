#!/usr/bin/env bash
# One command: install what is missing (dev extras, Chromium, PostgreSQL), lint, run every test.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not slow" tests/ingest
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --dev
.venv/bin/ruff check .
# Two test processes by default (BACKOFFICE_TEST_PROCESSES to change; 1 runs them in one):
# the suite took 10-11 min in one process on two cores, 6 in two. Not one per core: tests
# start worker pools and servers of their own, and each test process holds the models
# (~1 GB). --dist loadfile keeps a module's tests, and its module fixtures, in one process.
procs="${BACKOFFICE_TEST_PROCESSES:-2}"
parallel=()
if [ "$procs" -gt 1 ]; then parallel=(-n "$procs" --dist loadfile); fi
set +e
.venv/bin/python -m pytest -q "${parallel[@]}" "$@"
rc=$?
set -e
# pytest exits 5 when it collected no tests: that is a failure here too.
exit $rc
