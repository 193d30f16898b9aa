"""The chapter's functions as each lesson writes them agree with d2lconv and PyTorch.

Each definition is taken out of its notebook (with the notebook's imports and
other definitions) and compared on random inputs with the package's version,
which the later lessons use, and with PyTorch.
"""

import ast
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from props import rng
from test_lessons import code_cells, counted_lines
from torch import nn

import d2lconv

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

# Where the chapter writes each function (the lesson that teaches it).
WHERE = {
    "corr2d": "02-cross-correlation",
    "Conv2D": "02-cross-correlation",
    "comp_conv2d": "04-padding",
    "corr2d_multi_in": "06-channels",
    "corr2d_multi_in_out": "06-channels",
    "corr2d_multi_in_out_1x1": "06-channels",
    "pool2d": "08-pooling",
    "corr2d_unfold": "09-performance",
    "im2col": "09-performance",
}
TRIALS = 25


def lesson_namespace(stem):
    """``(namespace, names defined)`` of ``notebooks/<stem>.ipynb``: its imports
    and top-level definitions (the cells' examples and checks do not run).
    test_exercises reads the worked solutions with it."""
    namespace, defined = {}, set()
    kinds = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    for _, source in code_cells(NOTEBOOKS / f"{stem}.ipynb"):
        for node in ast.parse("\n".join(counted_lines(source))).body:
            if isinstance(node, kinds):
                exec(compile(ast.Module([node], []), stem, "exec"), namespace)
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
    return namespace, defined


def lesson(name):
    """The lesson's ``name``, with its notebook's imports and definitions around it."""
    namespace, defined = lesson_namespace(WHERE[name])
    assert name in defined, f"notebooks/{WHERE[name]}.ipynb defines no {name}"
    return namespace[name]


def ints(g, *shape):
    """A float tensor of small integers: sums of them are exact in float32."""
    values = [g.randint(-4, 4) for _ in range(torch.Size(shape).numel())]
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def case(name, g):
    """Random arguments for the lesson's ``name`` and PyTorch's answer for them."""
    c_i, c_o, kh, kw = (g.randint(1, 4) for _ in range(4))
    h, w = kh + g.randint(0, 5), kw + g.randint(0, 5)
    if name == "corr2d" or name == "corr2d_unfold":
        X, K = ints(g, h, w), ints(g, kh, kw)
        return (X, K), F.conv2d(X[None, None], K[None, None])[0, 0]
    if name == "comp_conv2d":
        p = (g.randint(0, kh // 2), g.randint(0, kw // 2))
        s = (g.randint(1, 3), g.randint(1, 3))
        conv2d = nn.Conv2d(1, 1, kernel_size=(kh, kw), padding=p, stride=s)
        X = torch.randn(h, w)
        return (conv2d, X), conv2d(X[None, None])[0, 0]
    if name == "im2col":  # the window of output l in column l: PyTorch's unfold
        X = ints(g, c_i, h, w)
        return (X, (kh, kw)), F.unfold(X[None], (kh, kw))[0]
    if name == "corr2d_multi_in":
        X, K = ints(g, c_i, h, w), ints(g, c_i, kh, kw)
        return (X, K), F.conv2d(X[None], K[None])[0, 0]
    if name.startswith("corr2d_multi_in_out"):
        if name.endswith("1x1"):
            kh = kw = 1
        X, K = ints(g, c_i, h, w), ints(g, c_o, c_i, kh, kw)
        return (X, K), F.conv2d(X[None], K)[0]
    mode = name.split()[1]  # "pool2d max", "pool2d avg"
    X, pool = ints(g, h, w), F.max_pool2d if mode == "max" else F.avg_pool2d
    return (X, (kh, kw), mode), pool(X[None, None], (kh, kw), stride=1)[0, 0]


FUNCTIONS = [*WHERE.keys() - {"Conv2D", "pool2d"}, "pool2d max", "pool2d avg"]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_the_lessons_function_agrees_with_pytorch_and_the_package(name):
    function, g = lesson(name.split()[0]), rng(f"lesson {name}")
    # The package has its own version of each but im2col (in conv2d_im2col).
    ours = None if name == "im2col" else getattr(d2lconv, name.split()[0])
    for _ in range(TRIALS):
        args, want = case(name, g)
        with torch.no_grad():
            Y = function(*args)
            torch.testing.assert_close(Y, want)
            if ours is not None:
                torch.testing.assert_close(Y, ours(*args))


def test_conv2d_layer():
    Conv2D, g = lesson("Conv2D"), rng("lesson Conv2D")
    for _ in range(TRIALS):
        k = (g.randint(1, 4), g.randint(1, 4))
        layer = Conv2D(k)
        assert isinstance(layer, nn.Module)
        assert dict(layer.named_parameters()).keys() == {"weight", "bias"}
        with torch.no_grad():
            layer.weight.copy_(ints(g, *k))
            layer.bias.fill_(g.randint(-3, 3))
        X = ints(g, k[0] + g.randint(0, 4), k[1] + g.randint(0, 4))
        ours = d2lconv.Conv2D(k)
        ours.load_state_dict(layer.state_dict())
        with torch.no_grad():
            want = F.conv2d(X[None, None], layer.weight[None, None], layer.bias)
            torch.testing.assert_close(layer(X), ours(X))
            torch.testing.assert_close(layer(X), want[0, 0])
    # Trained in notebook 3: the gradient reaches the kernel and the bias.
    layer(X).sum().backward()
    assert layer.weight.grad is not None and layer.bias.grad is not None
