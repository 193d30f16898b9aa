"""Every check accepts a right answer and answers each typical mistake with its hint.

The right answers are the worked solutions' (``notebooks/solutions``) or are
written the way a student would, the others worked out by hand; the expected
text is the check's table entry (``TABLE`` in the notebook's module), found by
its key, so a reworded hint needs no change here.
"""

import math
import re
import string
import sys
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from svg_checks import explains
from test_lesson_code import lesson_namespace
from torch.utils.flop_counter import FlopCounterMode

import d2lconv
from d2lconv import corr2d, exercises
from d2lconv.exercises import _common

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"


def solutions(number):
    """The imports and functions of ``notebooks/solutions/NN-*.ipynb``: its right
    answers (the other statements of its cells do not run)."""
    (path,) = NOTEBOOKS.glob(f"solutions/{number:02}-*.ipynb")
    return SimpleNamespace(**lesson_namespace(f"solutions/{path.stem}")[0])


# Right answers: the worked solutions', and a few written the way a student would.
S2, S3, S4, S5, S6, S7, S8 = map(solutions, range(2, 9))
FC, FM, BM = S7.forward_cost, S7.forward_memory, S7.backward_memory


def outputs(*layer):
    # The output's values, c_o*m_h*m_w: the forward cost / (c_i*k_h*k_w).
    return FC(*layer) // (layer[0] * layer[4] * layer[5])


def cost_with(size):
    # The forward cost with the output size of each axis size(n, k, p, s).
    def cost(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w):
        return c_i * c_o * k_h * k_w * size(h, k_h, p_h, s_h) * size(w, k_w, p_w, s_w)

    return cost


def t(*rows):
    return torch.tensor(rows, dtype=torch.float32)


def mirror(X, p, skips=(0, 0, 0, 0)):
    # The top, bottom, left and right each skip (1) or repeat (0) the border value:
    # all 0 is numpy's "symmetric", all 1 PyTorch's "reflect".
    for a, b in (skips[:2], skips[2:]):
        n = len(X)
        X = torch.cat([X[a : p + a].flip(0), X, X[n - p - b : n - b].flip(0)]).T
    return X


def without_corners(Y, p):
    Y = Y.clone()
    Y[:p, :p] = Y[:p, -p:] = Y[-p:, :p] = Y[-p:, -p:] = 0
    return Y


def edge_pad(X, p):
    for _ in range(2):
        X = torch.cat([X[:1].expand(p, -1), X, X[-1:].expand(p, -1)]).T
    return X


def conv2d_by_sums(X, K):
    # The right values, from products and sums but no matrix product.
    cols = F.unfold(X[None], K.shape[2:])
    out = (K.flatten(1)[..., None] * cols).sum(1)
    return out.reshape(K.shape[0], X.shape[1] - K.shape[2] + 1, -1)


def slopes(n, t):
    pairs = zip(pairwise(n), pairwise(t), strict=True)
    return [math.log(t2 / t1) / math.log(n2 / n1) for (n1, n2), (t1, t2) in pairs]


def windows(X, k, s):
    return X.unfold(2, k, s).unfold(3, k, s).flatten(-2)


