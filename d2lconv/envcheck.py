"""Check that this Python can run the course: one OK or FAIL line per need.

Run ``python -m d2lconv.envcheck`` in a terminal, or call
``check_environment()`` in a notebook. This module imports only the standard
library at the top, so ``python d2lconv/envcheck.py`` still runs (and says
what to install) in an environment where torch or d2lconv itself is missing.
"""

import importlib
import importlib.metadata
import os
import re
import sys
from typing import NamedTuple

# Lower bounds of what the course is tested with.
MIN_PYTHON = (3, 10)
MIN_TORCH = (2, 0)
MIN_IPYWIDGETS = (7, 7)

# The ipywidgets front end whose major version matches each ipywidgets major:
# a mismatch shows "Error displaying widget" or the widget's text only.
FRONT_ENDS = {
    7: {"jupyterlab_widgets": 1, "widgetsnbextension": 3},
    8: {"jupyterlab_widgets": 3, "widgetsnbextension": 4},
}

SETUP_HINT = "run `make env` in the course folder, then use the kernel of .venv"
COLAB_HINT = "on Colab, run the notebook's first code cell (the Colab setup)"


class Check(NamedTuple):
    """One need of the course: its name, whether it is met, what was found, the fix."""

    name: str
    ok: bool
    detail: str
    fix: str


def on_colab():
    """Whether this kernel runs on Google Colab."""
    return "google.colab" in sys.modules


def _version_tuple(text):
    """The leading numbers of a version string: "2.14.1+cu128" -> (2, 14, 1)."""
    release = re.match(r"\d+(\.\d+)*", text)
    return tuple(int(n) for n in release.group().split(".")) if release else ()


def _dist_version(name):
    """The installed version of a distribution, or None when it is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _import_error(err):
    """A one-line reason for a failed import."""
    return f"{type(err).__name__}: {err}"


def check_python(version_info=None, executable=None):
    """Python itself: version and which interpreter runs this kernel."""
    version_info = tuple(version_info or sys.version_info)
    executable = executable or sys.executable
    found = ".".join(str(n) for n in version_info[:3])
    wanted = ".".join(str(n) for n in MIN_PYTHON)
    return Check(
        "Python",
        version_info[:2] >= MIN_PYTHON,
        f"{found} at {executable}",
        f"use Python {wanted} or newer (the course is tested on 3.11 and 3.12): "
        f"{SETUP_HINT}",
    )


def check_torch():
    """PyTorch imports and is recent enough."""
    fix = "pip install torch (or: " + SETUP_HINT + "); on Colab torch is preinstalled"
    try:
        torch = importlib.import_module("torch")
    except Exception as err:
        return Check("torch", False, _import_error(err), fix)
    version = torch.__version__
    wanted = ".".join(str(n) for n in MIN_TORCH)
    if _version_tuple(version) < MIN_TORCH:
        return Check(
            "torch", False, f"{version} is older than {wanted}", f"{fix} >= {wanted}"
        )
    return Check("torch", True, version, fix)


def check_device():
    """Where the notebooks put tensors: CUDA when a GPU is usable, else the CPU."""
    fix = "the course also runs on the CPU; for a GPU on Colab: Runtime > "
    fix += "Change runtime type > GPU, then run the notebook again"
    try:
        torch = importlib.import_module("torch")
    except Exception as err:
        detail = f"needs torch ({_import_error(err)})"
        return Check(
            "device", False, detail, "install torch first (see the torch line)"
        )
    if torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
        return Check("device", True, f"cuda ({name}): training cells use the GPU", fix)
    return Check(
        "device", True, "cpu (no CUDA GPU found): training cells use the CPU", fix
    )


def check_ipywidgets():
    """ipywidgets imports, and a front end that can draw its widgets is installed."""
    fix = "pip install 'ipywidgets>=8' jupyterlab_widgets, then restart JupyterLab"
    try:
        ipywidgets = importlib.import_module("ipywidgets")
    except Exception as err:
        return Check("ipywidgets", False, _import_error(err), fix)
    version = ipywidgets.__version__
    release = _version_tuple(version)
    wanted = ".".join(str(n) for n in MIN_IPYWIDGETS)
    if release < MIN_IPYWIDGETS:
        return Check("ipywidgets", False, f"{version} is older than {wanted}", fix)
    if on_colab():
        return Check("ipywidgets", True, f"{version}, front end: Colab's own", fix)
    # A major this check does not know yet: any installed front end will do.
    front_ends = FRONT_ENDS.get(release[0]) or dict.fromkeys(FRONT_ENDS[8])
    found, mismatched = [], []
    for dist, want_major in front_ends.items():
        have = _dist_version(dist)
        if have is None:
            continue
        if want_major is None or _version_tuple(have)[:1] == (want_major,):
            found.append(f"{dist} {have}")
        else:
            mismatched.append(f"{dist} {have} (needs {want_major}.x)")
    if found:
        return Check(
            "ipywidgets", True, f"{version}, front end: {', '.join(found)}", fix
        )
    if mismatched:
        detail = f"{version}, but the front end does not match: "
        return Check("ipywidgets", False, detail + ", ".join(mismatched), fix)
    detail = f"{version}, but no front end (jupyterlab_widgets or widgetsnbextension)"
    return Check("ipywidgets", False, detail, fix)


def check_d2l():
    """The book's package imports: ``from d2l import torch as d2l``."""
    fix = (
        "pip install --no-deps d2l==1.0.3 and its imports: pip install "
        "torchvision pandas scipy requests matplotlib-inline Pillow; " + COLAB_HINT
    )
    try:
        importlib.import_module("d2l.torch")
    except Exception as err:
        missing = getattr(err, "name", None)
        top = (missing or "d2l").split(".")[0]
        if isinstance(err, ModuleNotFoundError) and top != "d2l":
            fix = f"pip install {top} (d2l imports it); " + fix
        return Check("d2l", False, _import_error(err), fix)
    version = getattr(sys.modules.get("d2l"), "__version__", "?")
    return Check("d2l", True, f"{version}, `from d2l import torch as d2l` works", fix)


def check_d2lconv():
    """The course package imports, and from where."""
    fix = "pip install -e . in the course folder (or: " + SETUP_HINT
    fix += "); " + COLAB_HINT
    try:
        module = importlib.import_module("d2lconv")
    except Exception as err:
        return Check("d2lconv", False, _import_error(err), fix)
    where = os.path.dirname(getattr(module, "__file__", "") or "?")
    return Check("d2lconv", True, f"{module.__version__} from {where}", fix)


CHECKS = (
    check_python,
    check_torch,
    check_device,
    check_ipywidgets,
    check_d2l,
    check_d2lconv,
)


def format_check(check):
    """The lines printed for one check: OK or FAIL, then the fix when it failed."""
    line = f"{'OK  ' if check.ok else 'FAIL'}  {check.name:<11} {check.detail}"
    if check.ok:
        return line
    return f"{line}\n      fix: {check.fix}"


def check_environment(verbose=True):
    """Check every need of the course; print OK/FAIL lines and return the checks."""
    checks = [check() for check in CHECKS]
    if verbose:
        for check in checks:
            print(format_check(check))
        failed = sum(not check.ok for check in checks)
        print("All needs are met." if not failed else f"{failed} need(s) to fix.")
    return checks


def main():
    """Command-line entry: print the checks, exit 1 when any of them failed."""
    checks = check_environment(verbose=True)
    return 0 if all(check.ok for check in checks) else 1


if __name__ == "__main__":
    if not __package__:
        # Run as a file: its own folder must not shadow top-level modules.
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.exit(main())
