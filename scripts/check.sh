#!/usr/bin/env bash
# The quick loop for contributors: ruff, then the unit and property tests
# (derandomised), without the notebooks, the few slow unit tests (marked
# slow) and the browser.
# Extra arguments go to pytest (for example -k shapes).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
bash scripts/setup-env.sh
# The Chinese pictures' tests draw with a font that has Chinese glyphs.
bash scripts/install-browser.sh fonts
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest -q --ignore=tests/browser -m "not notebook and not slow" "$@"
echo "check: passed in $(( $(date +%s) - t0 )) s"
