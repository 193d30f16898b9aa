"""Checks for the exercises of notebook 02-cross-correlation."""

import math
from functools import partial

import torch
import torch.nn.functional as F

from ..i18n import N_, tr
from . import _common as c
from ._common import as_tensor, correct, grade, hint, xcorr

# fmt: off
TABLE = {
    "diagonal_edges": {
        "right": N_("a diagonal edge changes brightness along both rows and columns, so both the horizontal and the vertical difference see it."),
        "otherwise": N_("the stripe image gave zeros once transposed because its edge was vertical. Is a diagonal edge vertical or horizontal? Compute the three outputs with corr2d."),
        "ask": N_("give a whole number from 0 to 3")},
    "sweep_shape": {
        "right": N_("{rows} x {columns}: the kernel fits in n - k + 1 positions along each axis, so the sweep takes {steps} steps."),
        "minus": N_("count the positions: a kernel as wide as the input still fits once."),
        "plus": N_("the kernel must stay inside the input (no padding yet): the output is smaller than the input, not larger."),
        "swapped": N_("rows come first: height, then width."),
        "otherwise": N_("along each axis, how many positions does the kernel fit in without sticking out of the input?"),
        "ask": N_("give the shape as a pair (rows, columns)")},
    "edge_kernel": {
        "size": N_("return a 2-D kernel of size at most 7x7."),
        "deaf": N_("your kernel does not respond when brightness changes along v."),
        "flat": N_("your kernel responds to a flat image: an edge detector must ignore constant brightness."),
        "across": N_("your kernel also responds when brightness changes along ({a:g}, {b:g}), which is parallel to the edge; it should only see changes along v."),
        "right": N_("your kernel measures how fast brightness changes along v, whatever v.")},
    "second_derivative_kernel": {
        "ask": N_("give a 1-D or 2-D kernel (a tensor) of size at most 7."),
        "flat": N_("a flat image must give 0: what must the weights sum to?"),
        "ramp": N_("your kernel responds to a straight ramp (brightness i or j): that is a first derivative. A second derivative measures how the slope changes, so it gives 0 on any ramp."),
        "mixed": N_("your kernel responds to the image i*j: a mixed derivative."),
        "sign": N_("the sign is flipped: the second derivative of j^2 is +2."),
        "right_height": N_("your kernel takes the second derivative along the height."),
        "right_width": N_("your kernel takes the second derivative along the width."),
        "right_both": N_("your kernel takes the second derivative in both directions (the Laplacian)."),
        "otherwise": N_("on the image j^2 (second derivative 2) your kernel gives {jj:g}; on i^2 it gives {ii:g}. Scale or rethink the weights.")},
    "derivative_kernel_size": {
        "single": N_("can a single weight tell a slope from a flat image?"),
        "centred": N_("a symmetric (centred) kernel works but is not the smallest: for the first derivative, how many taps does [-1, 1] have?"),
        "right": N_("the d-th derivative needs d + 1 taps; 3 for the second."),
        "otherwise": N_("your answer is {got!r}. A kernel with k taps sees k values; how many values pin down a polynomial of degree d?")},
    "blur_kernel": {
        "ask": N_("give a 2-D kernel (a tensor)."),
        "negative": N_("a negative weight subtracts neighbours, which sharpens or finds edges; a blur only averages."),
        "total": N_("your weights add up to {total:g}: a flat image would come out {total:g} times as bright."),
        "copy": N_("a single nonzero weight only copies (or shifts) the image."),
        "rough": N_("your kernel does not smooth random noise."),
        "right": N_("it averages neighbours: random noise drops from std {before:.2f} to {after:.2f}, a flat image is unchanged.")},
    "kernel_matrix": {
        "flipped": N_("your W flips the kernel: that is a convolution."),
        "right": N_("a cross-correlation is a (sparse, repetitive) matrix product."),
        "otherwise": N_("row r of W holds the kernel's weights at the columns of the inputs under the window of output r, and zeros elsewhere."),
        "shape": N_("W needs one row per output value and one column per input value: {want}, got {got}.")},
}
# fmt: on


def diagonal_edge_image(n=6):
    """An ``n x n`` image with a diagonal edge: ones on and below the diagonal."""
    return torch.tril(torch.ones(n, n))


