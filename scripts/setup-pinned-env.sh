#!/usr/bin/env bash
# Create (or bring up to date) .venv-pinned: the book's stack from environment.yml
# (Python 3.11, d2l==1.0.3 with numpy 1.23.5, matplotlib 3.7.2, ...), built with
# pip instead of conda, plus the development tools. Does nothing when current.
set -euo pipefail
cd "$(dirname "$0")/.."

env_dir=${PINNED_VENV:-.venv-pinned}
if [ -n "${PYTHON:-}" ]; then
    py=$PYTHON
elif command -v python3.11 >/dev/null 2>&1; then
    py=python3.11
else
    py=python3
fi

stamp=$env_dir/.d2lconv-stamp
want=$(cat environment.yml pyproject.toml scripts/setup-pinned-env.sh | sha256sum | cut -d' ' -f1)
if [ -x "$env_dir/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    exit 0
fi

# The pip list of environment.yml, one requirement a line; the course itself
# gets the development extra too, so that the test suite runs here.
reqs=$(mktemp)
trap 'rm -f "$reqs"' EXIT
"$py" - environment.yml >"$reqs" <<'PYEOF'
import re
import sys

lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
start = next(i for i, line in enumerate(lines) if re.match(r"\s*- pip:\s*$", line))
indent = None
for line in lines[start + 1 :]:
    if not line.strip() or line.strip().startswith("#"):
        continue
    match = re.match(r"(\s*)- (.+?)\s*(#.*)?$", line)
    if not match or (indent is not None and len(match.group(1)) != indent):
        break
    indent = len(match.group(1))
    print(match.group(2).replace(".[course]", ".[course,dev]"))
PYEOF

start=$(date +%s)
echo "setup-pinned-env: creating $env_dir with $($py --version)"
[ -x "$env_dir/bin/python" ] || "$py" -m venv "$env_dir"
quiet() {
    # pip names every configured local index that lacks a package: noise here.
    "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}
quiet "$env_dir/bin/python" -m pip install -q --upgrade pip
# One resolver run over the whole list, so that nothing later moves d2l's pins.
quiet "$env_dir/bin/python" -m pip install -q -r "$reqs"
"$env_dir/bin/python" -c "import d2lconv; from d2l import torch as d2l"
"$env_dir/bin/python" -m pip check
echo "$want" >"$stamp"
echo "setup-pinned-env: done in $(( $(date +%s) - start )) s," \
    "$(du -sh "$env_dir" | cut -f1) on disk"
