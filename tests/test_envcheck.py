"""The environment check: OK where a need is met, FAIL with the fix where not."""

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from d2lconv import envcheck

ROOT = Path(__file__).resolve().parents[1]


def by_name(checks):
    return {check.name: check for check in checks}


def test_every_need_is_met_in_the_course_environment(capsys):
    checks = envcheck.check_environment()
    out = capsys.readouterr().out
    assert [c.name for c in checks] == [
        "Python",
        "torch",
        "device",
        "ipywidgets",
        "anywidget",
        "d2l",
        "d2lconv",
    ]
    assert all(c.ok for c in checks), out
    assert "FAIL" not in out
    assert out.count("OK  ") == 7
    assert "All needs are met." in out


def test_device_line_names_the_device_the_notebooks_use():
    import d2lconv

    check = envcheck.check_device()
    assert check.ok
    assert check.detail.startswith(d2lconv.default_device().type)


def test_device_line_names_the_gpu_when_cuda_is_available(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=0: "Tesla T4")
    check = envcheck.check_device()
    assert check.ok
    assert check.detail.startswith("cuda (Tesla T4)")


@pytest.mark.parametrize(
    ("module", "name", "fix_words"),
    [
        ("torch", "torch", "pip install torch"),
        ("ipywidgets", "ipywidgets", "pip install 'ipywidgets>=8'"),
        ("d2l", "d2l", "pip install --no-deps d2l==1.0.3"),
        ("d2lconv", "d2lconv", "pip install -e ."),
    ],
)
def test_a_missing_package_is_a_fail_line_with_its_fix(
    monkeypatch, capsys, module, name, fix_words
):
    # A None entry in sys.modules makes `import module` raise ImportError.
    monkeypatch.setitem(sys.modules, module, None)
    for loaded in [m for m in sys.modules if m.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, loaded)
    checks = by_name(envcheck.check_environment())
    out = capsys.readouterr().out
    assert not checks[name].ok
    assert checks[name].detail.startswith("ModuleNotFoundError: ")
    assert f"'{module}" in checks[name].detail or f"of {module} " in checks[name].detail
    assert fix_words in checks[name].fix
    fail_line = next(line for line in out.splitlines() if line.startswith("FAIL"))
    assert name in fail_line
    assert f"fix: {checks[name].fix}" in out


def test_missing_torch_also_fails_the_device_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    check = envcheck.check_device()
    assert not check.ok
    assert "needs torch" in check.detail


def test_d2l_fix_names_the_missing_import(monkeypatch):
    # d2l is there, but one of the packages it imports is not.
    monkeypatch.setitem(sys.modules, "torchvision", None)
    monkeypatch.delitem(sys.modules, "d2l.torch", raising=False)
    check = envcheck.check_d2l()
    assert not check.ok
    assert "torchvision" in check.detail


def test_d2l_fix_names_a_module_that_is_not_installed(monkeypatch):
    def fail(name):
        raise ModuleNotFoundError("No module named 'pandas'", name="pandas")

    monkeypatch.setattr(envcheck.importlib, "import_module", fail)
    check = envcheck.check_d2l()
    assert not check.ok
    assert check.fix.startswith("pip install pandas (d2l imports it)")


def test_old_python_fails_with_the_version_rule():
    check = envcheck.check_python((3, 9, 7), "/usr/bin/python3")
    assert not check.ok
    assert check.detail == "3.9.7 at /usr/bin/python3"
    assert "Python 3.10 or newer" in check.fix
    assert envcheck.check_python((3, 12, 1), "/x/python").ok


def test_old_torch_fails(monkeypatch):
    monkeypatch.setitem(
        sys.modules, "torch", types.SimpleNamespace(__version__="1.13.1")
    )
    check = envcheck.check_torch()
    assert not check.ok
    assert check.detail == "1.13.1 is older than 2.0"


def fake_versions(monkeypatch, ipywidgets, **dists):
    monkeypatch.setitem(
        sys.modules, "ipywidgets", types.SimpleNamespace(__version__=ipywidgets)
    )
    monkeypatch.setattr(envcheck, "_dist_version", dists.get)


