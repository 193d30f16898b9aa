#!/usr/bin/env bash
# The quick loop for contributors: ruff, then the unit and property tests
# (derandomised), without the notebooks, the few slow unit tests (marked
# slow), the tests that need a font with Chinese glyphs (marked font) and the
# browser. No root, no apt: it runs wherever .venv can be built (Linux, macOS).
# Extra arguments go to pytest (for example -k shapes).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
bash scripts/setup-env.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest -q --ignore=tests/browser -m "not notebook and not slow and not font" "$@"
echo "check: passed in $(( $(date +%s) - t0 )) s"
