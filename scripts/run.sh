#!/usr/bin/env bash
# One command: install what is missing, then start Backoffice on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
export BACKOFFICE_DATA_DIR="${BACKOFFICE_DATA_DIR:-$PWD/data}"
exec .venv/bin/backoffice serve --host "${BACKOFFICE_HOST:-127.0.0.1}" --port "${BACKOFFICE_PORT:-8000}"
