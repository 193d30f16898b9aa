#!/usr/bin/env bash
# Create the environments if needed, then run every test:
#   1. lint and format check (ruff);
#   2. the whole suite in the course environment .venv, browser tests included
#      (JupyterLab driven by Debian's Chromium, installed here when missing);
#   3. the whole suite (browser tests aside) and every notebook on the book's
#      pinned stack (environment.yml built with pip into .venv-pinned);
#   4. the Colab path: Colab's packages on Python 3.12, each notebook installing
#      the course from its first cell (.venv-colab); then the same on Python
#      3.13 (.venv-colab313).
# Extra arguments go to the pytest run of step 2 only.
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

step "test suite on the book's pinned stack"
bash scripts/test-pinned.sh

step "Colab path (Python 3.12, as on Colab today)"
bash scripts/colab-path-test.sh

step "Colab path on Python 3.13"
py313=python3.13
for candidate in "$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python3.13; do
    [ -x "$candidate" ] && py313=$candidate
done
COLAB_PYTHON=$py313 COLAB_VENV=.venv-colab313 bash scripts/colab-path-test.sh

step "all passed"
