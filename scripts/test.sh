#!/usr/bin/env bash
# Create the environment if needed, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