def softmax_across_windows(X, k, s):
    # F.unfold's columns are windows: a softmax along a row mixes all windows.
    cols = F.unfold(X.flatten(0, 1)[:, None], k, stride=s)  # (N*C, k*k, windows)
    pooled = (cols.softmax(2) * cols).sum(1)
    return pooled.view(*X.shape[:2], (X.shape[2] - k) // s + 1, -1)


SX = t([-1, 0, 1], [-2, 0, 2], [-1, 0, 1])  # Sobel's x kernel


def sobel(X, padding=0):
    return F.conv2d(X[None, None], torch.stack([SX, SX.T])[:, None], padding=padding)[0]


def edge_strength(X):
    return sobel(X).square().sum(0).sqrt()


# For each check, the key of a table text and an answer that must get it (the
# answer, or the list of the arguments). ``right__2``: another answer for
# ``right``; ``weights__bias``: the text ``bias`` of the part ``weights``.
# fmt: off
CASES_BY_CHECK = {
    "fc_weights": dict(right=3.6e9, pixels=1.2e9, bytes=14.4e9, mebi=3_774_873_600,
        otherwise=1e9, otherwise__2=float("nan"), ask="lots"),
    "fc_weights_224": dict(right=150_528_000, pixels=50_176_000, side=672_000,
        bytes=602_112_000, otherwise=1, ask="lots"),
    "conv_params_224": dict(right=1792, weights=1728, one_slice=640,
        one_slice_no_bias=576, otherwise=150_528, ask="x"),
    "position_task": dict(right=["c", "b"], task=["a", "b"], a=[" C", "a"],
        c=["c", "c"], ask=["x", "b"]),
    "audio_text": dict(right=["b", "c"], loudness=["a", "c"], locality=["b", "b"],
        order=["b", "a"], ask=[1, "c"]),
    "layers_to_see_all": dict(right=112, short=111, per_layer=75, one_per_layer=224,
        otherwise=100, ask="many"),
    "diagonal_edges": dict(right=0, right__2=torch.tensor(0), otherwise=2, ask=0.5,
        ask__2=float("inf")),
    "sweep_shape": dict(right=(3, 4), right__2=(3.0, 4.0), minus=(2, 3), plus=(5, 8),
        swapped=(4, 3),
        otherwise=(1, 1), ask="3x4"),
    "edge_kernel": dict(right=S2.edge_kernel, size=lambda v: torch.zeros(9, 9),
        deaf=lambda v: torch.zeros(2, 2), flat=lambda v: t([0, 1], [1, 0]),
        across=lambda v: t([-2, 1], [1, 0])),
    "second_derivative_kernel": dict(right_width=t([1, -2, 1]),
        right_width__2=t([-1, 16, -30, 16, -1]) / 12,
        right_height=t([1], [-2], [1]), right_both=t([0, 1, 0], [1, -4, 1], [0, 1, 0]),
        ask="[1, -2, 1]", flat=t([1, -2, 2]), ramp=t([1, -1]),
        mixed=t([1, -1], [-1, 1]), sign=t([-1, 2, -1]), otherwise=t([0.5, -1, 0.5]),
        otherwise__2=torch.tensor([1, -2, 1], dtype=torch.float64) * 1.00002),
    "derivative_kernel_size": dict(right=S2.kernel_size, single=lambda d: 1,
        centred=lambda d: 2 * d + 1, otherwise=lambda d: 5),
    "blur_kernel": dict(right=torch.ones(3, 3) / 9, ask=torch.ones(3),
        negative=t([-1, 3, -1]), total=torch.ones(3, 3), copy=t([0, 0], [0, 1]),
        rough=t([1, 1e-6]) / (1 + 1e-6)),
    "kernel_matrix": dict(right=S2.kernel_matrix,
        flipped=lambda K, s: S2.kernel_matrix(K.flip(0, 1), s),
        shape=lambda K, s: S2.kernel_matrix(K, s).T,
        otherwise=lambda K, s: 2 * S2.kernel_matrix(K, s)),
    "training_prediction": dict(right_diverges="diverges", right_diverges__2="发散",
        other="converges", ask="maybe"),
    "stack_field": dict(right=17, k_each=20, from_0=16, plus_k=21, one=5, otherwise=3,
        ask="x"),
    "receptive_field_size": dict(right=S3.receptive_field_size, sum=sum,
        from_0=lambda s: sum(k - 1 for k in s), max=max, otherwise=lambda s: 0,
        two_each=lambda s: 1 + 2 * len(s), two_each__2=lambda s: s[0] + 2 * len(s) - 2),
    "kernel_gradient": dict(right=S3.kernel_gradient,
        right__2=S3.kernel_gradient_autograd,
        half=lambda X, Y, K, b: S3.kernel_gradient(X, Y, K, b) / 2,
        sign=lambda X, Y, K, b: -S3.kernel_gradient(X, Y, K, b),
        no_bias=lambda X, Y, K, b: corr2d(X, 2 * (corr2d(X, K) - Y)),
        mean=lambda X, Y, K, b: S3.kernel_gradient(X, Y, K, b) / Y.numel(),
        shape=lambda X, Y, K, b: torch.zeros(3, 3),
        otherwise=lambda X, Y, K, b: 3 * S3.kernel_gradient(X, Y, K, b)),
    "padded_size": dict(right=(7, 8), right__2=[(6, 6), 4, 3, 2],
        right__3=torch.tensor([7, 8]), total=(5, 6),
        no_padding=(3, 4), otherwise=(9, 9), ask="7x8"),
    "corner_uses": dict(right=4, right__2=[9, 8, 3, 2], unpadded=1, centre=9,
        per_axis=2, otherwise=3, ask=4.5),
    "same_padding": dict(right=((1, 2), (0, 1)), right__2=[((2, 2), (1, 2)), (5, 4)],
        book=((2, 1), (1, 0)), per_side=((3, 3), (1, 1)), total=((1, 1), (0, 1)),
        otherwise=((1, 2), (1, 0)), ask=(3, 1)),
    "mirror_padding": dict(right_reflect=S4.mirror_pad, right_symmetric=mirror,
        constant=lambda X, p: torch.block_diag(torch.zeros(p, p), X, torch.zeros(p, p)),
        edge=edge_pad, shape=lambda X, p: X, otherwise=lambda X, p: 2 * mirror(X, p),
        reflect=lambda X, p: (S4.mirror_pad, mirror)[p > 1](X, p),
        # The bottom's X[-p:] (no - 1): reflected on top, symmetric at the bottom.
        sides=lambda X, p: mirror(X, p, (1, 0, 1, 1)),
        sides__2=lambda X, p: mirror(X, p, (1, 1, 0, 0)),
        corners=lambda X, p: without_corners(mirror(X, p, (1, 1, 1, 1)), p),
        forbid=lambda X, p: F.pad(X[None], (p,) * 4, mode="reflect")[0],
        # F.pad's reflect needs a batch axis: it raises, and still gets the hint.
        forbid__2=lambda X, p: F.pad(X, (p,) * 4, mode="reflect")),
    "output_shape": dict(right=(2, 2), right__2=[(5, 6), 8, 3, (2, 3), 2],
        total=[(7, 7), 8, 3, 1, 1], no_padding=(2, 1), round_up=(3, 3),
        otherwise=(4, 4), ask="2x2"),
    "stride_prediction": dict(right=(4, 4), right__2=[(3, 3), 7, 3, 1, 2, 2],
        no_stride=(7, 7), no_dilation=[(4, 4), 7, 3, 1, 2, 2],
        d_times_k=[(4, 4), 9, 3, 0, 1, 2], d_times_k__2=[(2, 2), 7, 3, 1, 2, 2],
        right__3=[(3.0, 3), 7, 3, 1, 2, 2]),
    "audio_stride": dict(right=8000, double=32000, otherwise=16000, ask="x"),
    "stride_savings": dict(right=4, one_axis=2, inverse=0.25, otherwise=8),
    "fractional_stride": dict(right=S5.stride_half,
        otherwise=lambda X, K: S5.stride_half(X, K.flip(0, 1)),
        shape=lambda X, K: corr2d(X, K, padding=1)),
    "stack_prediction": dict(right_padding=(1, 63), right=[(4, 15), 3, 32, 3, 1, 2],
        no_stride=(22, 63), size=(2, 63), no_jump=(1, 11), input=(1, 32),
        otherwise=(1, 31), ask=1),
    "dilated_field": dict(right=15, right__2=[5, (2,)], plain=7, d_times_k=19, sum=17,
        max=9, otherwise=16, ask="x"),
    "undilated_layers": dict(right=7, right__2=[3, (1, 2), 2], dilated=3, field=15,
        short=6, k_each=5, otherwise=8, otherwise__2=7.5, ask="x"),
    "composed_kernel_size": dict(right=S6.composed_size,
        ones=lambda k1, k2: k1 + k2, shifted=lambda k1, k2: k1 * k2, shifted__2=max,
        otherwise=lambda k1, k2: k1 + k2 + 5),
    "compose_kernels": dict(right=S6.compose,
        otherwise=lambda K1, K2: S6.compose(K1, K2.flip(0, 1)),
        shape=lambda K1, K2: torch.zeros(9, 9)),
    "every_kernel_factors": dict(right=False, otherwise=True, ask="no"),
    "y1_y2": dict(right=" B ", otherwise="a", ask="e"),
    "conv2d_as_matmul": dict(right=S6.conv2d_matmul,
        forbid=lambda X, K: F.conv2d(X[None], K)[0],
        right__2=lambda X, K: S6.conv2d_matmul(X, K).clone(), require=conv2d_by_sums,
        # Height and width swapped: right only where the output is square.
        shape=lambda X, K: S6.conv2d_matmul(X, K).reshape(len(K),
            X.shape[2] - K.shape[3] + 1, -1),
        otherwise=lambda X, K: S6.conv2d_matmul(X, K.flip(2, 3))),
    "block_diagonal_speedup": dict(right=S6.speedup, squared=lambda c, b: b * b,
        otherwise=lambda c, b: 7),
    "groups_lose": dict(right="b", a="a", c="c", d="d", ask=2),
    "channel_prediction": dict(right=[54, (2, 3, 3)],
        weights__one_kernel=[27, (2, 3, 3)], weights__one_slice=[18, (2, 3, 3)],
        weights__k_by_k=[9, (2, 3, 3)],
        weights__bias=[56, (2, 3, 3)], weights__otherwise=[99, (2, 3, 3)],
        shape__c_i=[54, (3, 3, 3)], shape__summed=[54, (1, 3, 3)],
        shape__unshrunk=[54, (2, 5, 5)], shape__minus_k=[54, (2, 2, 2)],
        shape__otherwise=[54, (2, 4, 4)], ask_weights=["x", (2, 3, 3)],
        ask_shape=[54, "2x3x3"]),
    "forward_cost": dict(right=FC, otherwise=lambda *layer: 3,
        # The book's total padding: h + p rows instead of h + 2p.
        total_padding=lambda *a: FC(*a[:6], a[6] / 2, a[7] / 2, *a[8:]),
        no_stride=lambda *a: FC(*a[:8], 1, 1),
        one_input=lambda *layer: FC(*layer) // layer[0],
        one_output=lambda *layer: FC(*layer) // layer[3],
        no_kernel=lambda *a: FC(*a) // (a[4] * a[5]),
        bias=lambda *a: FC(*a) + outputs(*a), two=lambda *layer: 2 * FC(*layer),
        size=cost_with(lambda n, k, p, s: (n + 2 * p - k) // s),
        size__2=cost_with(lambda n, k, p, s: (n + 2 * p - k + 1) // s)),
    "forward_memory": dict(right=FM,
        otherwise=lambda c_i, h, w, *_: c_i * h * w,
        no_weights=lambda *a: FM(*a) - a[3] * (a[0] * a[4] * a[5] + 1),
        no_bias=lambda *layer: FM(*layer) - layer[3],
        no_input=lambda *a: FM(*a) - a[0] * a[1] * a[2],
        no_output=lambda *a: FM(*a) - outputs(*a), bytes=lambda *a: 4 * FM(*a),
        one_input=lambda *a: FM(*a) - a[3] * a[4] * a[5] * (a[0] - 1),
        size=lambda *a: FM(*a[:8], 1, 1),
        padded=lambda c_i, h, w, c_o, k_h, k_w, p_h, p_w, *s: FM(
            c_i, h + 2 * p_h, w + 2 * p_w, c_o, k_h, k_w, 0, 0, *s)),
    "backward_cost": dict(right=S7.backward_cost, half=FC,
        two=lambda *layer: 4 * FC(*layer), with_forward=lambda *layer: 3 * FC(*layer),
        size=lambda *a: S7.backward_cost(*a[:8], 1, 1), otherwise=lambda *layer: 3),
    "backward_memory": dict(right=BM, not_kept=FM,
        once=lambda *a: BM(*a) - a[0] * a[1] * a[2],
        once__2=lambda *a: BM(*a) - a[0] * a[3] * a[4] * a[5],
        no_bias=lambda *layer: BM(*layer) - layer[3],
        bias_kept=lambda *layer: BM(*layer) + layer[3],
        no_incoming=lambda *a: BM(*a) - outputs(*a),
        output_kept=lambda *a: BM(*a) + outputs(*a),
        twice=lambda *layer: 2 * FM(*layer), size=lambda *a: BM(*a[:8], 1, 1),
        otherwise=lambda *layer: 3),
    "doubling_channels": dict(right=4, one=2, otherwise=16),
    "doubling_padding": dict(right=(68 / 64) ** 2, border=2, border__2=4,
        one_axis=68 / 64, otherwise=1.5),
    "1x1_cost": dict(right=S7.cost_1x1,
        one_side=lambda c_i, c_o, h, w: c_i * h * w,
        one_side__2=lambda c_i, c_o, h, w: c_o * h * w,
        per_pixel=lambda c_i, c_o, h, w: c_i * c_o,
        two=lambda c_i, c_o, h, w: 2 * c_i * c_o * h * w,
        otherwise=lambda c_i, c_o, h, w: 0),
    "avg_pool_as_conv": dict(right=S8.avg_pool,
        mixed=lambda X, k, s: S8.avg_pool(X.sum(1, True), k, s).expand(-1,
            X.shape[1], -1, -1),
        sums=lambda X, k, s: S8.avg_pool(X, k, s) * k * k,
        require=lambda X, k, s: windows(X, k, s).mean(-1)),
    "max_pool_not_linear": dict(right=[t([1, 0], [0, 0]), t([0, 0], [0, 1])],
        linear=[torch.ones(3, 3), 2 * torch.ones(3, 3)],
        ask=[torch.ones(2, 2), torch.ones(3, 3)]),
    "max_from_relu": dict(right=S8.max_from_relu,
        require=lambda a, b: (a + b + ((a - b) ** 2).sqrt()) / 2,
        shape=lambda a, b: torch.zeros(1), otherwise=lambda a, b: a + b),
    "max_pool_from_relu": dict(right=S8.max_pool,
        otherwise=lambda X: F.avg_pool2d(X, 2)),
    "relu_max_layers": dict(right=(2, 4), linear=(3, 8), otherwise=(1, 1), ask="2, 4"),
    "pooling_cost": dict(right=S8.pooling_cost,
        per_channel=lambda *a: S8.pooling_cost(*a) // a[0], otherwise=lambda *a: 3),
    "min_pooling": dict(right=lambda X, k, s: -F.max_pool2d(-X, k, s),
        max=lambda X, k, s: F.max_pool2d(X, k, s),
        negate=lambda X, k, s: -F.max_pool2d(X, k, s),
        negate_back=lambda X, k, s: F.max_pool2d(-X, k, s),
        mean=lambda X, k, s: F.avg_pool2d(X, k, s)),
    "softmax_pooling": dict(right=S8.softmax_pool,
        mean=lambda X, k, s: F.avg_pool2d(X, k, s),
        max=lambda X, k, s: F.max_pool2d(X, k, s),
        weights=lambda X, k, s: F.avg_pool2d(X, k, s) ** 0,
        axis=softmax_across_windows,
        axis__2=lambda X, k, s: F.avg_pool2d(X.flatten(2).softmax(-1).view_as(X) * X,
            k, s) * k * k),
    "pooling_prediction": dict(right=[(4, 4), 8], shape__no_padding=[(3, 3), 8],
        shape__no_stride=[(7, 7), 8], shape__otherwise=[(2, 2), 8],
        top_left__unpadded=[(4, 4), 16], top_left__mean=[(4, 4), 16 / 9],
        top_left__zero=[(4, 4), 0], top_left__otherwise=[(4, 4), 3],
        ask_shape=["4x4", 8], ask_top_left=[(4, 4), "8"]),
    "strided_conv_params": dict(right=16448, no_bias=16384, one_input=320,
        one_input__2=256, none=0, otherwise=1234, ask="lots"),
    "pool_or_conv": dict(right="b", a="a", c="c", d="d", ask="e"),
    "loglog_slopes": dict(right=slopes,
        negative=lambda n, t: [-s for s in slopes(n, t)],
        ratio=lambda n, t: [b / a for a, b in pairwise(t)],
        log_size=lambda n, t: [math.log(b / a) for a, b in pairwise(t)],
        log_size__2=lambda n, t: [math.log2(b / a) for a, b in pairwise(t)],
        upside_down=lambda n, t: [1 / s for s in slopes(n, t)],
        shape=lambda n, t: slopes(n, t)[:1],
        otherwise=lambda n, t: [0.0] * (len(n) - 1)),
    "im2col_megabytes": dict(right=40.96, mib=2500 * 4096 * 4 / 2**20, quarter=10.24,
        float64=81.92, one_channel=0.4096, input=1.6384, otherwise=1, ask="40 MB"),
    "arithmetic_intensity": dict(
        right=lambda c: c * c * 25 * 4096 / (2 * c * 4096 + c * c * 25),
        # Section 9.4's code passes the input padded to 68x68.
        right__2=lambda c: c * c * 25 * 4096 / (c * 68 * 68 + c * c * 25 + c * 4096),
        bias=lambda c: c * c * 25 * 4096 / (2 * c * 4096 + c * c * 25 + c),
        no_weights=lambda c: c * 25 * 64 * 64 / (2 * 64 * 64),
        no_output=lambda c: c * c * 25 * 4096 / (c * 4096 + c * c * 25),
        macs=lambda c: c * c * 25 * 64 * 64, otherwise=lambda c: 3),
    "float64_memory_bound": dict(right=2, inverse=0.5, one=1, square=4, otherwise=3,
        ask="twice"),
    "sobel_y": dict(right=SX.T, nothing=None, shape=t([1, -1]), x=SX, sign=-SX.T,
        flat=torch.ones(3, 3), scale=2 * SX.T, direction=t([-1, -1, -1], [0, 0, 0],
        [1, 1, 1]), otherwise=torch.zeros(3, 3)),
    "edge_strength": dict(right=edge_strength, tensor=lambda X: "abc",
        shape=lambda X: sobel(X, padding=1).square().sum(0).sqrt(),
        abs=lambda X: sobel(X).abs().sum(0), squares=lambda X: sobel(X).square().sum(0),
        one=lambda X: sobel(X)[0].abs(), negative=lambda X: -edge_strength(X),
        normalised=lambda X: edge_strength(X) / edge_strength(X).max(),
        otherwise=lambda X: edge_strength(X) + 1),
    "limit_scaling": dict(right=0.25, larger=4, unchanged=1, half=0.5, otherwise=0.1,
        ask="a quarter"),
    "pooled_size": dict(right=(16, 13), right__2=[(18, 16), torch.Size([150, 128])],
        up=(16, 14), stride=(125, 106), otherwise=(32, 27), ask=(16.0, 13.5)),
}
# fmt: on
CASES = [
    (name, answer if isinstance(answer, list) else [answer], key)
    for name, answers in CASES_BY_CHECK.items()
    for key, answer in answers.items()
]


def check(name):
    return getattr(exercises, f"check_{name}")


def entry_of(name):
    return sys.modules[check(name).__module__].TABLE[name]


def texts_of(name, key):
    """The table texts that the answer for ``key`` must show (a part: two)."""
    entry, (key, *rest) = entry_of(name), key.split("__")
    if rest and not rest[0].isdigit():
        return [entry[f"on_{key}"], entry[key][rest[0]]]
    if key == "ask" and key not in entry:
        return [_common.ASK_LETTER if "choices" in entry else _common.ASK_NUMBER]
    return [entry[key]]


def literal(text):
    """The longest piece of ``text`` that shows whatever the check computed."""
    return max((lit for lit, *_ in string.Formatter().parse(text)), key=len).lower()


@pytest.mark.parametrize("name, answers, key", CASES)
def test_each_answer_gets_its_verdict(name, answers, key, capsys):
    ok = key.startswith("right")
    assert check(name)(*answers) is ok
    out = capsys.readouterr().out
    assert out.startswith("Correct. " if ok else "Not yet. Hint: "), out
    for text in texts_of(name, key):
        assert literal(text) in out.lower(), out
    assert out.count("\n") == 1 and "Traceback" not in out
    assert not re.search(r"\{\w*(:[^}]*)?\}", out), f"a field left unfilled: {out}"


# Texts tested below: the verdict of the other outcome, the words that
# introduce a case, the statements of a choice.
ELSEWHERE = {"right_converges", "case", "tasks", "remedies", "audio", "text", "choices"}


def table_texts(entry):
    """The texts of a table entry, but those tested elsewhere."""
    for key, value in entry.items():
        if isinstance(value, dict) and key not in ELSEWHERE:
            yield from table_texts(value)
        elif key not in ELSEWHERE:
            yield value


def test_every_text_of_every_table_is_tested():
    # A text that several checks or mistakes share is tested once.
    tested = {text for name, _, key in CASES for text in texts_of(name, key)}
    for module in exercises.MODULES:
        for name, entry in module.TABLE.items():
            assert not set(table_texts(entry)) - tested, name


# What a check grades that a student could not guess, its question states.
STATED = {"second_derivative_kernel": "must give 2"}


def test_every_check_is_tested_and_called_in_its_notebook():
    # nbNN_topic.py holds the checks of notebooks/NN-topic.ipynb, and each check
    # is called there.
    checks = {n[6:] for n in dir(exercises) if n.startswith("check_")}
    assert checks == set(CASES_BY_CHECK)
    for name in checks:
        module = check(name).__module__.rsplit(".", 1)[1]
        (notebook,) = NOTEBOOKS.glob(f"{module[2:4]}-*.ipynb")
        assert notebook.stem.replace("-", "_") == module[2:]
        text = notebook.read_text()
        assert f"exercises.check_{name}(" in text
        assert STATED.get(name, "") in text, f"{notebook.name} must say {STATED[name]}"


@pytest.mark.parametrize("name", CASES_BY_CHECK)
def test_a_placeholder_gets_a_hint_not_an_error(name, capsys):
    answers = next(answers for n, answers, key in CASES if n == name)
    assert check(name)(*[None] * len(answers)) is False
    assert capsys.readouterr().out.startswith("Not yet. Hint: ")


# The texts that introduce a case and name what a function must not use.
COMPOSED, POOLED = (
    entry_of(n)["case"].format for n in ("compose_kernels", "max_pool_from_relu")
)
RELU_ONLY = sys.modules[check("max_from_relu").__module__].RELU_ONLY[1].format
DO_WITHOUT = _common.DO_WITHOUT.format


@pytest.mark.parametrize(
    "name, answer, shown",
    [
        ("derivative_kernel_size", lambda d: min(d + 1, 3), "d=3"),
        ("pooling_cost", lambda c, *_: 16 if c == 1 else 0, "c=3, h=32, w=32, k_h=3"),
        ("compose_kernels", lambda K1, K2: K1, COMPOSED(s1=(2, 2), s2=(2, 2))),
        ("max_pool_from_relu", lambda X: X[..., ::2, ::2], POOLED(shape=(1, 1, 4, 4))),
        # Right values the forbidden or not the required way: named.
        ("max_from_relu", torch.maximum, RELU_ONLY(names="maximum")),
        (
            "max_pool_from_relu",
            lambda X: F.max_pool2d(X, 2),
            RELU_ONLY(names="max_pool2d"),
        ),
        ("avg_pool_as_conv", F.avg_pool2d, DO_WITHOUT(names="avg_pool2d")),
        # A function that raises: named, not a traceback.
        ("kernel_gradient", lambda *a: 1 / 0, "ZeroDivisionError: division by zero"),
    ],
)
def test_a_hint_says_which_case_went_wrong_or_what_happened(
    name, answer, shown, capsys
):
    assert not check(name)(answer)
    assert shown in capsys.readouterr().out


def test_the_training_prediction_follows_the_stable_limit(monkeypatch, capsys):
    # A rate below the diagonal image's limit converges: the check compares the
    # task's rate with the limit, it does not store the answer.
    monkeypatch.setattr(
        sys.modules[check("training_prediction").__module__], "TRAINING_TASK_LR", 0.01
    )
    assert check("training_prediction")("收敛")
    text = entry_of("training_prediction")["right_converges"]
    assert literal(text) in capsys.readouterr().out.lower()


def test_the_choices_show_their_statements():
    choices = [v for v in vars(exercises).values() if isinstance(v, _common.Choices)]
    statements = [v._texts for v in choices]
    for module in exercises.MODULES:
        for name, entry in module.TABLE.items():
            for key in {"tasks", "remedies", "audio", "text", "choices"} & set(entry):
                assert dict(choices[statements.index(entry[key])]) == entry[key]
                assert len(entry[key]) >= 3, name


def test_hints_do_not_give_the_answer_away(capsys):
    exercises.check_doubling_padding(2)
    exercises.check_fc_weights(1e9)
    exercises.check_output_shape((3, 3))
    exercises.check_relu_max_layers((3, 8))
    exercises.check_audio_stride(32000)
    exercises.check_sobel_y(SX.T / 8)
    exercises.check_arithmetic_intensity(lambda c: 3)
    out = capsys.readouterr().out
    for answer in ("1.12", "3.6", "2x2", "(2, 2)", "(2, 4)", "8000", "-2, -1", "c*n*n"):
        assert answer not in out


def test_the_right_answer_shows_what_the_check_computed(capsys):
    # 64x64, 5x5, padding 2 -> 4 per side: the output goes from 64x64 to 68x68.
    assert exercises.check_doubling_padding((68 / 64) ** 2)
    assert exercises.check_blur_kernel(torch.ones(2, 2) / 4)
    assert not exercises.check_sobel_y(2 * SX.T)
    out = capsys.readouterr().out.splitlines()
    doubled = dict(h0=64, w0=64, h1=68, w1=68, want=(68 / 64) ** 2)
    assert entry_of("doubling_padding")["right"].format(**doubled)[1:] in out[0]
    assert "1.0" in out[1] and "0.5" in out[1]  # the noise's std, 4 values averaged
    assert entry_of("sobel_y")["scale"].format(scale=2) in out[2]


def test_cost_answers_agree_with_pytorch():
    # PyTorch counts a multiply-add as 2 floating-point operations; a backward
    # pass saves the input and the weights. Notebook 7's layer: 1.024e9.
    assert FC(100, 64, 64, 100, 5, 5, 2, 2, 1, 1) == 1_024_000_000
    layer = (3, 9, 7, 4, 3, 2, 1, 0, 2, 3)
    c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w = layer
    X = torch.randn(1, c_i, h, w, requires_grad=True)
    conv = torch.nn.Conv2d(c_i, c_o, (k_h, k_w), (s_h, s_w), (p_h, p_w))
    saved = []
    with torch.autograd.graph.saved_tensors_hooks(
        lambda t: saved.append(t.shape) or t, lambda t: t
    ):
        with FlopCounterMode(display=False) as forward:
            Y = conv(X)
    with FlopCounterMode(display=False) as backward:
        Y.backward(torch.ones_like(Y))
    assert forward.get_total_flops() == 2 * FC(*layer)
    assert backward.get_total_flops() == 4 * FC(*layer)
    assert sorted(saved) == sorted([X.shape, conv.weight.shape])


def test_the_helpers_of_the_answers_do_what_they_say():
    # compose is what stacking gives; the diagonal edge image has its edge.
    g = torch.Generator().manual_seed(0)
    K1, K2 = torch.randn(3, 3, generator=g), torch.randn(2, 2, generator=g)
    X = torch.randn(9, 9, generator=g)[None, None]
    twice = F.conv2d(F.conv2d(X, K1[None, None]), K2[None, None])
    assert torch.allclose(F.conv2d(X, S6.compose(K1, K2)[None, None]), twice)
    X = exercises.diagonal_edge_image(4)
    assert X.tolist() == [[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]]


def test_checks_leave_the_global_random_state_alone():
    state = torch.get_rng_state()
    exercises.check_blur_kernel(torch.ones(2, 2) / 4)
    exercises.check_kernel_gradient(S3.kernel_gradient)
    exercises.check_strided_conv_params(0)
    assert torch.equal(torch.get_rng_state(), state)


@pytest.mark.parametrize(
    "name, args, error, words",
    [
        ("output_shape", ((1, 1), 8, "3"), TypeError, ["kernel_size", "'3'"]),
        ("output_shape", ((1, 1), 8, 3, (1, 2, 3)), ValueError, ["padding"]),
        ("output_shape", ((1, 1), 2, 5), ValueError, ["floor"]),
        ("corner_uses", (1, (6, 5)), TypeError, ["input_size", "(6, 5)"]),
        ("corner_uses", (1, 2, 5), ValueError, ["kernel_size 5"]),
        ("dilated_field", (1, 2), ValueError, ["one dilation per layer"]),
        ("pooled_size", ((1, 1), (4, 9)), ValueError, ["shape", "after 3", "4 x 9"]),
        ("pooled_size", ((1, 1), "128x109"), TypeError, ["shape must be an int"]),
    ],
)
def test_a_bad_setting_of_a_check_raises_a_clear_error(name, args, error, words):
    explains(error, lambda: check(name)(*args), *words)


def test_the_top_level_holds_what_the_notebooks_use():
    names = [n for n, v in vars(d2lconv).items() if not n.startswith("_")]
    public = [n for n in names if type(getattr(d2lconv, n)) is not type(sys)]
    assert len(public) <= 60, sorted(public)
    assert not [n for n in public if n.startswith("check_") or n.endswith("_CHOICES")]
