"""The real photo: loading it, the loss of a kernel on it, learning Sobel's kernel."""

import math
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib import cbook
from PIL import Image

from d2lconv import (
    format_kernels,
    initial_kernel,
    kernel_hessian,
    learn_kernel,
    load_photo,
    one_thread,
    show_images,
    stable_lr,
)

FULL = (600, 512)
SOBEL_X = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=torch.float64)
# Notebook 10's rate (0.9 of the stable limit) and number of steps.
FRACTION, STEPS = 0.9, 1000


def xcorr(X, K):
    return F.conv2d(X[None, None].double(), K[None, None].double())[0, 0]


def windows(X, k):
    """One row per output pixel: the k x k window of X it sees (PyTorch's unfold)."""
    return F.unfold(X.double()[None, None], k)[0].T


def test_the_photo_is_matplotlibs_in_pillows_grey_and_shrinks_by_blocks():
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    # Pillow's convert("L") rounds 0.299 R + 0.587 G + 0.114 B to a byte.
    grey = np.asarray(Image.open(path).convert("L"), dtype=np.float64) / 255
    full = load_photo(None)
    assert tuple(full.shape) == FULL and full.dtype == torch.float32
    assert np.abs(full.numpy() - grey).max() <= 1 / 255
    # 600 x 512 to 150 x 128 is exactly 4 x 4 pixels per small pixel.
    blocks = F.avg_pool2d(full[None, None], 4)[0, 0]
    assert torch.allclose(load_photo(150), blocks, atol=1e-6)
    assert tuple(load_photo().shape) == (128, 109)
    for height in (1, 7, 600):
        width = max(1, round(height * FULL[1] / FULL[0]))
        assert tuple(load_photo(height).shape) == (height, width)


@pytest.mark.parametrize("kernel_size", [(1, 2), (3, 3)])
@one_thread()
def test_hessian_and_limit_are_pytorchs(kernel_size):
    g = torch.Generator().manual_seed(1)
    X = torch.rand(8, 6, generator=g, dtype=torch.float64)
    kh, kw = kernel_size
    K = torch.randn(kh * kw, generator=g, dtype=torch.float64)
    target = torch.randn(9 - kh, 7 - kw, generator=g, dtype=torch.float64)

    def loss(w):
        return ((xcorr(X, w.view(kh, kw)) - target) ** 2).mean()

    reference = torch.autograd.functional.hessian(loss, K)
    assert torch.allclose(kernel_hessian(X, kernel_size), reference)
    limit = 2 / torch.linalg.eigvalsh(reference).max().item()
    assert stable_lr(X, kernel_size) == pytest.approx(limit)


@pytest.fixture(scope="module")
def lesson():
    """The notebook's data: the centred photo and its edges under Sobel's kernel."""
    photo = load_photo()
    return photo - photo.mean(), xcorr(photo, SOBEL_X)


def descend(A, target, W0, lr, steps):
    """Gradient descent on mean((A w - t)^2) for many starts at once, by matrices."""
    N = len(A)
    M, b = A.T @ A / N, A.T @ target.flatten() / N
    c = target.flatten() @ target.flatten() / N

    def loss(W):
        # mean((A w - t)^2) = w^T M w - 2 b^T w + c, for each row w of W.
        return ((W @ M) * W).sum(1) - 2 * W @ b + c

    # A step maps the row w to w (I - 2 lr M) + 2 lr b: as one matrix acting
    # on (w, 1), so that `steps` steps are a matrix power.
    n = len(M)
    step = torch.eye(n + 1, dtype=M.dtype)
    step[:n, :n] -= 2 * lr * M
    step[n, :n] = 2 * lr * b
    ones = torch.ones(len(W0), 1, dtype=W0.dtype)
    W = (torch.cat([W0, ones], 1) @ torch.linalg.matrix_power(step, steps))[:, :n]
    return W, loss(W0), loss(W)


def test_learn_kernel_is_gradient_descent(lesson):
    centred, target = lesson
    A = windows(centred, 3)
    lr = 0.5 * stable_lr(centred, 3)
    state = torch.get_rng_state()
    for seed, steps in [(0, 40), (1, 40), (5, 0)]:
        W0 = initial_kernel(3, seed).flatten()[None]
        expected, start, end = descend(A, target, W0, lr, steps)
        K, losses = learn_kernel(centred, target, lr=lr, steps=steps, seed=seed)
        assert len(losses) == steps + 1 and K.dtype == torch.float64
        assert torch.allclose(K.flatten(), expected[0], atol=1e-10)
        assert losses[0] == pytest.approx(start.item(), rel=1e-9)
        assert losses[-1] == pytest.approx(end.item(), rel=1e-6)
    assert torch.equal(torch.get_rng_state(), state)
    # Seeded starts in nn.Conv2d's range, +-1/3 for a 3x3 kernel.
    assert not torch.equal(initial_kernel(3, 1), initial_kernel(3, 0))
    assert initial_kernel(3, 5).abs().max() <= 1 / 3


@pytest.mark.parametrize("fraction", [0.1, FRACTION / 2, FRACTION, 0.99])
def test_every_seed_learns_sobel_below_the_limit(lesson, fraction, report):
    # 100 starts at once, by matrices (the test above shows learn_kernel does
    # the same): the loss falls at least a hundredfold for every rate from a
    # tenth of the limit up, and at the notebook's rate and half of it the
    # kernel ends near Sobel's.
    centred, target = lesson
    A = windows(centred, 3)
    lr = fraction * stable_lr(centred, 3)
    W0 = torch.stack([initial_kernel(3, seed).flatten() for seed in range(100)])
    W, start, end = descend(A, target, W0, lr, STEPS)
    assert bool((end <= start / 100).all())
    error = (W - SOBEL_X.flatten()).abs().amax(1)
    bound = {FRACTION: 0.05, FRACTION / 2: 0.1}.get(fraction, math.inf)
    assert error.max() < bound
    report(
        f"learn_kernel at {fraction:g} of the limit, seeds 0-99: worst final loss "
        f"{end.max():.2e} ({(end / start).max():.1e} of the start), worst kernel "
        f"error {error.max():.3f}"
    )


