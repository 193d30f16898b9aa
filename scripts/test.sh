#!/usr/bin/env bash
# make test: everything in the course environment (.venv), nothing else:
#   1. ruff (lint and format check, notebooks included);
#   2. the whole pytest suite: unit and property tests (derandomised), every
#      notebook executed once in a fresh kernel, then each section run again,
#      and the browser suite (JupyterLab driven by Debian's Chromium, which is
#      installed here when missing).
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

step "test suite in .venv"
.venv/bin/python -m pytest "$@"

step "make test passed"
