#!/usr/bin/env bash
# Run every test (except the browser tests) and every notebook on the book's
# pinned stack: environment.yml built with pip into .venv-pinned (Python 3.11,
# d2l 1.0.3, numpy 1.23.5, matplotlib 3.7.2, ...). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-pinned-env.sh
.venv-pinned/bin/python -c "import sys, numpy, matplotlib, IPython, ipywidgets, torch
print('test-pinned: Python', sys.version.split()[0], '| numpy', numpy.__version__,
      '| matplotlib', matplotlib.__version__, '| IPython', IPython.__version__,
      '| ipywidgets', ipywidgets.__version__, '| torch', torch.__version__)"
# The Chinese notebooks (the English code cells, the package in Chinese) run
# in the course environment and on the Colab path; here the English ones do.
.venv-pinned/bin/python -m pytest --ignore=tests/browser \
    --deselect tests/test_notebooks.py::test_chinese_notebook_runs_clean_and_speaks_chinese "$@"
