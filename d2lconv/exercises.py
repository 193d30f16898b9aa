"""Self-checks for the exercises: each one says "Correct." or gives a hint.

Every ``check_*`` function prints one line that starts with ``Correct.`` or
``Not yet.`` and returns ``True`` or ``False``. A hint never gives the answer
away. Code exercises pass a function (or a tensor); conceptual ones pass a
short answer: a number, a shape, ``True``/``False`` or a letter. The reference
answers are computed on the spot, by PyTorch (``torch.nn.functional``, shapes
of real layers) or from first principles, never typed in.

Padding is per side, as in ``nn.Conv2d``; the book's ``p_h`` is the total.

Checks by notebook:

01-why-convolution
    check_fc_weights
02-cross-correlation
    diagonal_edge_image, check_diagonal_edges, check_edge_kernel,
    check_second_derivative_kernel, check_derivative_kernel_size,
    check_blur_kernel, check_kernel_gradient, check_kernel_matrix
03-padding-and-stride
    check_output_shape, check_audio_stride, check_mirror_padding,
    check_stride_savings, check_fractional_stride
04-channels
    check_composed_kernel_size, check_compose_kernels,
    check_every_kernel_factors, check_forward_cost, check_forward_memory,
    check_backward_cost, check_backward_memory, check_doubling_channels,
    check_doubling_padding, check_1x1_cost, check_y1_y2,
    check_conv2d_as_matmul, check_block_diagonal_speedup
05-pooling
    check_avg_pool_as_conv, check_max_pool_not_linear, check_max_from_relu,
    check_max_pool_from_relu, check_relu_max_layers, check_pooling_cost,
    check_min_pooling, check_softmax_pooling
07-real-photo
    check_sobel_y, check_edge_strength, check_limit_scaling, check_pooled_size
"""

import math
import numbers

import numpy as np
import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

from ._validate import nonnegative_pair, positive_pair
from .shapes import conv2d_output_shape

# ---------------------------------------------------------------------------
# Shared machinery


def _verdict(ok, text):
    """Print the verdict line and return ``ok``."""
    first = text.split(" ", 1)[0]
    # Start the sentence with a capital, unless it starts with maths (c_i, b).
    if first.isalpha() and (len(first) > 1 or first == "a"):
        text = text[0].upper() + text[1:]
    print(("Correct. " if ok else "Not yet. ") + text)
    return ok


def _pass(text):
    return _verdict(True, text)


def _hint(text):
    return _verdict(False, "Hint: " + text)


def _generator(seed=0):
    # A private generator: checks are repeatable and never touch the global seed.
    return torch.Generator().manual_seed(seed)


def _randn(*shape, g):
    return torch.randn(*shape, generator=g, dtype=torch.float64)


def _call(fn, *args):
    """``(result, None)``, or ``(None, hint)`` when the student's code raised."""
    try:
        result = fn(*args)
    except Exception as err:  # a learner's code may raise anything
        return None, f"your function raised {type(err).__name__}: {err}"
    if result is None:
        return None, "your function returns None: replace the placeholder."
    return result, None


def _to_tensor(value):
    """``value`` as a float64 CPU tensor, or ``None`` if it is not array-like."""
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", torch.float64)
    try:
        return torch.as_tensor(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError, RuntimeError):
        return None


