"""Check that this Python can run the course: one OK or FAIL line per need.

Run ``python -m d2lconv.envcheck`` in a terminal, or call
``check_environment()`` in a notebook. Only the standard library is imported
at the top, so ``python d2lconv/envcheck.py`` still runs (and says what to
install) where torch or d2lconv is missing, in the package's language
(``D2LCONV_LANG=zh``): run as a file, it loads ``i18n.py`` from its folder.
"""

import importlib
import importlib.metadata
import importlib.util
import os
import re
import sys
from typing import NamedTuple


def _file_i18n():
    """``tr`` and ``columns`` of the ``i18n.py`` beside this file (run as a plain
    script), or English for a copy of this file alone."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "i18n.py")
    try:
        spec = importlib.util.spec_from_file_location("_d2lconv_i18n", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.tr, module.columns
    except Exception:

        def tr(text, /, **values):
            return text.format(**values) if values else text

        return tr, len


try:
    from .i18n import columns, tr
except ImportError:  # run as a file: no package to import from
    tr, columns = _file_i18n()


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


def _setup_hint():
    return tr("run `make env` in the course folder, then use the kernel of .venv")


def _colab_hint():
    return tr("on Colab, run the notebook's first code cell (the Colab setup)")


class Check(NamedTuple):
    """One need of the course: its name, whether it is met, what was found, the fix."""

    name: str
    ok: bool
    detail: str
    fix: str


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


def _import(name, fix, minimum=(), old_fix=None):
    """``(module, version, None)``, or ``(None, None, failed Check)`` when ``name``
    does not import (the reason in one line) or is older than ``minimum``."""
    try:
        module = importlib.import_module(name)
    except Exception as err:
        return None, None, Check(name, False, f"{type(err).__name__}: {err}", fix)
    version = getattr(module, "__version__", None) or _dist_version(name) or "0"
    if _version_tuple(version) < minimum:
        wanted = ".".join(str(n) for n in minimum)
        detail = tr("{version} is older than {wanted}", version=version, wanted=wanted)
        return None, None, Check(name, False, detail, old_fix or fix)
    return module, version, None


def check_python(version_info=None, executable=None):
    """Python itself: version and which interpreter runs this kernel."""
    version_info = tuple(version_info or sys.version_info)
    executable = executable or sys.executable
    found = ".".join(str(n) for n in version_info[:3])
    wanted = ".".join(str(n) for n in MIN_PYTHON)
    return Check(
        "Python",
        version_info[:2] >= MIN_PYTHON,
        tr("{found} at {executable}", found=found, executable=executable),
        tr(
            "use Python {wanted} or newer (the course is tested on 3.11 and 3.12): "
            "{setup}",
            wanted=wanted,
            setup=_setup_hint(),
        ),
    )


def check_torch():
    """PyTorch imports and is recent enough."""
    fix = tr(
        "pip install torch (or: {setup}); on Colab torch is preinstalled",
        setup=_setup_hint(),
    )
    wanted = ".".join(str(n) for n in MIN_TORCH)
    old = tr("pip install --upgrade 'torch>={wanted}'", wanted=wanted)
    _, version, failed = _import("torch", fix, MIN_TORCH, old)
    return failed or Check("torch", True, version, fix)


def check_device():
    """Where the notebooks put tensors: CUDA when a GPU is usable, else the CPU."""
    fix = tr(
        "the course also runs on the CPU; for a GPU on Colab: Runtime > "
        "Change runtime type > GPU, then run the notebook again"
    )
    torch, _, failed = _import("torch", fix)
    if failed:
        detail = tr("needs torch ({error})", error=failed.detail)
        return Check(
            "device", False, detail, tr("install torch first (see the torch line)")
        )
    if torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
        detail = tr("cuda ({name}): training cells use the GPU", name=name)
    else:
        detail = tr("cpu (no CUDA GPU found): training cells use the CPU")
    return Check("device", True, detail, fix)


def check_ipywidgets():
    """ipywidgets imports, and a front end that can draw its widgets is installed."""
    fix = tr("pip install 'ipywidgets>=8' jupyterlab_widgets, then restart JupyterLab")
    _, version, failed = _import("ipywidgets", fix, MIN_IPYWIDGETS)
    if failed:
        return failed
    if "google.colab" in sys.modules:  # a Colab kernel
        detail = tr("{version}, front end: Colab's own", version=version)
        return Check("ipywidgets", True, detail, fix)
    # A major this check does not know yet: any installed front end will do.
    unknown = dict.fromkeys(FRONT_ENDS[8])
    found, mismatched = [], []
    for dist, major in FRONT_ENDS.get(_version_tuple(version)[0], unknown).items():
        if (have := _dist_version(dist)) is None:
            continue
        if major in (None, *_version_tuple(have)[:1]):
            found.append(f"{dist} {have}")
        else:
            needs = dict(dist=dist, have=have, major=major)
            mismatched.append(tr("{dist} {have} (needs {major}.x)", **needs))
    if found:
        found = tr(", ").join(found)
        detail = tr("{version}, front end: {found}", version=version, found=found)
    elif mismatched:
        detail = tr(
            "{version}, but the front end does not match: {found}",
            version=version,
            found=tr(", ").join(mismatched),
        )
    else:
        detail = tr(
            "{version}, but no front end (jupyterlab_widgets or widgetsnbextension)",
            version=version,
        )
    return Check("ipywidgets", bool(found), detail, fix)


def check_anywidget():
    """anywidget imports: the explorers' controls and pictures run in the page."""
    fix = tr("pip install 'anywidget>=0.9', then restart JupyterLab")
    _, version, failed = _import("anywidget", fix, (0, 9))
    detail = tr("{version}: the explorers draw in the page", version=version)
    return failed or Check("anywidget", True, detail, fix)


