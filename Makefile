# The commands of the course (see README.md). Each creates .venv first if needed.
.PHONY: lab test test-all check fuzz env

# Create the environment (first time only) and open the course in JupyterLab.
lab:
	bash scripts/lab.sh

# The course environment only: ruff, unit and property tests, every notebook
# (run once, then each section again), and the browser suite (JupyterLab in Chromium).
test:
	bash scripts/test.sh

# `make test` plus the book's pinned stack and the Colab path on Python 3.12
# and 3.13 (three more environments). CI runs this (.ci/run).
test-all:
	bash scripts/test-all.sh

# The quick loop for contributors: ruff and the unit tests; no notebooks, no browser.
check:
	bash scripts/check.sh

# The property and explorer tests with many more random cases and a new seed
# (printed); `make fuzz SEED=123` replays one, `SCALE=50` tries more.
fuzz:
	bash scripts/fuzz.sh

env:
	bash scripts/setup-env.sh
