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

py313=python3.13
for candidate in "$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python3.13; do
    [ -x "$candidate" ] && py313=$candidate
done

step "course environment"
bash scripts/setup-env.sh
bash scripts/install-browser.sh

# The other three environments are built one after the other in the background
# while the main suite runs: installing is mostly disk work, and this saves
# several minutes of the test command.
mkdir -p artifacts
envs_log=artifacts/test-environments.log
(
    bash scripts/setup-pinned-env.sh
    COLAB_SETUP_ONLY=1 bash scripts/colab-path-test.sh
    COLAB_SETUP_ONLY=1 COLAB_PYTHON=$py313 COLAB_VENV=.venv-colab313 \
        bash scripts/colab-path-test.sh
) >"$envs_log" 2>&1 &
envs_pid=$!
trap 'kill "$envs_pid" 2>/dev/null || true' EXIT

step "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

step "test suite in .venv"
.venv/bin/python -m pytest "$@"

step "the other environments (built in the background)"
if ! wait "$envs_pid"; then
    cat "$envs_log"
    echo "test.sh: building the pinned or Colab environments failed" >&2
    exit 1
fi
trap - EXIT
grep -E "done in|environment in|creating" "$envs_log" || echo "(all up to date)"

step "test suite on the book's pinned stack"
bash scripts/test-pinned.sh

step "Colab path (Python 3.12, as on Colab today)"
bash scripts/colab-path-test.sh

step "Colab path on Python 3.13"
COLAB_PYTHON=$py313 COLAB_VENV=.venv-colab313 bash scripts/colab-path-test.sh

step "all passed"