def test_ipywidgets_without_a_front_end_fails(monkeypatch):
    fake_versions(monkeypatch, "8.1.5")
    check = envcheck.check_ipywidgets()
    assert not check.ok
    assert "no front end" in check.detail
    assert "jupyterlab_widgets" in check.fix


def test_ipywidgets_with_a_front_end_of_another_major_fails(monkeypatch):
    fake_versions(monkeypatch, "8.1.5", jupyterlab_widgets="1.1.11")
    check = envcheck.check_ipywidgets()
    assert not check.ok
    assert "jupyterlab_widgets 1.1.11 (needs 3.x)" in check.detail


def test_ipywidgets_7_with_its_own_front_end_is_ok(monkeypatch):
    fake_versions(monkeypatch, "7.7.1", widgetsnbextension="3.6.10")
    assert envcheck.check_ipywidgets().ok


def test_ipywidgets_of_a_later_major_accepts_any_front_end(monkeypatch):
    fake_versions(monkeypatch, "9.0.0", jupyterlab_widgets="4.0.0")
    assert envcheck.check_ipywidgets().ok
    fake_versions(monkeypatch, "9.0.0")
    assert not envcheck.check_ipywidgets().ok


def test_ipywidgets_older_than_7_7_fails(monkeypatch):
    fake_versions(monkeypatch, "7.6.5", widgetsnbextension="3.5.2")
    check = envcheck.check_ipywidgets()
    assert not check.ok
    assert check.detail == "7.6.5 is older than 7.7"


def test_on_colab_the_front_end_is_colabs(monkeypatch):
    fake_versions(monkeypatch, "7.7.1")
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    check = envcheck.check_ipywidgets()
    assert check.ok
    assert "Colab" in check.detail


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.14.1+cu130", (2, 14, 1)),
        ("8.1.9", (8, 1, 9)),
        ("2.6.0a0", (2, 6, 0)),
        ("1.0.3", (1, 0, 3)),
        ("9.0.0rc1", (9, 0, 0)),
    ],
)
def test_version_tuple_reads_release_numbers(text, expected):
    assert envcheck._version_tuple(text) == expected


def run_command(args, **kwargs):
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, **kwargs
    )


def test_command_exits_zero_and_prints_ok_lines():
    result = run_command(["-m", "d2lconv.envcheck"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert result.stdout.count("OK  ") == 7


def test_command_exits_non_zero_on_fail(tmp_path):
    # A Python without d2l: a sitecustomize hides it before the check runs.
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\nsys.modules['d2l'] = None\n"
    )
    result = run_command(
        ["-m", "d2lconv.envcheck"], env={**_env(), "PYTHONPATH": str(tmp_path)}
    )
    assert result.returncode == 1
    assert "FAIL  d2l" in result.stdout
    assert "fix: pip install --no-deps d2l==1.0.3" in result.stdout


def test_file_runs_where_the_package_cannot_be_imported(tmp_path):
    # Without torch, `import d2lconv` fails; the file itself still reports.
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\nsys.modules['torch'] = None\n"
    )
    result = run_command(
        [str(ROOT / "d2lconv" / "envcheck.py")],
        env={**_env(), "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 1
    assert "FAIL  torch" in result.stdout
    assert "FAIL  d2lconv" in result.stdout
    assert "OK    Python" in result.stdout


def _env():
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_anywidget_missing_or_older_than_0_9_fails_with_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "anywidget", None)
    check = envcheck.check_anywidget()
    assert not check.ok and "anywidget>=0.9" in check.fix
    monkeypatch.setitem(
        sys.modules, "anywidget", types.SimpleNamespace(__version__="0.8.4")
    )
    check = envcheck.check_anywidget()
    assert not check.ok
    assert check.detail == "0.8.4 is older than 0.9"
    monkeypatch.setitem(
        sys.modules, "anywidget", types.SimpleNamespace(__version__="0.9.21")
    )
    assert envcheck.check_anywidget().ok
