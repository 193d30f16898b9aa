"""The environment check: OK where a need is met, FAIL with the fix where not."""

import sys
import types

import pytest
import torch

import d2lconv
from d2lconv import envcheck


def test_every_need_is_met_in_the_course_environment(capsys):
    assert envcheck.main() == 0
    out = capsys.readouterr().out
    names = ["Python", "torch", "device", "ipywidgets", "anywidget", "d2l", "d2lconv"]
    assert [line.split()[1] for line in out.splitlines()[:-1]] == names
    assert out.count("OK  ") == 7 and "FAIL" not in out
    assert out.endswith("All needs are met.\n")
    # The device line names the device the notebooks use, or the GPU.
    assert envcheck.check_device().detail.startswith(d2lconv.default_device().type)


def test_device_line_names_the_gpu_or_needs_torch(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=0: "Tesla T4")
    check = envcheck.check_device()
    assert check.ok and check.detail.startswith("cuda (Tesla T4)")
    monkeypatch.setitem(sys.modules, "torch", None)
    check = envcheck.check_device()
    assert not check.ok and "needs torch" in check.detail


@pytest.mark.parametrize(
    ("module", "fix_words"),
    [
        ("torch", "pip install torch"),
        ("ipywidgets", "pip install 'ipywidgets>=8'"),
        ("anywidget", "pip install 'anywidget>=0.9'"),
        ("d2l", "pip install --no-deps d2l==1.0.3"),
        ("d2lconv", "pip install -e ."),
    ],
)
def test_a_missing_package_is_a_fail_line_with_its_fix(
    monkeypatch, capsys, module, fix_words
):
    # A None entry in sys.modules makes `import module` raise ImportError.
    monkeypatch.setitem(sys.modules, module, None)
    for loaded in [m for m in sys.modules if m.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, loaded)
    assert envcheck.main() == 1  # python -m d2lconv.envcheck exits 1
    out = capsys.readouterr().out
    check = getattr(envcheck, f"check_{module}")()
    assert not check.ok and check.detail.startswith("ModuleNotFoundError: ")
    assert fix_words in check.fix
    assert f"FAIL  {module:11} ModuleNotFoundError" in out
    assert f"fix: {check.fix}" in out and out.endswith("need(s) to fix.\n")


def test_d2l_fix_names_the_missing_import(monkeypatch):
    # d2l is there, but one of the packages it imports is not.
    monkeypatch.setitem(sys.modules, "torchvision", None)
    monkeypatch.delitem(sys.modules, "d2l.torch", raising=False)
    check = envcheck.check_d2l()
    assert not check.ok and "torchvision" in check.detail

    def fail(name):
        raise ModuleNotFoundError("No module named 'pandas'", name="pandas")

    monkeypatch.setattr(envcheck.importlib, "import_module", fail)
    assert envcheck.check_d2l().fix.startswith("pip install pandas (d2l imports it)")


def test_an_old_python_fails_with_the_version_rule():
    check = envcheck.check_python((3, 9, 7), "/usr/bin/python3")
    assert not check.ok and check.detail == "3.9.7 at /usr/bin/python3"
    assert "Python 3.10 or newer" in check.fix
    assert envcheck.check_python((3, 12, 1), "/x/python").ok


@pytest.mark.parametrize(
    ("module", "version", "detail"),
    [
        # The release numbers count; a local version or a pre-release does not.
        ("torch", "1.13.1+cu117", "1.13.1+cu117 is older than 2.0"),
        ("torch", "2.6.0a0", "2.6.0a0"),
        ("anywidget", "0.8.4", "0.8.4 is older than 0.9"),
        ("anywidget", "0.9.21", "0.9.21: the explorers draw in the page"),
    ],
)
def test_an_old_package_fails_with_the_version_rule(
    monkeypatch, module, version, detail
):
    monkeypatch.setitem(sys.modules, module, types.SimpleNamespace(__version__=version))
    check = getattr(envcheck, f"check_{module}")()
    assert (check.ok, check.detail) == ("older" not in detail, detail)
    if module == "torch" and not check.ok:  # the fix names the version it needs
        assert check.fix == "pip install --upgrade 'torch>=2.0'"


LAB, NB = "jupyterlab_widgets", "widgetsnbextension"


@pytest.mark.parametrize(
    ("ipywidgets", "dists", "ok", "detail"),
    [
        ("8.1.5", {}, False, "no front end"),
        ("8.1.5", {LAB: "1.1.11"}, False, f"{LAB} 1.1.11 (needs 3.x)"),
        ("8.1.5", {LAB: "3.0.9"}, True, f"front end: {LAB} 3.0.9"),
        ("7.7.1", {NB: "3.6.10"}, True, f"{NB} 3.6.10"),
        ("7.6.5", {NB: "3.5.2"}, False, "7.6.5 is older than 7.7"),
        # A later major accepts any front end, but needs one.
        ("9.0.0", {LAB: "4.0.0"}, True, f"{LAB} 4.0.0"),
        ("9.0.0", {}, False, "no front end"),
    ],
)
def test_ipywidgets_needs_the_front_end_of_its_major(
    monkeypatch, ipywidgets, dists, ok, detail
):
    module = types.SimpleNamespace(__version__=ipywidgets)
    monkeypatch.setitem(sys.modules, "ipywidgets", module)
    monkeypatch.setattr(envcheck, "_dist_version", dists.get)
    check = envcheck.check_ipywidgets()
    assert check.ok is ok and detail in check.detail
    assert "jupyterlab_widgets" in check.fix
    # On Colab the front end is Colab's own.
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert envcheck.check_ipywidgets().ok is (ipywidgets != "7.6.5")
