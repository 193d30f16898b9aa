#!/usr/bin/env bash
# The long random runs: every property test (hypothesis) and every explorer's
# random combinations, with SCALE times the usual number of cases and a fresh
# random seed, printed first and again on failure so that it can be replayed:
#   make fuzz                  # a new seed, 10 times the cases
#   make fuzz SEED=123         # replay that seed
#   make fuzz SCALE=50         # more cases
# Extra arguments go to pytest. CI does not run this (it is random by design);
# CI runs the same tests derandomised.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
seed=${SEED:-$(( (RANDOM << 15) | RANDOM ))}
scale=${SCALE:-10}
echo "fuzz: seed $seed, $scale times the usual cases"
t0=$(date +%s)
status=0
HYPOTHESIS_PROFILE=fuzz D2LCONV_FUZZ_SEED=$seed D2LCONV_FUZZ_SCALE=$scale \
    .venv/bin/python -m pytest -q -p no:cacheprovider --ignore=tests/browser \
    -m "not notebook" --hypothesis-seed="$seed" "$@" || status=$?
if [ "$status" -ne 0 ]; then
    echo "fuzz: FAILED with seed $seed (scale $scale);" \
        "replay with: make fuzz SEED=$seed SCALE=$scale" >&2
    exit "$status"
fi
echo "fuzz: passed with seed $seed, scale $scale, in $(( $(date +%s) - t0 )) s"