def check_d2l():
    """The book's package imports: ``from d2l import torch as d2l``."""
    fix = tr(
        "pip install --no-deps d2l==1.0.3 and its imports: pip install "
        "torchvision pandas scipy requests matplotlib-inline Pillow; {colab}",
        colab=_colab_hint(),
    )
    try:
        importlib.import_module("d2l.torch")
    except Exception as err:
        top = (getattr(err, "name", None) or "d2l").split(".")[0]
        if isinstance(err, ModuleNotFoundError) and top != "d2l":
            fix = tr("pip install {top} (d2l imports it); {fix}", top=top, fix=fix)
        return Check("d2l", False, f"{type(err).__name__}: {err}", fix)
    version = getattr(sys.modules.get("d2l"), "__version__", "?")
    detail = tr("{version}, `from d2l import torch as d2l` works", version=version)
    return Check("d2l", True, detail, fix)


def check_d2lconv():
    """The course package imports, and from where."""
    fix = tr(
        "pip install -e . in the course folder (or: {setup}); {colab}",
        setup=_setup_hint(),
        colab=_colab_hint(),
    )
    module, version, failed = _import("d2lconv", fix)
    where = os.path.dirname(getattr(module, "__file__", "") or "?")
    detail = tr("{version} from {where}", version=version, where=where)
    return failed or Check("d2lconv", True, detail, fix)


CHECKS = (
    check_python,
    check_torch,
    check_device,
    check_ipywidgets,
    check_anywidget,
    check_d2l,
    check_d2lconv,
)


def _pad(text, width):
    """``text`` padded with spaces to ``width`` columns (a Chinese character: 2)."""
    return text + " " * (width - columns(text))


def format_check(check):
    """The lines printed for one check: OK or FAIL, then the fix when it failed."""
    status = _pad(tr("OK") if check.ok else tr("FAIL"), 4)
    name = tr("device") if check.name == "device" else check.name
    line = f"{status}  {_pad(name, 11)} {check.detail}"
    if check.ok:
        return line
    return f"{line}\n      " + tr("fix: {fix}", fix=check.fix)


def check_environment():
    """Check every need of the course; print OK/FAIL lines and return the checks."""
    checks = [check() for check in CHECKS]
    for check in checks:
        print(format_check(check))
    failed = sum(not check.ok for check in checks)
    if failed:
        print(tr("{failed} need(s) to fix.", failed=failed))
    else:
        print(tr("All needs are met."))
    return checks


def main():
    """Command-line entry: print the checks, exit 1 when any of them failed."""
    return 0 if all(check.ok for check in check_environment()) else 1


if __name__ == "__main__":
    if not __package__:
        # Run as a file: its own folder must not shadow top-level modules.
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.exit(main())
