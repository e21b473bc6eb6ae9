#!/usr/bin/env bash
# One command: install what is missing (dev extras, Chromium, PostgreSQL), lint, run every test.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not slow" tests/ingest
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --dev
.venv/bin/ruff check .
set +e
.venv/bin/python -m pytest -q "$@"
rc=$?
set -e
# pytest exits 5 when it collected no tests: that is a failure here too.
exit $rc
