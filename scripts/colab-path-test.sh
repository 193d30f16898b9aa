#!/usr/bin/env bash
# Reproduce the Colab path here: build the d2lconv wheel, make an environment
# with only what Colab ships (its Python, 3.13; numpy 2, matplotlib 3.10,
# ipywidgets 7, IPython 7, torch, and the packages d2l imports), then run
# every notebook, English and Chinese, once in it with a kernel that believes
# it is on Colab. The run starts without d2lconv and d2l: the setup cell (the
# same in every notebook) must install d2lconv (from the built wheel) and d2l
# 1.0.3 with no package index.
#
#   bash scripts/colab-path-test.sh            # every notebook
#   bash scripts/colab-path-test.sh -k 00      # extra arguments go to pytest
#
# COLAB_PYTHON picks another interpreter (default: python3.13 on PATH or
# pyenv's), COLAB_VENV another environment folder (default: .venv-colab313).
# Colab no longer ships Python 3.12, so neither does this test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh

env_dir=${COLAB_VENV:-.venv-colab313}

find_python() {
    local candidate
    if [ -n "${COLAB_PYTHON:-}" ]; then
        # Asked for by name: that one or nothing, never a silent substitute.
        if "$COLAB_PYTHON" -c pass >/dev/null 2>&1; then
            command -v "$COLAB_PYTHON"
            return
        fi
        echo "colab-path-test: COLAB_PYTHON=$COLAB_PYTHON does not run" >&2
        return 1
    fi
    for candidate in python3.13 \
        "$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python3.13; do
        if "$candidate" -c pass >/dev/null 2>&1; then
            command -v "$candidate"
            return
        fi
    done
    echo "colab-path-test: no Python 3.13 found; set COLAB_PYTHON" >&2
    return 1
}
py=$(find_python)

# What a Colab GPU runtime ships (its pip freeze), for the packages the course
# and d2l touch; numpy and pandas in the first releases with wheels for Python
# 3.13 (Colab's numpy 2.0.2 and pandas 2.2.2 have none). torch: Colab has 2.11
# (CUDA 12.8); this is the release the other environments use, whose CUDA
# libraries pip finds on this machine.
colab_packages=(
    numpy==2.1.3
    matplotlib==3.10.0
    matplotlib-inline==0.2.2
    pandas==2.2.3
    scipy==1.16.3
    pillow==11.3.0
    requests==2.32.4
    ipython==7.34.0
    ipykernel==6.17.1
    ipywidgets==7.7.1
    anywidget==0.9.21
    psygnal==0.11.1
    widgetsnbextension==3.6.10
    jupyterlab_widgets==3.0.16
    jupyter_client==7.4.9
    traitlets==5.7.1
    tornado==6.5.1
    pyzmq==26.2.1
    torch==2.14.1
    torchvision==0.29.1
)

quiet() {
    # pip names every configured local index that lacks a package: noise here.
    "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

stamp=$env_dir/.d2lconv-stamp
want=$( (echo "$py"; "$py" --version; printf '%s\n' "${colab_packages[@]}") |
    sha256sum | cut -d' ' -f1)
if [ ! -x "$env_dir/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    start=$(date +%s)
    echo "colab-path-test: creating $env_dir with $("$py" --version)"
    rm -rf "$env_dir"
    "$py" -m venv "$env_dir"
    quiet "$env_dir/bin/python" -m pip install -q "${colab_packages[@]}"
    echo "$want" >"$stamp"
    echo "colab-path-test: environment in $(( $(date +%s) - start )) s," \
        "$(du -sh "$env_dir" | cut -f1) on disk"
fi

# COLAB_SETUP_ONLY=1: build the environment, run nothing (test.sh builds it
# in the background while other tests run).
if [ -n "${COLAB_SETUP_ONLY:-}" ]; then
    exit 0
fi

# The wheel of the working tree, and the book's d2l, for an install with no index.
wheels=$(mktemp -d)
trap 'rm -rf "$wheels"' EXIT
quiet .venv/bin/python -m pip wheel -q --no-deps --no-build-isolation -w "$wheels" .
quiet .venv/bin/python -m pip download -q --no-deps -d "$wheels" "d2l==1.0.3"

D2LCONV_COLAB_PYTHON="$(cd "$env_dir" && pwd)/bin/python" \
D2LCONV_COLAB_WHEELS="$wheels" \
    .venv/bin/python -m pytest -p no:cacheprovider tests/colab_path_run.py "$@"
