# The commands of the course (see README.md). Each creates .venv first if needed.
.PHONY: lab test test-all check fuzz env site serve-site i18n

# Create the environment (first time only) and open the course in JupyterLab.
lab:
	bash scripts/lab.sh

# The course environment only: ruff, unit and property tests, every notebook
# executed once (English: Run All, then every cell again from the bottom up;
# Chinese: Run All), the explorers' node tests, and the browser suite (each
# explorer on a plain page; the notebooks with explorers in JupyterLab).
test:
	bash scripts/test.sh

# `make test`, the website, then the book's pinned stack (unit tests, English
# notebooks) and the Colab path on Python 3.13 (every notebook): two more
# environments, each notebook executed once in each. CI runs this (.ci/run).
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

# After changing an English text of the package or one a notebook passes to it:
# the Chinese catalog brought up to date with Babel (new texts empty, reworded
# ones marked fuzzy), then what is left to translate is listed.
i18n:
	bash scripts/setup-env.sh
	mkdir -p .cache
	PYTHONPATH=scripts .venv/bin/pybabel -q extract -F babel.cfg --no-default-keywords -k tr -k N_ \
		--no-location -o .cache/d2lconv.pot .
	.venv/bin/pybabel -q update -i .cache/d2lconv.pot -d d2lconv/locale -D d2lconv \
		-l zh --ignore-obsolete --ignore-pot-creation-date
	.venv/bin/python scripts/i18n_check.py

# The course as a website in site/: every notebook run once in a fresh kernel,
# rendered by Sphinx and MyST-NB. `make serve-site` builds it and serves it on
# http://127.0.0.1:8000 (SITE_PORT=... for another port).
site:
	bash scripts/setup-env.sh
	.venv/bin/python scripts/build_site.py

SITE_PORT ?= 8000
serve-site: site
	.venv/bin/python -m http.server --bind 127.0.0.1 --directory site $(SITE_PORT)