def test_learning_diverges_above_the_limit(lesson):
    # Below it (0.99 of the limit): test_every_seed_learns_sobel_below_the_limit.
    centred, target = lesson
    _, above = learn_kernel(centred, target, lr=1.01 * stable_lr(centred, 3), steps=200)
    assert above[-1] > above[0]
    # Above the limit the steepest direction grows by |1 - lr c_max| = 1.01 a step.
    growth = (above[-1] / above[-101]) ** (1 / 100)
    assert growth == pytest.approx((2 * 1.01 - 1) ** 2, rel=1e-3)


def test_format_kernels_side_by_side():
    text = format_kernels(
        {
            "K": torch.tensor([[1.0, -1.0]]),
            "Sobel": SOBEL_X,
            "learned": torch.tensor([[0.5, -0.25], [-0.0, 1.0]]),
        }
    )
    assert text == (
        "K        Sobel       learned\n"
        " 1 -1    -1  0  1     0.50 -0.25\n"
        "         -2  0  2     0.00  1.00\n"
        "         -1  0  1"
    )
    # Tiny negatives print as 0; a diverged run in scientific notation.
    tiny = torch.tensor([[-0.0001, 0.004, -0.006]])
    assert format_kernels({"d": tiny}) == "d\n 0.00  0.00 -0.01"
    W = torch.tensor([[2.1e40, -3.0], [float("nan"), 1.0]], dtype=torch.float64)
    assert format_kernels({"W": W}) == "W\n 2.10e+40 -3.00e+00\n      nan  1.00e+00"


def test_show_images_draws_each_image_with_its_title_in_grey():
    photo = torch.tensor([[0.0, 0.5], [1.0, 0.25]])
    edges = torch.tensor([[-2.0, 1.0]])
    fig = show_images({"photo": photo, "edges": edges})
    assert [ax.get_title() for ax in fig.axes] == ["photo", "edges"]
    assert fig.axes[0].get_images()[0].get_clim() == (0, 1)
    (image,) = show_images({"edges": edges}, signed=True).axes[0].get_images()
    # Mid-grey is 0: the range is symmetric about it, to the largest value.
    assert image.get_clim() == (-2.0, 2.0) and image.get_cmap().name == "gray"


def learn(**changes):
    """``learn_kernel`` on small, good arguments but for ``changes``."""
    args = dict(X=torch.rand(4, 4), target=torch.zeros(3, 3), lr=0.1, steps=1)
    return learn_kernel(**args | changes)


Z = torch.zeros
TYPE_ERRORS = [
    (lambda: load_photo(True), "size must be an int, got True of type bool"),
    (lambda: load_photo((150, 128)), "size must be an int, got (150, 128) of type tup"),
    (lambda: kernel_hessian([[1.0, 2.0]], 1), "X must be a torch.Tensor, got list"),
    (lambda: learn(lr="0.1"), "lr must be a number, got '0.1' of type str"),
    (lambda: learn(steps=2.5), "steps must be an int, got 2.5"),
    (lambda: learn(seed=1.5), "seed must be an int, got 1.5"),
    (lambda: format_kernels({}), "kernels must be a non-empty dict of title -> 2-D"),
    (lambda: format_kernels([Z(2, 2)]), "kernels must be a non-empty dict of title"),
]
VALUE_ERRORS = [
    (lambda: load_photo(0), "size must be a positive height (>= 1), got 0"),
    (lambda: load_photo(601), "size must be at most the photo's 600 x 512 pixels"),
    (lambda: kernel_hessian(Z(3, 3), (4, 1)), "kernel_size must fit in X: got 4 x 1"),
    (lambda: kernel_hessian(Z(1, 3, 3), 2), "X must be a 2-D tensor, got shape (1, 3"),
    (lambda: kernel_hessian(Z(0, 3), 1), "X must not be empty, got shape (0, 3)"),
    (lambda: learn(lr=0), "lr must be a positive, finite number, got 0"),
    (lambda: learn(lr=math.inf), "lr must be a positive, finite number, got inf"),
    (lambda: learn(lr=math.nan), "lr must be a positive, finite number, got nan"),
    (lambda: learn(steps=-1), "steps must be a non-negative int (>= 0), got -1"),
    (lambda: learn(target=Z(5, 3)), "target must be no larger than X (it is X cross"),
    (lambda: format_kernels({"v": Z(3)}), "kernels['v'] must be a 2-D tensor, got"),
    (
        lambda: format_kernels({"K": Z(1, 1)}, -1),
        "digits must be a non-negative int (>= 0), got -1",
    ),
    (lambda: show_images({"a": Z(3)}), "images['a'] must be a 2-D tensor, got shape"),
]


@pytest.mark.parametrize(
    ("call", "message", "error"),
    [(*case, TypeError) for case in TYPE_ERRORS]
    + [(*case, ValueError) for case in VALUE_ERRORS],
)
def test_bad_input_names_the_parameter_the_value_and_the_rule(call, message, error):
    with pytest.raises(error, match=re.escape(message)):
        call()
