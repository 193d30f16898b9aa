#!/usr/bin/env bash
# make test-all (what CI runs): make test, the course website (tests/site:
# `make site`'s build, from make test's notebook runs, every page in
# Chromium), then the course in the other environments, each notebook
# executed once in each:
#   - the book's pinned stack (environment.yml built with pip into
#     .venv-pinned): the unit tests and the English notebooks;
#   - the Colab path on Colab's Python, 3.13 (.venv-colab313): every notebook,
#     English and Chinese, installing the course from a freshly built wheel
#     through its own first cell.
# It checks first that everything it needs is there, and stops at once with
# one line saying what is missing (never a silent skip). The two extra
# environments are built in the background while make test runs.
set -euo pipefail
cd "$(dirname "$0")/.."

t0=$(date +%s)
step() { echo; echo "== test-all.sh: $1 ($(( $(date +%s) - t0 )) s so far)"; }

# Colab's Python: COLAB_PYTHON313 if set (that one or nothing), else
# python3.13 on PATH, else one installed by pyenv.
find_python() {
    local candidate
    if [ -n "${COLAB_PYTHON313:-}" ]; then
        if "$COLAB_PYTHON313" -c pass >/dev/null 2>&1; then
            command -v "$COLAB_PYTHON313"
            return
        fi
        echo "test-all: COLAB_PYTHON313=$COLAB_PYTHON313 does not run; point it" \
            "at a Python 3.13 interpreter" >&2
        return 1
    fi
    for candidate in python3.13 \
        "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.13.*/bin/python3.13; do
        if "$candidate" -c pass >/dev/null 2>&1; then
            command -v "$candidate"
            return
        fi
    done
    echo "test-all: no Python 3.13 for the Colab path: install it (for example" \
        "'pyenv install 3.13') or set COLAB_PYTHON313=/path/to/python3.13" >&2
    return 1
}
py313=$(find_python)
bash scripts/install-browser.sh

step "course environment"
bash scripts/setup-env.sh

mkdir -p artifacts
envs_log=artifacts/test-environments.log
(
    bash scripts/setup-pinned-env.sh
    COLAB_SETUP_ONLY=1 COLAB_PYTHON=$py313 bash scripts/colab-path-test.sh
) >"$envs_log" 2>&1 &
envs_pid=$!
trap 'kill "$envs_pid" 2>/dev/null || true' EXIT
echo "test-all: building the pinned and Colab environments in the background" \
    "(log: $envs_log)"

# make test writes each notebook's Run All to artifacts/executed/; the website
# is built from those runs instead of executing every notebook again.
step "make test"
rm -rf artifacts/executed
bash scripts/test.sh

step "the course website (site/ built from make test's runs, every page opened in Chromium)"
D2LCONV_EXECUTED=$PWD/artifacts/executed .venv/bin/python -m pytest tests/site

step "the other environments (built in the background)"
if ! wait "$envs_pid"; then
    cat "$envs_log"
    echo "test-all: building the pinned or Colab environments failed" >&2
    exit 1
fi
trap - EXIT
grep -E "done in|environment in|creating" "$envs_log" || echo "(all up to date)"

# The pinned stack's suite and the Colab path run side by side: each keeps
# about one core busy (the Colab path runs one notebook at a time).
step "test suite on the book's pinned stack, beside the Colab path"
pinned_log=artifacts/test-pinned.log
bash scripts/test-pinned.sh >"$pinned_log" 2>&1 &
pinned_pid=$!
trap 'kill "$pinned_pid" 2>/dev/null || true' EXIT

step "Colab path on Python 3.13 ($py313), English and Chinese notebooks"
COLAB_PYTHON=$py313 bash scripts/colab-path-test.sh

step "the pinned stack's suite (log: $pinned_log)"
if ! wait "$pinned_pid"; then
    cat "$pinned_log"
    echo "test-all: the test suite on the pinned stack failed" >&2
    exit 1
fi
trap - EXIT
tail -n 3 "$pinned_log"

step "make test-all passed"