def _count(answer):
    return n if (n := c.as_number(answer)) in (0, 1, 2, 3) else None


def check_diagonal_edges(answer):
    """How many of K on X, K on X.T, K.T on X are all zeros (K = [[1, -1]])?
    ``X = diagonal_edge_image()``; ``answer`` is an int from 0 to 3."""
    X, K = diagonal_edge_image().double(), torch.tensor([[1.0, -1.0]]).double()
    outputs = (xcorr(X, K), xcorr(X.T, K), xcorr(X, K.T))
    zeros = sum(bool((Y == 0).all()) for Y in outputs)
    return grade(answer, TABLE["diagonal_edges"], zeros, read=_count)


def check_sweep_shape(answer):
    """Output shape (rows, columns) of a 4x6 input swept by a 2x3 kernel."""
    n, k = (4, 6), (2, 3)
    m = tuple(xcorr(torch.zeros(n), torch.zeros(k)).shape)
    minus, plus = (n[0] - k[0], n[1] - k[1]), (n[0] + k[0] - 1, n[1] + k[1] - 1)
    wrong = dict(minus=minus, plus=plus, swapped=m[::-1])
    facts = dict(rows=m[0], columns=m[1], steps=m[0] * m[1])
    return grade(answer, TABLE["sweep_shape"], m, wrong, read=c.as_ints, **facts)


def _responses(K):
    """What ``K`` makes of the images 1, i, j, i^2, ij, j^2 (row i, column j)."""
    n = max(K.shape) + 8
    i = torch.arange(n, dtype=torch.float64)[:, None].expand(n, n)
    j = i.T
    images = {"1": i**0, "i": i, "j": j, "i^2": i**2, "ij": i * j, "j^2": j**2}
    return {name: xcorr(image, K) for name, image in images.items()}


def _edge_kernel_hint(v, K):
    """Why ``K`` is not an edge detector for brightness changing along ``v``."""
    t, K = TABLE["edge_kernel"], as_tensor(K)
    if K is None or K.dim() != 2 or min(K.shape) < 1 or max(K.shape) > 7:
        return tr(t["size"])
    (v_h, v_w), r = v, _responses(K)
    scale = float(K.abs().sum())
    # Brightness v_h * i + v_w * j changes along v; the response is linear.
    along = (v_h * r["i"] + v_w * r["j"]).abs().max()
    if scale == 0 or along < 1e-6 * scale:
        return tr(t["deaf"])
    if r["1"].abs().max() > 1e-6 * scale:
        return tr(t["flat"])
    if (-v_w * r["i"] + v_h * r["j"]).abs().max() > 1e-6 * along:
        return tr(t["across"], a=-v_w, b=v_h)
    return None


def check_edge_kernel(edge_kernel):
    """``edge_kernel(v)`` -> a 2-D kernel that detects edges orthogonal to ``v``:
    it responds to brightness changing along the unit vector ``v = (v_h, v_w)`` only."""
    s = math.sqrt(0.5)
    vs = [(1.0, 0.0), (0.0, 1.0), (s, s), (s, -s), (0.6, 0.8), (-0.8, 0.6)]
    calls, entry = [(v,) for v in vs], TABLE["edge_kernel"]
    judge = partial(partial, _edge_kernel_hint)
    return c.grade_calls(edge_kernel, entry, calls, judge, None, "v = {}".format)


