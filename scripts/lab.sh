#!/usr/bin/env bash
# Open the course in JupyterLab, listening on 127.0.0.1 only, with a token.
# Extra arguments go to `jupyter lab` (the browser tests pass --no-browser and a port).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
# Jupyter refuses to run as root unless told (containers, CI).
if [ "$(id -u)" -eq 0 ]; then
    set -- --allow-root "$@"
fi
exec .venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 \
    --ServerApp.root_dir="$PWD" --LabApp.default_url=/lab/tree/notebooks "$@"
