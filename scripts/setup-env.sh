#!/usr/bin/env bash
# Create (or bring up to date) the course environment in .venv.
# Used by both README commands; does nothing when .venv is already current.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${PYTHON:-}" ]; then
    py=$PYTHON
elif command -v python3.11 >/dev/null 2>&1; then
    py=python3.11
else
    py=python3
fi

stamp=.venv/.d2lconv-stamp
want=$(cat pyproject.toml scripts/setup-env.sh | sha256sum | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    exit 0
fi

quiet() {
    # pip names every configured local index that lacks a package: noise here.
    "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

start=$(date +%s)
echo "setup-env: creating .venv with $($py --version)"
[ -x .venv/bin/python ] || "$py" -m venv .venv
quiet .venv/bin/python -m pip install -q --upgrade pip
quiet .venv/bin/python -m pip install -q -e ".[course,dev,site]"
# The book's package pins numpy 1.23.5, which does not build on Python 3.12+;
# its real imports come with the "course" extra above.
quiet .venv/bin/python -m pip install -q --no-deps "d2l==1.0.3"
.venv/bin/python -c "import d2lconv; from d2l import torch as d2l"
echo "$want" > "$stamp"
echo "setup-env: done in $(( $(date +%s) - start )) s, $(du -sh .venv | cut -f1) on disk"