def _number(value):
    """``value`` as a float, or ``None`` unless it is a real number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.is_complex():
            return None
        return float(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return None


def _int_pair(value):
    """``value`` as a tuple of two ints, or ``None``."""
    if isinstance(value, (tuple, list, torch.Size)) and len(value) == 2:
        if all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value
        ):
            return (int(value[0]), int(value[1]))
    return None


def _close(a, b, tol=1e-4):
    return a.shape == b.shape and torch.allclose(a, b, rtol=tol, atol=tol)


def _same_number(a, b, rel=1e-6):
    return a is not None and math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)


def _not_callable(fn):
    if callable(fn):
        return None
    return _hint(
        f"pass your function itself (its name, without parentheses), "
        f"got {type(fn).__name__}"
    )


def _xcorr(X, K, **kwargs):
    """2-D cross-correlation of 2-D tensors with PyTorch, the reference."""
    return F.conv2d(X[None, None], K[None, None], **kwargs)[0, 0]


class _Recorder(TorchFunctionMode):
    """Remember the name of every torch function a piece of code calls."""

    def __init__(self):
        super().__init__()
        self.names = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.names.append(getattr(func, "__name__", repr(func)).strip("_"))
        return func(*args, **(kwargs or {}))


def _call_recorded(fn, *args):
    """``(result, names of torch functions called, hint or None)``."""
    recorder = _Recorder()
    with recorder:
        result, error = _call(fn, *args)
    return result, recorder.names, error


_MATMUL_NAMES = {"matmul", "mm", "bmm", "einsum", "tensordot", "linear", "addmm"}
_COMPARISONS = {"gt", "ge", "lt", "le", "greater", "less", "greater_equal"}
_MAX_LIKE = ("max", "min", "clamp", "clip", "where", "sort", "topk", "abs", "sign")


def _max_like(names):
    """The calls in ``names`` that compute a maximum without ReLU."""
    return sorted(
        {n for n in names if n in _COMPARISONS or any(w in n for w in _MAX_LIKE)}
    )


def _conv_macs(c_i, h, w, c_o, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    """Multiply-adds of one conv forward pass on one sample."""
    m_h, m_w = _conv_output_size(h, w, k_h, k_w, p_h, p_w, s_h, s_w)
    # Each output value of each output channel sums c_i * k_h * k_w products.
    return c_o * m_h * m_w * c_i * k_h * k_w


def _conv_output_size(h, w, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    X = torch.empty(1, 1, h, w, device="meta")
    K = torch.empty(1, 1, k_h, k_w, device="meta")
    return tuple(F.conv2d(X, K, padding=(p_h, p_w), stride=(s_h, s_w)).shape[2:])


# Layers used to test the cost formulas: (c_i, h, w, c_o, k_h, k_w, p_h, p_w,
# s_h, s_w), padding per side. They include notebook 4's 1-GFLOP layer.
_COST_CASES = [
    (1, 8, 8, 1, 3, 3, 1, 1, 1, 1),
    (3, 32, 32, 16, 5, 5, 2, 2, 1, 1),
    (2, 9, 7, 3, 3, 2, 0, 1, 2, 3),
    (4, 15, 16, 8, 3, 3, 1, 1, 2, 2),
    (3, 8, 8, 2, 3, 5, 0, 1, 3, 4),
    (100, 64, 64, 100, 5, 5, 2, 2, 1, 1),
]


def _first_wrong_case(fn, reference, cases, rel=1e-6):
    """Run ``fn`` on each case; ``(case, got, want, error)`` for the first miss."""
    for case in cases:
        got, error = _call(fn, *case)
        want = reference(*case)
        if error or not _same_number(_number(got), want, rel):
            return case, got, want, error
    return None


def _layer_text(case):
    c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w = case
    return (
        f"c_i={c_i}, h={h}, w={w}, c_o={c_o}, k_h={k_h}, k_w={k_w}, "
        f"p_h={p_h}, p_w={p_w}, s_h={s_h}, s_w={s_w}"
    )


def _cost_variants(case):
    """Typical wrong counts of multiply-adds for one layer, with their hints."""
    c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w = case
    right = _conv_macs(*case)
    # Padding read as the book's total (p instead of 2p rows added).
    m_h = (h - k_h + p_h + s_h) // s_h
    m_w = (w - k_w + p_w + s_w) // s_w
    return [
        (
            c_i * c_o * k_h * k_w * max(m_h, 0) * max(m_w, 0),
            "padding here is per side (PyTorch's padding=): the padded input "
            "has h + 2*p_h rows. The book's p_h is the total.",
        ),
        (
            c_i * c_o * k_h * k_w * (h + 2 * p_h - k_h + 1) * (w + 2 * p_w - k_w + 1),
            "with a stride the window jumps s rows or columns at a time, so "
            "there are fewer output positions.",
        ),
        (
            right // c_i,
            "each output value sums over all c_i input channels.",
        ),
        (
            right // c_o,
            "every one of the c_o output channels has its own kernel.",
        ),
        (
            2 * right,
            "count a multiply-add (one multiplication and one addition) as one "
            "operation, as the course does.",
        ),
    ]


# ---------------------------------------------------------------------------
# 01-why-convolution


def check_fc_weights(answer):
    """Weights of a fully connected layer from a 12-megapixel RGB photo to 100 units."""
    pixels, channels, units = 12_000_000, 3, 100
    reference = pixels * channels * units
    got = _number(answer)
    if got is None:
        return _hint(f"give a number (such as 1.5e9), got {answer!r}")
    if _same_number(got, reference, 1e-3):
        return _pass(
            f"{reference:.2e} weights, {reference * 4 / 1e9:.1f} GB in float32: "
            "far too many for one layer."
        )
    if _same_number(got, pixels * units, 1e-3):
        return _hint("every pixel holds one value per colour channel (R, G, B).")
    if _same_number(got, reference * 4, 1e-3):
        return _hint("that is a number of bytes; count weights (4 bytes each).")
    return _hint("every input value connects to every hidden unit.")


# ---------------------------------------------------------------------------
# 02-cross-correlation


def diagonal_edge_image(n=6):
    """An ``n x n`` image with a diagonal edge: ones on and below the diagonal."""
    return torch.tril(torch.ones(n, n))


def check_diagonal_edges(answer):
    """How many of K on X, K on X.T, K.T on X are all zeros (K = [[1, -1]])?

    ``X = diagonal_edge_image()``; ``answer`` is an int from 0 to 3.
    """
    X = diagonal_edge_image().double()
    K = torch.tensor([[1.0, -1.0]], dtype=torch.float64)
    outputs = [_xcorr(X, K), _xcorr(X.T, K), _xcorr(X, K.T)]
    reference = sum(bool((Y == 0).all()) for Y in outputs)
    got = _number(answer)
    if got is None or got != int(got) or not 0 <= got <= 3:
        return _hint(f"give a whole number from 0 to 3, got {answer!r}")
    if int(got) == reference:
        return _pass(
            "a diagonal edge changes brightness along both rows and columns, "
            "so both the horizontal and the vertical difference see it."
        )
    return _hint(
        "the stripe image gave zeros once transposed because its edge was "
        "vertical. Is a diagonal edge vertical or horizontal? Compute the "
        "three outputs with corr2d."
    )


def _edge_kernel_failure(K, v):
    """Why ``K`` is not an edge detector for brightness changing along ``v``."""
    v_h, v_w = v
    k_h, k_w = K.shape
    n = max(k_h, k_w) + 8
    i = torch.arange(n, dtype=torch.float64)[:, None].expand(n, n)
    j = torch.arange(n, dtype=torch.float64)[None, :].expand(n, n)
    scale = float(K.abs().sum())
    along = _xcorr(v_h * i + v_w * j, K).abs().max()
    across = _xcorr(-v_w * i + v_h * j, K).abs().max()
    flat = _xcorr(torch.ones(n, n, dtype=torch.float64), K).abs().max()
    if scale == 0 or along < 1e-6 * scale:
        return (
            f"for v = {v} your kernel does not respond when brightness changes along v."
        )
    if flat > 1e-6 * scale:
        return (
            f"for v = {v} your kernel responds to a flat image: an edge "
            f"detector must ignore constant brightness."
        )
    if across > 1e-6 * along:
        return (
            f"for v = {v} your kernel also responds when brightness changes "
            f"along ({-v_w:g}, {v_h:g}), which is parallel to the edge; it "
            f"should only see changes along v."
        )
    return None


def check_edge_kernel(edge_kernel):
    """``edge_kernel(v)`` -> a 2-D kernel that detects edges orthogonal to ``v``.

    ``v = (v_h, v_w)`` is a unit vector (down the rows, along the columns); the
    kernel must respond to brightness changing along ``v``, not to brightness
    changing along the edge, nor to a flat image.
    """
    if (bad := _not_callable(edge_kernel)) is not None:
        return bad
    s = math.sqrt(0.5)
    directions = [(1.0, 0.0), (0.0, 1.0), (s, s), (s, -s), (0.6, 0.8), (-0.8, 0.6)]
    for v in directions:
        K, error = _call(edge_kernel, v)
        if error:
            return _hint(f"for v = {v} {error}")
        K = _to_tensor(K)
        if K is None or K.dim() != 2 or min(K.shape) < 1 or max(K.shape) > 7:
            return _hint(f"for v = {v} return a 2-D kernel of size at most 7x7.")
        failure = _edge_kernel_failure(K, v)
        if failure:
            return _hint(failure)
    return _pass(
        "your kernel measures how fast brightness changes along v, whatever v."
    )


def _polynomial_responses(K):
    """Response of ``K`` to the images 1, i, j, i^2, ij, j^2 (i = row, j = column)."""
    k_h, k_w = K.shape
    n = max(k_h, k_w) + 8
    i = torch.arange(n, dtype=torch.float64)[:, None].expand(n, n)
    j = torch.arange(n, dtype=torch.float64)[None, :].expand(n, n)
    images = {
        "1": torch.ones(n, n, dtype=torch.float64),
        "i": i,
        "j": j,
        "i^2": i**2,
        "ij": i * j,
        "j^2": j**2,
    }
    return {name: _xcorr(image, K) for name, image in images.items()}


def check_second_derivative_kernel(K):
    """``K``: a finite-difference kernel for the second derivative.

    Along the width (d^2/dw^2, a row kernel), along the height, or both (the
    Laplacian) are accepted: on the image ``j**2`` (``j`` the column) the
    width version must give exactly 2 everywhere, the second derivative of j^2.
    """
    K = _to_tensor(K)
    if K is None or K.dim() not in (1, 2) or K.numel() == 0 or max(K.shape) > 7:
        return _hint("give a 1-D or 2-D kernel (a tensor) of size at most 7.")
    if K.dim() == 1:
        K = K[None, :]
    r = _polynomial_responses(K)

    def equals(name, value):
        return bool(torch.allclose(r[name], torch.full_like(r[name], value)))

    if not equals("1", 0):
        return _hint("a flat image must give 0: what must the weights sum to?")
    if not (equals("i", 0) and equals("j", 0)):
        return _hint(
            "your kernel responds to a straight ramp (brightness i or j): that "
            "is a first derivative. A second derivative measures how the slope "
            "changes, so it gives 0 on any ramp."
        )
    if not equals("ij", 0):
        return _hint("your kernel responds to the image i*j: a mixed derivative.")
    ii, jj = r["i^2"].mean().item(), r["j^2"].mean().item()
    if not (equals("i^2", ii) and equals("j^2", jj)):
        return _hint("the response to i^2 or j^2 should be the same everywhere.")
    if {round(ii, 6), round(jj, 6)} <= {0.0, -2.0} and (ii, jj) != (0, 0):
        return _hint("the sign is flipped: the second derivative of j^2 is +2.")
    found = {(2.0, 0.0): "along the height", (0.0, 2.0): "along the width"}
    found[(2.0, 2.0)] = "in both directions (the Laplacian)"
    key = (round(ii, 6), round(jj, 6))
    if key in found:
        return _pass(f"your kernel takes the second derivative {found[key]}.")
    return _hint(
        f"on the image j^2 (second derivative 2) your kernel gives {jj:g}; "
        f"on i^2 it gives {ii:g}. Scale or rethink the weights."
    )


def _smallest_difference_kernel(d):
    """Fewest taps of a 1-D kernel that gives the d-th derivative of polynomials."""
    for k in range(1, 4 * d + 4):
        # Taps c_0..c_{k-1} at offsets 0..k-1 must satisfy sum c_b b^m = 0 for
        # m < d and d! for m = d (Taylor expansion); solvable or not?
        offsets = torch.arange(k, dtype=torch.float64)
        powers = torch.arange(d + 1, dtype=torch.float64)[:, None]
        V = offsets[None, :] ** powers
        target = torch.zeros(d + 1, 1, dtype=torch.float64)
        target[d] = math.factorial(d)
        solution = torch.linalg.lstsq(V, target, driver="gelsd").solution
        if torch.allclose(V @ solution, target, atol=1e-8):
            return k
    raise AssertionError(f"no difference kernel found for d = {d}")


def check_derivative_kernel_size(kernel_size):
    """``kernel_size(d)`` -> fewest taps of a kernel for the d-th derivative."""
    if (bad := _not_callable(kernel_size)) is not None:
        return bad
    for d in range(1, 7):
        got, error = _call(kernel_size, d)
        if error:
            return _hint(f"for d = {d} {error}")
        want = _smallest_difference_kernel(d)
        if _number(got) != want:
            if d == 1 and _number(got) == 1:
                return _hint("can a single weight tell a slope from a flat image?")
            if _number(got) == 2 * d + 1:
                return _hint(
                    "a symmetric (centred) kernel works but is not the smallest: "
                    "for the first derivative, how many taps does [-1, 1] have?"
                )
            return _hint(
                f"your answer for d = {d} is {got!r}. A kernel with k taps "
                f"sees k values; how many values pin down a polynomial of "
                f"degree d?"
            )
    return _pass("the d-th derivative needs d + 1 taps; 3 for the second.")


def check_blur_kernel(K):
    """``K``: a 2-D blur kernel (averages neighbours, keeps the brightness)."""
    K = _to_tensor(K)
    if K is None or K.dim() != 2 or K.numel() == 0:
        return _hint("give a 2-D kernel (a tensor).")
    if bool((K < 0).any()):
        return _hint(
            "a negative weight subtracts neighbours, which sharpens or finds "
            "edges; a blur only averages."
        )
    total = float(K.sum())
    if not math.isclose(total, 1.0, rel_tol=1e-4):
        return _hint(
            f"your weights add up to {total:g}: a flat image would come out "
            f"{total:g} times as bright."
        )
    if int((K > 0).sum()) < 2:
        return _hint("a single nonzero weight only copies (or shifts) the image.")
    noise = _randn(32, 32, g=_generator())
    before, after = float(noise.std()), float(_xcorr(noise, K).std())
    if after >= before:
        return _hint("your kernel does not smooth random noise.")
    return _pass(
        f"it averages neighbours: random noise drops from std {before:.2f} "
        f"to {after:.2f}, a flat image is unchanged."
    )


def check_kernel_gradient(kernel_gradient):
    """``kernel_gradient(X, Y, K, b)`` -> dL/dK for L = sum((corr2d(X, K) + b - Y)**2).

    ``X`` and ``Y`` are 2-D, ``K`` is the 2-D kernel and ``b`` a tensor of
    shape (1,), as in ``Conv2D``. Autograd through ``Conv2D`` or a formula by
    hand are both fine.
    """
    if (bad := _not_callable(kernel_gradient)) is not None:
        return bad
    g = _generator(1)
    cases = [((6, 8), (1, 2)), ((5, 5), (2, 3)), ((4, 7), (3, 1))]
    for x_shape, k_shape in cases:
        X = _randn(*x_shape, g=g)
        K = _randn(*k_shape, g=g)
        b = _randn(1, g=g)
        Y = _randn(x_shape[0] - k_shape[0] + 1, x_shape[1] - k_shape[1] + 1, g=g)
        K_ref = K.clone().requires_grad_(True)
        loss = ((_xcorr(X, K_ref) + b - Y) ** 2).sum()
        (want,) = torch.autograd.grad(loss, K_ref)
        args = (X.float(), Y.float(), K.float(), b.float())
        got, error = _call(kernel_gradient, *(a.clone() for a in args))
        if error:
            return _hint(error)
        got = _to_tensor(got)
        if got is None or got.shape != want.shape:
            return _hint(
                f"dL/dK has one entry per kernel weight: shape {tuple(K.shape)}, "
                f"got {None if got is None else tuple(got.shape)}."
            )
        if _close(got, want):
            continue
        if _close(2 * got, want):
            return _hint("you are off by a factor 2: the derivative of z^2 is 2z.")
        if _close(-got, want):
            return _hint("the sign is flipped: the error is (prediction - target).")
        return _hint(
            "each weight K[a, b] multiplies the inputs X[i + a, j + b]; the "
            "gradient sums those inputs weighted by the error at (i, j)."
        )
    return _pass(
        "the gradient of a cross-correlation with respect to its kernel is "
        "itself a cross-correlation: of X with the output's gradient."
    )


def check_kernel_matrix(kernel_matrix):
    """``kernel_matrix(K, input_shape)`` -> a matrix W for cross-correlation.

    W @ X.flatten() must equal corr2d(X, K).flatten().

    ``input_shape`` is the (h, w) of X; W has one row per output value.
    """
    if (bad := _not_callable(kernel_matrix)) is not None:
        return bad
    g = _generator(2)
    cases = [((3, 3), (2, 2)), ((6, 8), (1, 2)), ((4, 5), (3, 2)), ((5, 4), (2, 3))]
    for x_shape, k_shape in cases:
        K = _randn(*k_shape, g=g)
        X = _randn(*x_shape, g=g)
        got, error = _call(kernel_matrix, K.float().clone(), x_shape)
        if error:
            return _hint(error)
        W = _to_tensor(got)
        want = _xcorr(X, K).reshape(-1)
        rows, cols = want.numel(), X.numel()
        if W is None or tuple(W.shape) != (rows, cols):
            return _hint(
                f"W needs one row per output value and one column per input "
                f"value: for X of shape {x_shape} and K of shape {k_shape} that "
                f"is ({rows}, {cols}), got {None if W is None else tuple(W.shape)}."
            )
        if _close(W @ X.reshape(-1), want):
            continue
        if _close(W @ X.reshape(-1), _xcorr(X, K.flip(0, 1)).reshape(-1)):
            return _hint("your W flips the kernel: that is a convolution.")
        return _hint(
            "row r of W holds the kernel's weights at the columns of the "
            "inputs under the window of output r, and zeros elsewhere."
        )
    return _pass("a cross-correlation is a (sparse, repetitive) matrix product.")


# ---------------------------------------------------------------------------
# 03-padding-and-stride


def check_output_shape(
    answer, input_size=8, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4)
):
    """``answer``: the (h, w) output of ``nn.Conv2d`` with these arguments.

    Sizes are an int or an (h, w) pair; padding is per side. The defaults are
    the section's last example.
    """
    n = positive_pair(input_size, "input_size")
    k = positive_pair(kernel_size, "kernel_size")
    p = nonnegative_pair(padding, "padding")
    s = positive_pair(stride, "stride")
    # A clear ValueError (with the formula) if the layer has no output.
    conv2d_output_shape(n, k, s, p)
    want = _conv_output_size(n[0], n[1], k[0], k[1], p[0], p[1], s[0], s[1])
    got = _int_pair(answer)
    if got is None:
        return _hint(f"give a pair of whole numbers (height, width), got {answer!r}")
    if got == want:
        return _pass(f"the output is {want[0]}x{want[1]}, as nn.Conv2d says.")
    # Padding read as the book's total (p rows added instead of 2p).
    total = tuple((n[a] - k[a] + p[a] + s[a]) // s[a] for a in (0, 1))
    no_stride = tuple(n[a] + 2 * p[a] - k[a] + 1 for a in (0, 1))
    if got == total:
        return _hint(
            "padding= is per side in PyTorch: the padded input has n + 2p rows. "
            "The book's p_h is the total."
        )
    if got == no_stride:
        return _hint("the window jumps s rows (columns) at a time: divide by s.")
    return _hint(
        "one axis at a time: pad both sides, count the window positions that "
        "fit when the window jumps s at a time (round down)."
    )


def check_audio_stride(answer, sample_rate=16000):
    """``answer``: output samples per second of a stride-2 1-D conv on audio."""
    one_second = torch.empty(1, 1, sample_rate, device="meta")
    kernel = torch.empty(1, 1, 3, device="meta")
    want = F.conv1d(one_second, kernel, stride=2, padding=1).shape[-1]
    got = _number(answer)
    if got is None:
        return _hint(f"give a number of samples per second, got {answer!r}")
    if _same_number(got, want):
        return _pass(
            f"{want} samples per second: stride 2 halves the sampling rate "
            f"(downsampling), so the highest frequency it can represent halves too."
        )
    if _same_number(got, 2 * sample_rate):
        return _hint("a stride skips positions: are there more outputs or fewer?")
    return _hint(
        f"the input has {sample_rate} samples per second; the kernel moves 2 "
        f"samples between outputs."
    )


def _mirror_reference(X, p, mode):
    return torch.from_numpy(np.pad(X.numpy(), p, mode=mode))


def check_mirror_padding(mirror_pad):
    """``mirror_pad(X, p)`` -> ``X`` (2-D) with ``p`` mirrored rows/columns per side."""
    if (bad := _not_callable(mirror_pad)) is not None:
        return bad
    g = _generator(3)
    cases = [((4, 5), 1), ((5, 6), 2), ((3, 3), 2), ((6, 4), 3)]
    matched = set()
    for shape, p in cases:
        X = _randn(*shape, g=g)
        got, error = _call(mirror_pad, X.float().clone(), p)
        if error:
            return _hint(error)
        got = _to_tensor(got)
        want_shape = (shape[0] + 2 * p, shape[1] + 2 * p)
        if got is None or tuple(got.shape) != want_shape:
            return _hint(
                f"p rows and columns are added on every side: X of shape {shape} "
                f"with p = {p} becomes {want_shape}."
            )
        modes = {
            m
            for m in ("reflect", "symmetric")
            if _close(got, _mirror_reference(X, p, m))
        }
        if not modes:
            if _close(got, _mirror_reference(X, p, "constant")):
                return _hint("that is zero padding; mirror the image instead.")
            if _close(got, _mirror_reference(X, p, "edge")):
                return _hint(
                    "that repeats the border value; a mirror copies the values "
                    "next to the border, in reverse order."
                )
            return _hint(
                "the padded values should be the image's own values next to "
                "the border, in reverse order, as in a mirror."
            )
        matched = modes if not matched else matched & modes
    if "reflect" in matched:
        return _pass(
            "this is PyTorch's F.pad(..., mode='reflect'): the border value is "
            "not repeated."
        )
    if "symmetric" in matched:
        return _pass(
            "the border value is repeated (numpy's 'symmetric'); PyTorch's "
            "'reflect' mirrors without repeating it. Both are mirror padding."
        )
    return _hint("be consistent: either repeat the border value or never.")


def check_stride_savings(answer):
    """``answer``: how many times fewer multiply-adds stride 2 needs than stride 1.

    The layer: 224x224 input, 3x3 kernel, padding 1 (per side), one channel.
    """
    stride_1 = _conv_macs(1, 224, 224, 1, 3, 3, 1, 1, 1, 1)
    stride_2 = _conv_macs(1, 224, 224, 1, 3, 3, 1, 1, 2, 2)
    want = stride_1 / stride_2
    got = _number(answer)
    if got is None:
        return _hint(f"give a number, got {answer!r}")
    if _same_number(got, want, 1e-3):
        return _pass(
            f"{want:g} times fewer: stride s computes one output in s*s, and "
            f"the smaller output also needs {want:g} times less memory."
        )
    if _same_number(got, math.sqrt(want), 1e-3):
        return _hint("the stride applies to the height and to the width.")
    if _same_number(got, 1 / want, 1e-3):
        return _hint("give how many times fewer (a number above 1).")
    return _hint("compare the number of output positions for the two strides.")


def check_fractional_stride(stride_half):
    """``stride_half(X, K)``: a "stride 1/2" cross-correlation of 2-D tensors.

    Insert one zero between neighbouring rows and columns of ``X`` (n becomes
    2n - 1), pad k - 1 zeros on every side, then cross-correlate with ``K``.
    """
    if (bad := _not_callable(stride_half)) is not None:
        return bad
    g = _generator(4)
    for x_shape, k_shape in [((3, 3), (2, 2)), ((2, 4), (3, 3)), ((4, 3), (1, 2))]:
        X = _randn(*x_shape, g=g)
        K = _randn(*k_shape, g=g)
        # A transposed convolution with stride 2 is the same computation with
        # the kernel flipped.
        want = F.conv_transpose2d(X[None, None], K.flip(0, 1)[None, None], stride=2)
        want = want[0, 0]
        got, error = _call(stride_half, X.float().clone(), K.float().clone())
        if error:
            return _hint(error)
        got = _to_tensor(got)
        if got is None or got.shape != want.shape:
            return _hint(
                f"for X of shape {x_shape} and K of shape {k_shape} the output "
                f"is {tuple(want.shape)}, got "
                f"{None if got is None else tuple(got.shape)}: check the zeros "
                f"inserted (n -> 2n - 1) and the k - 1 zeros of padding per side."
            )
        if not _close(got, want):
            return _hint(
                "the shape is right, the values are not: check where the "
                "inserted zeros go, and that you cross-correlate (no flip)."
            )
    return _pass(
        "this doubles the size: it is PyTorch's transposed convolution "
        "(nn.ConvTranspose2d, stride 2), used to upsample."
    )


# ---------------------------------------------------------------------------
# 04-channels


def _impulse_response_size(k1, k2):
    """Size of what two stacked kernels make of a single 1: their combined kernel."""
    g = _generator(5)
    # Positive weights, so no value cancels out by chance.
    K1 = torch.rand(1, 1, k1, k1, generator=g, dtype=torch.float64) + 0.5
    K2 = torch.rand(1, 1, k2, k2, generator=g, dtype=torch.float64) + 0.5
    n = 2 * (k1 + k2) + 1
    X = torch.zeros(1, 1, n, n, dtype=torch.float64)
    X[0, 0, n // 2, n // 2] = 1.0
    Y = F.conv2d(F.conv2d(X, K1, padding=k1 - 1), K2, padding=k2 - 1)[0, 0]
    return int((Y != 0).any(dim=1).sum())


def check_composed_kernel_size(composed_size):
    """``composed_size(k1, k2)`` -> size of the single kernel equal to k1 then k2."""
    if (bad := _not_callable(composed_size)) is not None:
        return bad
    for k1, k2 in [(1, 1), (2, 2), (3, 3), (2, 5), (5, 3), (1, 4), (7, 2)]:
        got, error = _call(composed_size, k1, k2)
        if error:
            return _hint(f"for k1={k1}, k2={k2} {error}")
        want = _impulse_response_size(k1, k2)
        if _number(got) == want:
            continue
        if _number(got) == k1 + k2:
            return _hint("try k1 = k2 = 1: two 1x1 kernels are one 1x1 kernel.")
        if _number(got) in (k1 * k2, max(k1, k2)):
            return _hint(
                "each value of the second layer sees k2 values of the first; "
                "each of those sees k1 inputs, shifted by one: how wide is that?"
            )
        return _hint(
            f"for k1={k1}, k2={k2} you answered {got!r}. Push a single 1 through "
            f"both layers and measure what comes out."
        )
    return _pass(
        "two kernels of sizes k1 and k2 act like one of size k1 + k2 - 1 (with "
        "no nonlinearity in between)."
    )


def check_compose_kernels(compose):
    """``compose(K1, K2)`` -> K: corr2d(corr2d(X, K1), K2) = corr2d(X, K), all 2-D."""
    if (bad := _not_callable(compose)) is not None:
        return bad
    g = _generator(6)
    for s1, s2 in [
        ((2, 2), (2, 2)),
        ((1, 2), (2, 1)),
        ((3, 3), (2, 2)),
        ((2, 3), (3, 1)),
    ]:
        K1, K2 = _randn(*s1, g=g), _randn(*s2, g=g)
        X = _randn(10, 10, g=g)
        got, error = _call(compose, K1.float().clone(), K2.float().clone())
        if error:
            return _hint(error)
        K = _to_tensor(got)
        shape = (s1[0] + s2[0] - 1, s1[1] + s2[1] - 1)
        if K is None or tuple(K.shape) != shape:
            return _hint(
                f"K1 of shape {s1} and K2 of shape {s2} combine into a kernel of "
                f"shape {shape}, got {None if K is None else tuple(K.shape)}."
            )
        if not _close(_xcorr(X, K), _xcorr(_xcorr(X, K1), K2)):
            return _hint(
                "push a single 1 through K1 and then K2: what comes out is the "
                "combined kernel, up to a flip."
            )
    return _pass("two stacked kernels with nothing in between are one bigger kernel.")


def check_every_kernel_factors(answer):
    """``answer`` (True/False): can every 3x3 kernel be split into two 2x2 kernels?"""
    if not isinstance(answer, bool):
        return _hint(f"answer True or False, got {answer!r}")
    two_small = 2 * 2 * 2
    one_big = 3 * 3
    want = two_small >= one_big
    if answer == want:
        return _pass(
            f"two 2x2 kernels have {two_small} numbers, a 3x3 kernel has "
            f"{one_big}: the pairs cannot reach every 3x3 kernel (most do not "
            f"factor)."
        )
    return _hint("count the numbers you can choose in two 2x2 kernels and in one 3x3.")


def _check_layer_formula(fn, reference, what, variants=None):
    if (bad := _not_callable(fn)) is not None:
        return bad
    miss = _first_wrong_case(fn, reference, _COST_CASES)
    if miss is None:
        return None
    case, got, want, error = miss
    if error:
        return _hint(f"for {_layer_text(case)}: {error}")
    value = _number(got)
    for wrong, hint in variants(case) if variants else []:
        if _same_number(value, wrong):
            return _hint(f"for {_layer_text(case)}: {hint}")
    return _hint(
        f"for {_layer_text(case)} your {what} is {got!r}. Work out the output "
        f"size first (padding per side), then count."
    )


def check_forward_cost(forward_cost):
    """``forward_cost(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> multiply-adds.

    One forward pass of one sample, no bias; padding per side. A multiply-add
    counts as one operation.
    """
    bad = _check_layer_formula(forward_cost, _conv_macs, "count", _cost_variants)
    if bad is not None:
        return bad
    return _pass(
        "c_i * c_o * k_h * k_w * m_h * m_w, with (m_h, m_w) the output size: "
        "1.024e9 for notebook 4's layer."
    )


def _forward_values(c_i, h, w, c_o, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    """Numbers a forward pass holds: input, weights, bias and output."""
    X = torch.empty(1, c_i, h, w, device="meta")
    layer = torch.nn.Conv2d(c_i, c_o, (k_h, k_w), (s_h, s_w), (p_h, p_w), device="meta")
    Y = layer(X)
    return X.numel() + sum(p.numel() for p in layer.parameters()) + Y.numel()


def check_forward_memory(forward_memory):
    """``forward_memory(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> values.

    Count the values held by one forward pass of one sample: the input, the
    weights, the bias (c_o values) and the output. Padding is per side and is
    not stored (PyTorch pads on the fly). Multiply by 4 for bytes in float32.
    """

    def variants(case):
        c_i, h, w, c_o, k_h, k_w = case[:6]
        right = _forward_values(*case)
        return [
            (
                right - c_o * c_i * k_h * k_w - c_o,
                "the weights and the bias are stored too.",
            ),
            (right - c_o, "the bias has c_o values."),
            (right - c_i * h * w, "the input is stored too."),
        ]

    bad = _check_layer_formula(forward_memory, _forward_values, "count", variants)
    if bad is not None:
        return bad
    return _pass(
        "c_i*h*w + c_o*c_i*k_h*k_w + c_o + c_o*m_h*m_w values (4 bytes each in "
        "float32)."
    )


def _backward_macs(c_i, h, w, c_o, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    """Multiply-adds of the backward pass (gradients of input and weights)."""
    # Every forward product x * w sends one multiply-add to dL/dx (w * dL/dy)
    # and one to dL/dw (x * dL/dy).
    return 2 * _conv_macs(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)


def check_backward_cost(backward_cost):
    """``backward_cost(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> multiply-adds.

    The gradients with respect to the input and to the weights, for one sample
    (the bias gradient is only additions: leave it out).
    """

    def variants(case):
        right = _backward_macs(*case)
        return [
            (right // 2, "the backward pass computes two gradients: for the "
             "input (to pass on) and for the weights (to learn)."),
            (2 * right, "count a multiply-add as one operation."),
        ]  # fmt: skip

    bad = _check_layer_formula(backward_cost, _backward_macs, "count", variants)
    if bad is not None:
        return bad
    return _pass(
        "twice the forward cost: one pass for dL/dX, one for dL/dW, each as "
        "many multiply-adds as the forward pass."
    )


def _backward_values(c_i, h, w, c_o, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    """Saved tensors (as PyTorch saves them) + incoming gradient + gradients out."""
    X = torch.empty(1, c_i, h, w, device="meta", requires_grad=True)
    layer = torch.nn.Conv2d(c_i, c_o, (k_h, k_w), (s_h, s_w), (p_h, p_w), device="meta")
    saved = []

    def pack(t):
        saved.append(t.numel())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        Y = layer(X)
    grads_out = X.numel() + sum(p.numel() for p in layer.parameters())
    return sum(saved) + Y.numel() + grads_out


def check_backward_memory(backward_memory):
    """``backward_memory(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> values.

    Count what the backward pass of one sample holds: the tensors the forward
    pass kept for it (the input and the weights), the gradient arriving from
    the next layer (shaped like the output), and the gradients it produces (for
    the input, the weights and the bias).
    """

    def variants(case):
        c_i, h, w, c_o, k_h, k_w = case[:6]
        right = _backward_values(*case)
        return [
            (right - c_i * h * w - c_o * c_i * k_h * k_w,
             "the forward pass keeps the input and the weights for the backward "
             "pass: count them."),
            (right - c_o, "the bias gradient has c_o values."),
        ]  # fmt: skip

    bad = _check_layer_formula(backward_memory, _backward_values, "count", variants)
    if bad is not None:
        return bad
    return _pass(
        "2*(c_i*h*w) + 2*(c_o*c_i*k_h*k_w) + c_o + c_o*m_h*m_w values: about "
        "twice the forward pass."
    )


def check_doubling_channels(answer):
    """``answer``: factor by which multiply-adds grow when c_i and c_o both double."""
    want = _conv_macs(32, 16, 16, 32, 3, 3, 1, 1) / _conv_macs(
        16, 16, 16, 16, 3, 3, 1, 1
    )
    got = _number(answer)
    if got is None:
        return _hint(f"give a number, got {answer!r}")
    if _same_number(got, want, 1e-6):
        return _pass("4 times: c_i * c_o appears as a product in the cost.")
    if _same_number(got, 2.0):
        return _hint("both c_i and c_o double, and the cost has their product.")
    return _hint("look at how c_i and c_o appear in c_i*c_o*k_h*k_w*m_h*m_w.")


def check_doubling_padding(answer, input_size=64, kernel_size=5, padding=2, stride=1):
    """``answer``: factor by which multiply-adds grow when the padding doubles.

    Defaults: a 64x64 input, 5x5 kernel, padding 2 per side (output 64x64),
    which becomes padding 4 per side. Give the exact ratio (e.g. 1.25).
    """
    n, k, p, s = input_size, kernel_size, padding, stride
    before = _conv_macs(1, n, n, 1, k, k, p, p, s, s)
    after = _conv_macs(1, n, n, 1, k, k, 2 * p, 2 * p, s, s)
    want = after / before
    got = _number(answer)
    if got is None:
        return _hint(f"give a number, got {answer!r}")
    if _same_number(got, want, 1e-3):
        m0 = _conv_output_size(n, n, k, k, p, p, s, s)
        m1 = _conv_output_size(n, n, k, k, 2 * p, 2 * p, s, s)
        return _pass(
            f"the output grows from {m0[0]}x{m0[1]} to {m1[0]}x{m1[1]}: "
            f"{want:.4f} times the work, not 2 (padding only adds a border)."
        )
    if _same_number(got, 2.0) or _same_number(got, 4.0):
        return _hint(
            "padding does not scale the work; it adds a border of zeros. "
            "Compute the output size before and after."
        )
    if _same_number(got, math.sqrt(want), 1e-3):
        return _hint("the output grows in height and in width.")
    return _hint("compute both output sizes; the cost is proportional to their area.")


def check_1x1_cost(cost_1x1):
    """``cost_1x1(c_i, c_o, h, w)`` -> multiply-adds of a 1x1 conv layer (stride 1)."""
    if (bad := _not_callable(cost_1x1)) is not None:
        return bad
    for c_i, c_o, h, w in [
        (3, 2, 3, 3),
        (64, 32, 28, 28),
        (256, 64, 14, 14),
        (1, 5, 7, 2),
    ]:
        want = _conv_macs(c_i, h, w, c_o, 1, 1)
        got, error = _call(cost_1x1, c_i, c_o, h, w)
        if error:
            return _hint(error)
        value = _number(got)
        if _same_number(value, want):
            continue
        case = f"c_i={c_i}, c_o={c_o}, h={h}, w={w}"
        if _same_number(value, c_i * h * w) or _same_number(value, c_o * h * w):
            return _hint(f"for {case}: every output channel reads every input channel.")
        if _same_number(value, c_i * c_o):
            return _hint(f"for {case}: the channel mixing happens at every pixel.")
        if _same_number(value, 2 * want):
            return _hint("count a multiply-add as one operation.")
        return _hint(f"for {case} you answered {got!r}; think of a matrix product.")
    return _pass("c_i * c_o * h * w: a (c_o x c_i) matrix times a (c_i x hw) matrix.")


Y1_Y2_CHOICES = {
    "a": "They are always exactly equal: both add up the same products.",
    "b": "They agree up to rounding: the same products are added in a different "
    "order, and floating-point addition is not associative.",
    "c": "They differ because the kernel is random.",
    "d": "They differ because the matrix-product version leaves out the bias.",
}


def check_y1_y2(answer):
    """``answer``: a letter from ``Y1_Y2_CHOICES``: why Y1 and Y2 may differ."""
    options = "".join(f"\n  {k}) {v}" for k, v in Y1_Y2_CHOICES.items())
    if not isinstance(answer, str) or answer.strip().lower() not in Y1_Y2_CHOICES:
        return _hint(f"answer with one letter:{options}")
    # Floating-point addition in a different order: a first-principles check.
    x, y, z = 0.1, 0.2, 0.3
    order_matters = (x + y) + z != x + (y + z)
    want = "b" if order_matters else "a"
    if answer.strip().lower() == want:
        return _pass(
            f"in float64, (0.1 + 0.2) + 0.3 = {(x + y) + z!r} but 0.1 + (0.2 + "
            f"0.3) = {x + (y + z)!r}; compare with a tolerance, never with ==."
        )
    return _hint(
        "both codes use the same kernel and neither has a bias. Does the order "
        "in which floats are added change the result?"
    )


def check_conv2d_as_matmul(conv2d_matmul):
    """``conv2d_matmul(X, K)``: X (c_i, h, w), K (c_o, c_i, k_h, k_w) -> (c_o, m, m').

    No padding, stride 1. Use one matrix product (``@``, ``torch.matmul``...);
    calling a convolution function (``F.conv2d``...) does not count.
    """
    if (bad := _not_callable(conv2d_matmul)) is not None:
        return bad
    g = _generator(7)
    X0 = torch.stack(
        [torch.arange(9.0).reshape(3, 3), torch.arange(1.0, 10.0).reshape(3, 3)]
    )
    K0 = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
    cases = [
        (X0.double(), torch.stack([K0, K0 + 1, K0 + 2]).double()),
        (_randn(3, 6, 5, g=g), _randn(4, 3, 3, 2, g=g)),
        (_randn(1, 4, 4, g=g), _randn(2, 1, 1, 1, g=g)),
    ]
    for X, K in cases:
        want = F.conv2d(X[None], K)[0]
        got, names, error = _call_recorded(conv2d_matmul, X.float(), K.float())
        if error:
            return _hint(error)
        used_conv = sorted({n for n in names if "conv" in n})
        if used_conv:
            return _hint(
                f"do it without {', '.join(used_conv)}: that is the reference."
            )
        got = _to_tensor(got)
        if got is None or got.shape != want.shape:
            return _hint(
                f"for X of shape {tuple(X.shape)} and K of shape {tuple(K.shape)} "
                f"the output has shape {tuple(want.shape)}, got "
                f"{None if got is None else tuple(got.shape)}."
            )
        if not _close(got, want):
            return _hint(
                "lay each window of X (all channels) out as one column; each "
                "output channel's kernel becomes one row."
            )
        if not _MATMUL_NAMES & set(names):
            return _hint("the values are right; now do the sums as one matrix product.")
    return _pass(
        "unfold the windows into columns (im2col), flatten the kernels into "
        "rows, multiply once: this is how many libraries compute convolutions."
    )


def check_block_diagonal_speedup(speedup):
    """``speedup(c, b)``: how much faster a c x c block-diagonal matrix (b blocks) is.

    Compare the multiply-adds of a (c x c) matrix times a vector, dense versus
    block-diagonal with b equal blocks (b divides c).
    """
    if (bad := _not_callable(speedup)) is not None:
        return bad
    for c, b in [(8, 2), (12, 3), (256, 4), (64, 64), (10, 1)]:
        dense = c * c
        block = torch.block_diag(*[torch.ones(c // b, c // b)] * b)
        want = dense / int(block.count_nonzero())
        got, error = _call(speedup, c, b)
        if error:
            return _hint(error)
        value = _number(got)
        if _same_number(value, want):
            continue
        if _same_number(value, b * b):
            return _hint(f"for c={c}, b={b}: there are b blocks, each (c/b) x (c/b).")
        return _hint(
            f"for c={c}, b={b} you answered {got!r}: count the nonzero entries "
            f"of both matrices."
        )
    return _pass(
        "b times faster (c^2 / b multiply-adds), but the blocks no longer "
        "exchange information: grouped convolutions shuffle channels to fix that."
    )


# ---------------------------------------------------------------------------
# 05-pooling


def _pool_cases(seed):
    g = _generator(seed)
    return [
        (_randn(1, 1, 4, 4, g=g), 2, 1),
        (_randn(2, 3, 6, 6, g=g), 2, 2),
        (_randn(1, 2, 7, 5, g=g), 3, 2),
    ]


def _windows(X, k, s):
    """All k x k windows of X (N, C, H, W): shape (N, C, m_h, m_w, k*k)."""
    return X.unfold(2, k, s).unfold(3, k, s).flatten(-2)


def _check_pooling_fn(fn, reference, forbidden=(), require=None, mixing_hint=None):
    if (bad := _not_callable(fn)) is not None:
        return bad
    for X, k, s in _pool_cases(8):
        want = reference(X, k, s)
        got, names, error = _call_recorded(fn, X.float().clone(), k, s)
        if error:
            return _hint(f"for pool_size={k}, stride={s}: {error}")
        used = sorted({n for n in names for f in forbidden if f in n})
        if used:
            return _hint(f"do it without {', '.join(used)}.")
        got = _to_tensor(got)
        if got is None or got.shape != want.shape:
            return _hint(
                f"for X of shape {tuple(X.shape)}, pool_size={k}, stride={s} the "
                f"output has shape {tuple(want.shape)}, got "
                f"{None if got is None else tuple(got.shape)}."
            )
        if not _close(got, want):
            if mixing_hint and X.shape[1] > 1 and mixing_hint(got, X, k, s):
                return _hint(
                    "your result mixes channels: pooling works on each channel "
                    "separately (the channel count stays the same)."
                )
            return _hint(f"for pool_size={k}, stride={s} the values differ.")
        if require and not set(require) & set(names):
            return _hint(f"the values are right; now use {' or '.join(require)}.")
    return None


def check_avg_pool_as_conv(avg_pool):
    """``avg_pool(X, pool_size, stride)``: average pooling of X (N, C, H, W) by a conv.

    Same result as ``F.avg_pool2d(X, pool_size, stride)``; use ``F.conv2d`` (or
    ``nn.Conv2d``), not a pooling function.
    """

    def channel_sum(got, X, k, s):
        summed = F.avg_pool2d(X.sum(1, keepdim=True), k, s)
        return _close(got, summed.expand_as(got))

    bad = _check_pooling_fn(
        avg_pool,
        lambda X, k, s: F.avg_pool2d(X, k, s),
        forbidden=("pool",),
        require=("conv2d",),
        mixing_hint=channel_sum,
    )
    if bad is not None:
        return bad
    return _pass(
        "average pooling is a convolution with fixed weights 1/(k*k), one "
        "channel at a time: a linear operation."
    )


def check_max_pool_not_linear(x, y):
    """``x``, ``y``: two 2-D tensors showing that 2x2 max pooling is not linear.

    A convolution is linear: conv(x + y) = conv(x) + conv(y) for every x, y.
    Find x and y (same shape, at least 2x2) where 2x2 max pooling (stride 1)
    breaks this.
    """
    x, y = _to_tensor(x), _to_tensor(y)
    if x is None or y is None or x.dim() != 2 or x.shape != y.shape or min(x.shape) < 2:
        return _hint("give two 2-D tensors of the same shape, at least 2x2.")

    def pool(t):
        return F.max_pool2d(t[None, None], 2, stride=1)[0, 0]

    if torch.allclose(pool(x + y), pool(x) + pool(y)):
        return _hint(
            "for these two, pool(x + y) = pool(x) + pool(y). Try inputs whose "
            "largest values sit in different places."
        )
    return _pass(
        "pool(x + y) != pool(x) + pool(y): max pooling is not linear, and every "
        "convolution is, so no convolution can compute it."
    )


def check_max_from_relu(max_from_relu):
    """``max_from_relu(a, b)`` -> elementwise max of two tensors, using only ReLU.

    Allowed: ``F.relu`` (or ``torch.relu``, ``nn.ReLU``), +, - and scaling.
    Not allowed: max, maximum, clamp, abs, where, comparisons.
    """
    if (bad := _not_callable(max_from_relu)) is not None:
        return bad
    g = _generator(9)
    a = _randn(5, 7, g=g).float()
    b = _randn(5, 7, g=g).float()
    b[0] = a[0]  # ties
    got, names, error = _call_recorded(max_from_relu, a.clone(), b.clone())
    if error:
        return _hint(error)
    cheats = _max_like(names)
    if cheats:
        return _hint(f"do it with ReLU only, without {', '.join(cheats)}.")
    got = _to_tensor(got)
    want = torch.maximum(a, b).double()
    if got is None or got.shape != want.shape:
        return _hint("return a tensor shaped like a and b.")
    if not _close(got, want):
        return _hint(
            "write max(a, b) as a plus a correction that is zero whenever a "
            "is the larger one."
        )
    if "relu" not in names:
        return _hint("the values are right; now use ReLU.")
    return _pass("max(a, b) = a + ReLU(b - a): one ReLU per pair.")


def check_max_pool_from_relu(max_pool):
    """``max_pool(X)``: 2x2 max pooling (stride 2) of X (N, C, H, W) with ReLU only.

    ``H`` and ``W`` are even. Allowed: convolutions, slicing, reshaping, ReLU,
    +, - and scaling; not allowed: max functions, clamp, abs, comparisons.
    """
    if (bad := _not_callable(max_pool)) is not None:
        return bad
    g = _generator(10)
    for shape in [(1, 1, 4, 4), (2, 3, 6, 8)]:
        X = _randn(*shape, g=g)
        want = F.max_pool2d(X, 2)
        got, names, error = _call_recorded(max_pool, X.float().clone())
        if error:
            return _hint(error)
        cheats = _max_like(names)
        if cheats:
            return _hint(f"do it with ReLU only, without {', '.join(cheats)}.")
        got = _to_tensor(got)
        if got is None or got.shape != want.shape:
            return _hint(
                f"for X of shape {shape} the output has shape {tuple(want.shape)}, "
                f"got {None if got is None else tuple(got.shape)}."
            )
        if not _close(got, want):
            return _hint(
                "take the max of the two top values and of the two bottom "
                "values, then the max of those two."
            )
    return _pass(
        "a 2x2 max is two rounds of pairwise maxima, each a ReLU: a "
        "convolution-and-ReLU network can pool."
    )


def _tournament_rounds(values):
    """Rounds of pairwise maxima needed to reduce ``values`` numbers to one."""
    rounds = 0
    while values > 1:
        values = (values + 1) // 2
        rounds += 1
    return rounds


def check_relu_max_layers(answer):
    """``answer = (layers_2x2, layers_3x3)``: ReLU layers to max-pool a window.

    Each layer takes maxima of pairs (as in ``check_max_from_relu``), and a value
    with no partner passes through.
    """
    want = (_tournament_rounds(4), _tournament_rounds(9))
    got = _int_pair(answer)
    if got is None:
        return _hint(f"give two whole numbers (2x2, 3x3), got {answer!r}")
    if got == want:
        return _pass(
            f"{want[0]} layers for 2x2 (4 values) and {want[1]} for 3x3 (9 values): "
            f"ceil(log2(window size)), since each layer halves the candidates."
        )
    if got == (4 - 1, 9 - 1):
        return _hint("compare pairs side by side in one layer: a tournament.")
    return _hint(
        "each layer halves the number of candidates (rounding up). How many "
        "halvings take 4 values to 1? And 9?"
    )


def _pool_reads(c, h, w, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    X = torch.empty(1, c, h, w, device="meta")
    Y = F.max_pool2d(X, (k_h, k_w), (s_h, s_w), (p_h, p_w))
    return Y.numel() * k_h * k_w


_POOL_COST_CASES = [
    (1, 4, 4, 2, 2, 0, 0, 2, 2),
    (3, 32, 32, 3, 3, 1, 1, 1, 1),
    (2, 9, 7, 3, 2, 1, 0, 2, 3),
    (64, 56, 56, 3, 3, 1, 1, 2, 2),
]


def check_pooling_cost(pooling_cost):
    """``pooling_cost(c, h, w, k_h, k_w, p_h, p_w, s_h, s_w)`` -> values read.

    The number of input values the pooling layer reads: one per window element
    per output value (padding per side). Max pooling compares about that
    many; average pooling adds about that many.
    """
    if (bad := _not_callable(pooling_cost)) is not None:
        return bad
    for case in _POOL_COST_CASES:
        want = _pool_reads(*case)
        got, error = _call(pooling_cost, *case)
        if error:
            return _hint(error)
        if _same_number(_number(got), want):
            continue
        c, h, w, k_h, k_w = case[:5]
        text = "c={}, h={}, w={}, k_h={}, k_w={}, p_h={}, p_w={}, s_h={}, s_w={}"
        text = text.format(*case)
        if _same_number(_number(got), want / c):
            return _hint(f"for {text}: each channel is pooled on its own.")
        return _hint(
            f"for {text} you answered {got!r}: find the output size first "
            f"(as for a convolution), then count the window's values."
        )
    return _pass(
        "c * m_h * m_w * k_h * k_w: like a convolution with c_i = c_o = c but "
        "no channel mixing, and no parameters."
    )


def check_min_pooling(min_pool):
    """``min_pool(X, pool_size, stride)``: minimum pooling of X (N, C, H, W)."""

    def reference(X, k, s):
        return _windows(X, k, s).amin(-1)

    bad = _check_pooling_fn(min_pool, reference)
    if bad is not None:
        return bad
    return _pass(
        "min pooling needs no layer of its own: min(x) = -max(-x), so "
        "negate, max-pool, negate."
    )


def check_softmax_pooling(softmax_pool):
    """``softmax_pool(X, pool_size, stride)``: each window's softmax-weighted mean.

    For the values x of a window, the output is sum(softmax(x) * x). X has
    shape (N, C, H, W).
    """

    def reference(X, k, s):
        windows = _windows(X, k, s)
        return (torch.softmax(windows, -1) * windows).sum(-1)

    bad = _check_pooling_fn(softmax_pool, reference)
    if bad is not None:
        return bad
    return _pass(
        "softmax pooling lies between average and max pooling, but costs "
        "exponentials for every value, and its output depends on the scale "
        "of the inputs."
    )


# ---------------------------------------------------------------------------
# 07-real-photo


def _sobel_x():
    # Sobel's kernel: a difference across the columns, smoothed down the rows.
    return torch.outer(
        torch.tensor([1.0, 2.0, 1.0], dtype=torch.float64),
        torch.tensor([-1.0, 0.0, 1.0], dtype=torch.float64),
    )


def check_sobel_y(K):
    """``K``: Sobel's 3x3 kernel for brightness that grows from top to bottom."""
    K = _to_tensor(K)
    if K is None or K.shape != (3, 3):
        shape = "nothing" if K is None else f"shape {tuple(K.shape)}"
        return _hint(f"give a 3x3 kernel (a tensor), got {shape}.")
    reference = _sobel_x().T
    if _close(K, reference, 1e-6):
        return _pass(
            "Sobel's y kernel is the x kernel transposed: a difference down "
            "the rows, smoothed with [1, 2, 1] along them."
        )
    if _close(K, _sobel_x(), 1e-6):
        return _hint(
            "this kernel answers brightness growing from left to right; you "
            "want one that compares rows, not columns."
        )
    if _close(K, -reference, 1e-6):
        return _hint(
            "the sign: brightness growing downwards must give a positive output."
        )
    if abs(float(K.sum())) > 1e-6:
        return _hint("a flat image must give 0: the weights must add up to 0.")
    ramp = torch.arange(6.0, dtype=torch.float64)[:, None].expand(6, 6)
    if bool((_xcorr(ramp, K) > 0).all()):
        return _hint(
            "it answers the right direction; Sobel's kernel also weights the "
            "middle column twice as much as the two others."
        )
    return _hint(
        "subtract the row above from the row below, weighting the middle column twice."
    )


def check_edge_strength(edge_strength):
    """``edge_strength(X)``: ``sqrt(gx**2 + gy**2)`` for a 2-D ``X``.

    ``gx`` and ``gy`` are ``X`` cross-correlated with Sobel's x kernel and its
    transpose, without padding; ``X`` is a float32 tensor.
    """
    if (bad := _not_callable(edge_strength)) is not None:
        return bad
    g = _generator(7)
    ramp = torch.arange(7.0)[None, :] + 2 * torch.arange(6.0)[:, None]
    for X in (torch.randn(8, 9, generator=g), ramp, torch.ones(5, 5)):
        X64 = X.double()
        gx, gy = _xcorr(X64, _sobel_x()), _xcorr(X64, _sobel_x().T)
        reference = torch.sqrt(gx**2 + gy**2)
        result, error = _call(edge_strength, X.clone())
        if error:
            return _hint(error)
        got = _to_tensor(result)
        if got is None:
            return _hint(f"return a tensor, got {type(result).__name__}.")
        if got.shape != reference.shape:
            return _hint(
                f"an image of {X.shape[0]}x{X.shape[1]} gives "
                f"{X.shape[0] - 2}x{X.shape[1] - 2} values with 3x3 kernels and "
                f"no padding; got shape {tuple(got.shape)}."
            )
        if _close(got, reference):
            continue
        if _close(got, gx.abs() + gy.abs()):
            return _hint(
                "that is |gx| + |gy|; the strength is the length of the vector "
                "(gx, gy)."
            )
        if _close(got, gx**2 + gy**2):
            return _hint("a length: take the square root of the sum of squares.")
        if any(_close(got, m) for m in (gx, gy, gx.abs(), gy.abs())):
            return _hint("combine both directions: an edge can run any way.")
        if bool((got < 0).any()):
            return _hint("a strength is a length: it is never negative.")
        return _hint(
            "cross-correlate with Sobel's kernel and with its transpose, then "
            "combine the two maps into the length of the gradient (gx, gy)."
        )
    return _pass(
        "(gx, gy) points across the edge, and its length does not depend on "
        "the direction the edge runs."
    )


def check_limit_scaling(answer):
    """By what factor does the stable learning rate change when X doubles?

    The loss is the mean squared error of a kernel on ``X``; the answer is the
    new ``stable_lr`` divided by the old one (a number).
    """
    from .photo import stable_lr

    X = torch.rand(12, 10, generator=_generator(3), dtype=torch.float64)
    reference = stable_lr(2 * X, 3) / stable_lr(X, 3)
    got = _number(answer)
    if got is None:
        return _hint("give a number: the new limit divided by the old one.")
    if _same_number(got, reference):
        return _pass(
            "the Hessian 2 A^T A / N holds two factors of the image, so it "
            "grows four times and the limit 2 / lambda_max shrinks four times: "
            "one reason to normalise inputs."
        )
    if got > 1:
        return _hint(
            "doubling the photo makes the loss steeper, so the limit gets smaller, "
            "not larger."
        )
    if _same_number(got, 1.0):
        return _hint("the Hessian depends on the image's values: it changes.")
    if _same_number(got, 0.5):
        return _hint(
            "count the factors of the image in the Hessian 2 A^T A / N "
            "(A holds its windows)."
        )
    return _hint(
        "the limit is 2 / lambda_max of 2 A^T A / N; see what happens to "
        "A^T A when every entry of A doubles."
    )


def check_pooled_size(answer, shape=(128, 109), rounds=3):
    """``answer``: the (h, w) of a ``shape`` image after ``rounds`` ``MaxPool2d(2)``."""
    h, w = positive_pair(shape, "shape")
    if isinstance(rounds, bool) or not isinstance(rounds, numbers.Integral):
        raise TypeError(f"rounds must be an int, got {rounds!r}")
    if not 1 <= rounds or min(h, w) < 2**rounds:
        raise ValueError(
            f"rounds must be >= 1 and leave at least one pixel of {h} x {w} "
            f"(each round halves it), got {rounds}"
        )
    X = torch.empty(1, 1, h, w, device="meta")
    up = X
    for _ in range(rounds):
        X = F.max_pool2d(X, 2)
        up = F.max_pool2d(up, 2, ceil_mode=True)
    reference, rounded_up = tuple(X.shape[2:]), tuple(up.shape[2:])
    got = _int_pair(answer)
    if got is None:
        return _hint(f"give a pair of ints (h, w), got {answer!r}.")
    if got == reference:
        return _pass(
            "each 2x2 pooling with stride 2 halves the size, rounding down: a "
            "last row or column without a full window is dropped."
        )
    if got == rounded_up:
        return _hint(
            "PyTorch rounds down: a last row or column without a full 2x2 "
            "window is dropped."
        )
    if got == (h - rounds, w - rounds):
        return _hint(
            "nn.MaxPool2d(2) moves its window 2 pixels at a time (its stride "
            "is the window size by default), not 1."
        )
    return _hint(
        "apply floor((n - 2) / 2) + 1 once per pooling layer, to the height "
        "and to the width."
    )
