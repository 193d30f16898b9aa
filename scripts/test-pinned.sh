#!/usr/bin/env bash
# The book's pinned stack: environment.yml built with pip into .venv-pinned
# (Python 3.11, d2l 1.0.3, numpy 1.23.5, matplotlib 3.7.2, ...), where the unit
# tests run and each English notebook is executed once. The browser suite and
# the Chinese notebooks (the English code cells, marked `chinese`) run in the
# course environment and on the Colab path. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-pinned-env.sh
.venv-pinned/bin/python -c "import sys, numpy, matplotlib, IPython, ipywidgets, torch
print('test-pinned: Python', sys.version.split()[0], '| numpy', numpy.__version__,
      '| matplotlib', matplotlib.__version__, '| IPython', IPython.__version__,
      '| ipywidgets', ipywidgets.__version__, '| torch', torch.__version__)"
.venv-pinned/bin/python -m pytest --ignore=tests/browser -m "not chinese" "$@"