def check_second_derivative_kernel(K):
    """``K``: a finite-difference kernel for the second derivative, along the
    width (gives exactly 2 on the image ``j**2``), the height, or both (Laplacian)."""
    t, K = TABLE["second_derivative_kernel"], as_tensor(K)
    if K is None or K.dim() not in (1, 2) or K.numel() == 0 or max(K.shape) > 7:
        return hint(t["ask"])
    K = torch.atleast_2d(K)  # a 1-D kernel: along the width
    # A response counts unless it is rounding (a float32 kernel such as
    # [-1, 16, -30, 16, -1] / 12 sums to 7e-8): the images are >= 0, so |K|'s
    # response bounds the rounding of K's.
    r, bound = _responses(K), _responses(K.abs())
    seen = {name for name, Y in r.items() if Y.abs().max() > 1e-6 * bound[name].max()}
    ii, jj = r["i^2"].mean().item(), r["j^2"].mean().item()
    # A float32 kernel's rounding (4e-6 for the one above) is not a mistake.
    key = tuple(next((v for v in (0, 2, -2) if abs(x - v) < 1e-5), x) for x in (ii, jj))
    problems = dict(flat="1" in seen, ramp=bool({"i", "j"} & seen), mixed="ij" in seen)
    problems["sign"] = set(key) <= {0.0, -2.0} and key != (0, 0)
    if problem := c.first(problems):
        return hint(t[problem])
    rights = {(2.0, 0.0): "height", (0.0, 2.0): "width", (2.0, 2.0): "both"}
    if key in rights:
        return correct(t["right_" + rights[key]])
    return hint(t["otherwise"], jj=jj, ii=ii)


def _smallest_difference_kernel(d):
    """Fewest taps of a 1-D kernel that gives the d-th derivative of polynomials."""
    for k in range(1, 4 * d + 4):
        # Taps c_0..c_{k-1} at offsets 0..k-1 must satisfy sum c_b b^m = 0 for
        # m < d and d! for m = d (Taylor expansion); solvable or not?
        offsets = torch.arange(k, dtype=torch.float64)
        V = offsets[None, :] ** torch.arange(d + 1, dtype=torch.float64)[:, None]
        target = torch.zeros(d + 1, 1, dtype=torch.float64)
        target[d] = math.factorial(d)
        solution = torch.linalg.lstsq(V, target, driver="gelsd").solution
        if torch.allclose(V @ solution, target, atol=1e-8):
            return k
    raise AssertionError(f"no difference kernel found for d = {d}")


def check_derivative_kernel_size(kernel_size):
    """``kernel_size(d)`` -> fewest taps of a kernel for the d-th derivative."""

    def mistakes(want, d):
        return dict(single=1 if d == 1 else None, centred=2 * d + 1)

    calls, entry = [(d,) for d in range(1, 7)], TABLE["derivative_kernel_size"]
    return c.grade_calls(
        kernel_size, entry, calls, _smallest_difference_kernel, mistakes, "d"
    )


def check_blur_kernel(K):
    """``K``: a 2-D blur kernel (averages neighbours, keeps the brightness)."""
    t, K = TABLE["blur_kernel"], as_tensor(K)
    if K is None or K.dim() != 2 or K.numel() == 0:
        return hint(t["ask"])
    if bool((K < 0).any()):
        return hint(t["negative"])
    if not math.isclose(total := float(K.sum()), 1.0, rel_tol=1e-4):
        return hint(t["total"], total=total)
    if int((K > 0).sum()) < 2:
        return hint(t["copy"])
    noise = c.random_normal(0)(32, 32)
    before, after = float(noise.std()), float(xcorr(noise, K).std())
    key = "rough" if after >= before else None
    return c.verdict(t, key, before=before, after=after)


def _kernel_matrix(K, x_shape):
    """The matrix of ``X -> corr2d(X, K)`` on flattened ``X``."""
    h, w = x_shape
    # Column c is the output for the image that is 1 at pixel c and 0 elsewhere.
    basis = torch.eye(h * w, dtype=K.dtype).reshape(h * w, 1, h, w)
    return F.conv2d(basis, K[None, None]).reshape(h * w, -1).T


def check_kernel_matrix(kernel_matrix):
    """``kernel_matrix(K, input_shape)`` -> W, one row per output value:
    W @ X.flatten() == corr2d(X, K).flatten() for X of shape ``input_shape``."""
    normal, shapes = c.random_normal(2), [(3, 3), (6, 8), (4, 5), (5, 4)]
    kernels = [(2, 2), (1, 2), (3, 2), (2, 3)]
    calls = [(normal(*k), x) for x, k in zip(shapes, kernels, strict=True)]

    def mistakes(want, K, x_shape):
        return dict(flipped=_kernel_matrix(K.flip(0, 1), x_shape))

    entry, where = TABLE["kernel_matrix"], c.case(x=1, k=0)
    return c.grade_calls(kernel_matrix, entry, calls, _kernel_matrix, mistakes, where)
