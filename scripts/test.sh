#!/usr/bin/env bash
# make test: everything in the course environment (.venv), nothing else:
#   1. ruff (lint and format check, notebooks included), and the explorers'
#      ES modules' own tests (node --test tests/js, Node.js 18 or newer);
#   2. the whole pytest suite: unit and property tests (derandomised), every
#      notebook executed once in a fresh kernel (English: Run All, then every
#      code cell again from the bottom up; Chinese: Run All; every notebook
#      test reads that one run), and the browser suite (each explorer on a
#      plain page; in JupyterLab the English notebooks with explorers and one
#      Chinese notebook per explorer, driven by Debian's Chromium, which is
#      installed here when missing). The summary counts the executions.
# Extra arguments go to pytest (for example -k shapes).
set -euo pipefail
cd "$(dirname "$0")/.."

t0=$(date +%s)
step() { echo; echo "== test.sh: $1 ($(( $(date +%s) - t0 )) s so far)"; }

step "course environment"
bash scripts/setup-env.sh
bash scripts/install-browser.sh

step "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

# The explorers' ES modules: their arithmetic and formatting, in Node's own
# test runner (no npm package).
step "node --test tests/js"
if ! command -v node >/dev/null 2>&1; then
    echo "test.sh: node not found: install Node.js 18 or newer (for example" \
        "'apt-get install nodejs' or https://nodejs.org), then run again" >&2
    exit 1
fi
node --test tests/js/

step "test suite in .venv"
.venv/bin/python -m pytest "$@"

step "make test passed"
