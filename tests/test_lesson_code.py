"""The chapter's functions as each lesson writes them agree with d2lconv and PyTorch.

A lesson defines the book's function in a code cell (``def corr2d(X, K):``);
the package keeps a validated version for the later lessons, the explorers
and the exercises. This test takes each definition out of its notebook (the
``def`` or ``class`` statement alone, with the notebook's imports and its other
definitions around it) and compares it on random inputs with the package's
function and with PyTorch.
"""

import ast
import json
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from props import rng
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


def _code(source):
    """A cell's source without IPython's magic and shell lines."""
    lines = source.splitlines()
    return "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in lines)


def lesson_namespace(stem):
    """The names a lesson defines: its imports and every top-level def or class.

    Only those statements run: the cells' examples and checks do not.
    """
    cells = json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))
    namespace, defined = {}, set()
    kinds = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    for cell in cells["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = _code("".join(cell["source"]))
        for node in ast.parse(source).body:
            if isinstance(node, kinds):
                exec(compile(ast.Module([node], []), stem, "exec"), namespace)
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
    return namespace, defined


def lesson(name):
    namespace, defined = lesson_namespace(WHERE[name])
    assert name in defined, f"notebooks/{WHERE[name]}.ipynb defines no {name}"
    return namespace[name]


def small_ints(generator, *shape):
    """A float tensor of small integers: sums of them are exact in float32."""
    values = [generator.randint(-4, 4) for _ in range(torch.Size(shape).numel())]
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def sizes(generator, low=1, high=7):
    return generator.randint(low, high), generator.randint(low, high)


def test_every_function_of_the_chapter_is_written_in_its_lesson():
    missing = [
        f"{name} (notebooks/{stem}.ipynb)"
        for name, stem in WHERE.items()
        if name not in lesson_namespace(stem)[1]
    ]
    assert missing == []


def test_corr2d():
    corr2d, g = lesson("corr2d"), rng("lesson corr2d")
    for _ in range(TRIALS):
        (kh, kw), (eh, ew) = sizes(g, 1, 4), sizes(g, 0, 5)
        X, K = small_ints(g, kh + eh, kw + ew), small_ints(g, kh, kw)
        Y = corr2d(X, K)
        torch.testing.assert_close(Y, d2lconv.corr2d(X, K))
        torch.testing.assert_close(Y, F.conv2d(X[None, None], K[None, None])[0, 0])


def test_conv2d_layer():
    Conv2D, g = lesson("Conv2D"), rng("lesson Conv2D")
    for _ in range(TRIALS):
        k = sizes(g, 1, 4)
        layer = Conv2D(k)
        assert dict(layer.named_parameters()).keys() == {"weight", "bias"}
        assert isinstance(layer, nn.Module)
        with torch.no_grad():
            layer.weight.copy_(small_ints(g, *k))
            layer.bias.fill_(g.randint(-3, 3))
        X = small_ints(g, k[0] + g.randint(0, 4), k[1] + g.randint(0, 4))
        ours = d2lconv.Conv2D(k)
        ours.load_state_dict(layer.state_dict())
        with torch.no_grad():
            Y = layer(X)
            torch.testing.assert_close(Y, ours(X))
            want = F.conv2d(X[None, None], layer.weight[None, None], layer.bias)
            torch.testing.assert_close(Y, want[0, 0])
    # Trained in notebook 3: the gradient reaches the kernel and the bias.
    layer(X).sum().backward()
    assert layer.weight.grad is not None and layer.bias.grad is not None


def test_comp_conv2d():
    comp_conv2d, g = lesson("comp_conv2d"), rng("lesson comp_conv2d")
    for _ in range(TRIALS):
        k, s = sizes(g, 1, 5), sizes(g, 1, 3)
        p = (g.randint(0, k[0] // 2), g.randint(0, k[1] // 2))
        conv2d = nn.Conv2d(1, 1, kernel_size=k, padding=p, stride=s)
        X = torch.randn(k[0] + g.randint(0, 6), k[1] + g.randint(0, 6))
        with torch.no_grad():
            Y = comp_conv2d(conv2d, X)
            torch.testing.assert_close(Y, d2lconv.comp_conv2d(conv2d, X))
            torch.testing.assert_close(Y, conv2d(X[None, None])[0, 0])


def test_corr2d_multi_in():
    corr2d_multi_in, g = lesson("corr2d_multi_in"), rng("lesson corr2d_multi_in")
    for _ in range(TRIALS):
        c, (kh, kw) = g.randint(1, 4), sizes(g, 1, 4)
        X = small_ints(g, c, kh + g.randint(0, 4), kw + g.randint(0, 4))
        K = small_ints(g, c, kh, kw)
        Y = corr2d_multi_in(X, K)
        torch.testing.assert_close(Y, d2lconv.corr2d_multi_in(X, K))
        torch.testing.assert_close(Y, F.conv2d(X[None], K[None])[0, 0])


def test_corr2d_multi_in_out():
    corr2d_multi_in_out = lesson("corr2d_multi_in_out")
    g = rng("lesson corr2d_multi_in_out")
    for _ in range(TRIALS):
        c_i, c_o, (kh, kw) = g.randint(1, 4), g.randint(1, 4), sizes(g, 1, 4)
        X = small_ints(g, c_i, kh + g.randint(0, 4), kw + g.randint(0, 4))
        K = small_ints(g, c_o, c_i, kh, kw)
        Y = corr2d_multi_in_out(X, K)
        torch.testing.assert_close(Y, d2lconv.corr2d_multi_in_out(X, K))
        torch.testing.assert_close(Y, F.conv2d(X[None], K)[0])


def test_corr2d_multi_in_out_1x1():
    one_by_one = lesson("corr2d_multi_in_out_1x1")
    g = rng("lesson corr2d_multi_in_out_1x1")
    for _ in range(TRIALS):
        c_i, c_o, (h, w) = g.randint(1, 5), g.randint(1, 5), sizes(g)
        X, K = small_ints(g, c_i, h, w), small_ints(g, c_o, c_i, 1, 1)
        Y = one_by_one(X, K)
        torch.testing.assert_close(Y, d2lconv.corr2d_multi_in_out_1x1(X, K))
        torch.testing.assert_close(Y, F.conv2d(X[None], K)[0])


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool2d(mode):
    pool2d, g = lesson("pool2d"), rng(f"lesson pool2d {mode}")
    reference = F.max_pool2d if mode == "max" else F.avg_pool2d
    for _ in range(TRIALS):
        p = sizes(g, 1, 4)
        X = small_ints(g, p[0] + g.randint(0, 4), p[1] + g.randint(0, 4))
        Y = pool2d(X, p, mode)
        torch.testing.assert_close(Y, d2lconv.pool2d(X, p, mode))
        torch.testing.assert_close(Y, reference(X[None, None], p, stride=1)[0, 0])


def test_corr2d_unfold():
    corr2d_unfold, g = lesson("corr2d_unfold"), rng("lesson corr2d_unfold")
    for _ in range(TRIALS):
        (kh, kw) = sizes(g, 1, 4)
        X = small_ints(g, kh + g.randint(0, 6), kw + g.randint(0, 6))
        K = small_ints(g, kh, kw)
        Y = corr2d_unfold(X, K)
        torch.testing.assert_close(Y, d2lconv.corr2d_unfold(X, K))
        torch.testing.assert_close(Y, F.conv2d(X[None, None], K[None, None])[0, 0])


def test_im2col():
    # im2col(X, kernel_size): X (c_i, h, w) -> a (c_i*k_h*k_w, m_h*m_w) matrix
    # whose column l holds the window of output l: PyTorch's F.unfold.
    im2col, g = lesson("im2col"), rng("lesson im2col")
    for _ in range(TRIALS):
        c_i, c_o, (kh, kw) = g.randint(1, 4), g.randint(1, 4), sizes(g, 1, 4)
        X = small_ints(g, c_i, kh + g.randint(0, 5), kw + g.randint(0, 5))
        K = small_ints(g, c_o, c_i, kh, kw)
        columns = im2col(X, (kh, kw))
        torch.testing.assert_close(columns, F.unfold(X[None], (kh, kw))[0])
        # One matrix product with the flattened kernels is the whole layer.
        Y = (K.reshape(c_o, -1) @ columns).reshape(c_o, *F.conv2d(X, K).shape[1:])
        torch.testing.assert_close(Y, d2lconv.conv2d_im2col(X, K))
        torch.testing.assert_close(Y, F.conv2d(X[None], K)[0])
