"""The real photo: loading it, the loss of a kernel on it, learning Sobel's kernel."""

import math
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

import d2lconv
from d2lconv import (
    expect_descent,
    format_kernels,
    initial_kernel,
    kernel_hessian,
    learn_kernel,
    load_photo,
    stable_lr,
    window_matrix,
)
from d2lconv.photo import LEARN_FRACTION, LEARN_STEPS, photo_path

FULL = (600, 512)
SOBEL_X = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=torch.float64)


def xcorr(X, K):
    return F.conv2d(X[None, None].double(), K[None, None].double())[0, 0]


# ---------------------------------------------------------------------------
# The photo


def test_the_photo_comes_with_matplotlib():
    path = Path(photo_path())
    assert path.is_file() and path.name == "grace_hopper.jpg"
    assert Path(matplotlib.__file__).parent in path.parents


def test_full_photo_is_pillows_greyscale():
    # Pillow's convert("L") rounds 0.299 R + 0.587 G + 0.114 B to a byte.
    grey = np.asarray(Image.open(photo_path()).convert("L"), dtype=np.float64) / 255
    photo = load_photo(None)
    assert tuple(photo.shape) == FULL == grey.shape
    assert photo.dtype == torch.float32
    assert np.abs(photo.numpy() - grey).max() <= 1 / 255


def test_shrinking_averages_blocks_of_pixels():
    # 600 x 512 to 150 x 128 is exactly 4 x 4 pixels per small pixel.
    full = load_photo(None)
    small = load_photo((150, 128))
    blocks = F.avg_pool2d(full[None, None], 4)[0, 0]
    assert torch.allclose(small, blocks, atol=1e-6)


@pytest.mark.parametrize("height", [1, 7, 64, 128, 600])
def test_a_height_keeps_the_proportions(height):
    photo = load_photo(height)
    width = max(1, round(height * FULL[1] / FULL[0]))
    assert tuple(photo.shape) == (height, width)
    assert 0 <= photo.min() and photo.max() <= 1


def test_default_photo_is_128_pixels_high():
    photo = load_photo()
    assert tuple(photo.shape) == (128, 109)
    # The mean brightness survives the shrinking (to a fraction of a grey level).
    assert photo.mean().item() == pytest.approx(
        load_photo(None).mean().item(), abs=2e-3
    )


@pytest.mark.parametrize("size", [12.5, "128", True, (10, 2.0), [3]])
def test_load_photo_rejects_sizes_that_are_not_ints(size):
    with pytest.raises((TypeError, ValueError)) as info:
        load_photo(size)
    assert "size must be" in str(info.value)
    assert repr(size) in str(info.value) or str(size) in str(info.value)


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (0, "size must be a positive height (>= 1), got 0"),
        ((0, 5), r"size must be positive (>= 1), got (0, 5)"),
        (601, "size must be at most the photo's 600 x 512 pixels"),
        ((100, 513), "got 100 x 513"),
    ],
)
def test_load_photo_rejects_sizes_out_of_range(size, message):
    with pytest.raises(ValueError) as info:
        load_photo(size)
    assert message in str(info.value)


# ---------------------------------------------------------------------------
# The loss of a kernel on an image


@pytest.mark.parametrize("kernel_size", [(1, 2), (3, 3), (2, 3)])
def test_window_matrix_times_kernel_is_the_cross_correlation(kernel_size):
    g = torch.Generator().manual_seed(0)
    X = torch.randn(7, 9, generator=g)
    K = torch.randn(kernel_size, generator=g)
    A = window_matrix(X, kernel_size)
    expected = xcorr(X, K)
    assert torch.allclose((A @ K.double().flatten()).view(expected.shape), expected)


def test_kernel_hessian_by_hand():
    # Windows (0, 1) and (2, 3): A^T A = [[4, 6], [6, 10]], N = 2, H = 2 A^T A / N.
    X = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    H = kernel_hessian(X, (1, 2))
    assert torch.equal(H, torch.tensor([[4.0, 6.0], [6.0, 10.0]], dtype=torch.float64))


@pytest.mark.parametrize("kernel_size", [(1, 2), (3, 3)])
def test_kernel_hessian_is_autograds(kernel_size):
    g = torch.Generator().manual_seed(1)
    X = torch.rand(8, 6, generator=g, dtype=torch.float64)
    kh, kw = kernel_size
    target = torch.randn(9 - kh, 7 - kw, generator=g, dtype=torch.float64)

    def loss(w):
        return ((xcorr(X, w.view(kh, kw)) - target) ** 2).mean()

    w = torch.randn(kh * kw, generator=g, dtype=torch.float64)
    reference = torch.autograd.functional.hessian(loss, w)
    assert torch.allclose(kernel_hessian(X, kernel_size), reference)
    limit = 2 / torch.linalg.eigvalsh(reference).max().item()
    assert stable_lr(X, kernel_size) == pytest.approx(limit)


def test_window_matrix_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"kernel_size must fit in X: got 4 x 1"):
        window_matrix(torch.zeros(3, 3), (4, 1))
    with pytest.raises(ValueError, match=r"X must be a 2-D tensor, got shape"):
        window_matrix(torch.zeros(1, 3, 3), 2)
    with pytest.raises(TypeError, match="X must be a torch.Tensor"):
        window_matrix([[1.0, 2.0]], 1)
    with pytest.raises(ValueError, match=r"X must not be empty, got shape \(0, 3\)"):
        kernel_hessian(torch.zeros(0, 3), 1)


# ---------------------------------------------------------------------------
# Learning Sobel's kernel from the photo


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
    W = W0.clone()

    def loss(W):
        # mean((A w - t)^2) = w^T M w - 2 b^T w + c, for each row w of W.
        return ((W @ M) * W).sum(1) - 2 * W @ b + c

    start = loss(W)
    for _ in range(steps):
        W = W - lr * 2 * (W @ M - b)
    return W, start, loss(W)


def test_centring_keeps_the_target_and_raises_the_limit(lesson):
    centred, target = lesson
    photo = load_photo()
    # Sobel's weights add up to 0, so a constant shift of the photo is invisible.
    assert torch.allclose(xcorr(centred, SOBEL_X), target, atol=1e-6)
    assert stable_lr(centred, 3) > 2 * stable_lr(photo, 3)


def test_learn_kernel_is_gradient_descent(lesson):
    centred, target = lesson
    A = window_matrix(centred, 3)
    lr = 0.5 * stable_lr(centred, 3)
    for seed in (0, 1):
        W0 = initial_kernel(3, seed).flatten()[None]
        expected, start, end = descend(A, target, W0, lr, 40)
        K, losses = learn_kernel(centred, target, lr=lr, steps=40, seed=seed)
        assert len(losses) == 41 and K.dtype == torch.float64
        assert torch.allclose(K.flatten(), expected[0], atol=1e-10)
        assert losses[0] == pytest.approx(start.item(), rel=1e-9)
        assert losses[-1] == pytest.approx(end.item(), rel=1e-6)


@pytest.mark.parametrize("fraction", [0.1, LEARN_FRACTION / 2, LEARN_FRACTION, 0.99])
def test_every_seed_learns_sobel_below_the_limit(lesson, fraction, report):
    # 100 starts at once, by matrices (the test above shows learn_kernel does
    # the same): the loss falls at least a hundredfold for every rate from a
    # tenth of the limit up, and at the default rate and half of it the kernel
    # ends near Sobel's.
    centred, target = lesson
    A = window_matrix(centred, 3)
    lr = fraction * stable_lr(centred, 3)
    W0 = torch.stack([initial_kernel(3, seed).flatten() for seed in range(100)])
    W, start, end = descend(A, target, W0, lr, LEARN_STEPS)
    assert bool((end <= start / 100).all())
    error = (W - SOBEL_X.flatten()).abs().amax(1)
    if fraction == LEARN_FRACTION:
        assert error.max() < 0.05
    elif fraction == LEARN_FRACTION / 2:
        assert error.max() < 0.1
    report(
        f"learn_kernel at {fraction:g} of the limit, seeds 0-99: worst final loss "
        f"{end.max():.2e} ({(end / start).max():.1e} of the start), worst kernel "
        f"error {error.max():.3f}"
    )


@pytest.mark.parametrize("fraction", [LEARN_FRACTION / 2, LEARN_FRACTION])
def test_the_default_steps_pass_the_notebooks_check(lesson, fraction, capsys):
    centred, target = lesson
    limit = stable_lr(centred, 3)
    for seed in range(3):
        K, losses = learn_kernel(centred, target, lr=fraction * limit, seed=seed)
        assert len(losses) == LEARN_STEPS + 1
        assert expect_descent(losses, fraction * limit, limit) is True
    assert "check passed" in capsys.readouterr().out


def test_learning_diverges_above_the_limit(lesson):
    centred, target = lesson
    limit = stable_lr(centred, 3)
    _, below = learn_kernel(centred, target, lr=0.99 * limit, steps=200)
    _, above = learn_kernel(centred, target, lr=1.01 * limit, steps=200)
    assert below[-1] < below[0] / 100
    assert above[-1] > above[0]
    # Above the limit the steepest direction grows by |1 - lr c_max| = 1.01 a step.
    growth = (above[-1] / above[-101]) ** (1 / 100)
    assert growth == pytest.approx((2 * 1.01 - 1) ** 2, rel=1e-3)


def test_learn_kernel_defaults_and_seeds(lesson):
    centred, target = lesson
    state = torch.get_rng_state()
    K, losses = learn_kernel(centred, target, steps=0)
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.equal(K, initial_kernel(3, 0)) and len(losses) == 1
    assert not torch.equal(initial_kernel(3, 1), initial_kernel(3, 0))
    assert initial_kernel(3, 5).abs().max() <= 1 / 3
    a = learn_kernel(centred, target, steps=3)
    b = learn_kernel(
        centred, target, lr=LEARN_FRACTION * stable_lr(centred, 3), steps=3
    )
    # (Not bit for bit: a GPU's convolutions may add in another order.)
    assert torch.allclose(a[0], b[0], rtol=0, atol=1e-12)
    assert a[1] == pytest.approx(b[1], rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lr": "0.1"}, TypeError, "lr must be a number, got '0.1' of type str"),
        ({"lr": 0}, ValueError, "lr must be a positive, finite number, got 0"),
        ({"lr": math.inf}, ValueError, "got inf"),
        ({"lr": math.nan}, ValueError, "got nan"),
        ({"steps": 2.5}, TypeError, "steps must be an int, got 2.5"),
        ({"steps": -1}, ValueError, "steps must be a non-negative int (>= 0), got -1"),
        ({"seed": 1.5}, TypeError, "seed must be an int, got 1.5"),
    ],
)
def test_learn_kernel_rejects_bad_arguments(kwargs, error, message):
    X = torch.rand(5, 5)
    with pytest.raises(error) as info:
        learn_kernel(X, torch.zeros(3, 3), **kwargs)
    assert message in str(info.value)


def test_learn_kernel_rejects_a_target_larger_than_the_image():
    with pytest.raises(ValueError, match=r"target must be no larger than X"):
        learn_kernel(torch.rand(4, 4), torch.zeros(5, 3))


# ---------------------------------------------------------------------------
# Kernels as text


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


def test_format_kernels_rounds_tiny_negatives_to_zero():
    text = format_kernels({"d": torch.tensor([[-0.0001, 0.004, -0.006]])}, digits=2)
    assert text == "d\n 0.00  0.00 -0.01"


def test_format_kernels_diverged_values_in_scientific_notation():
    W = torch.tensor([[2.1e40, -3.0], [float("nan"), 1.0]], dtype=torch.float64)
    text = format_kernels({"W": W})
    assert text == "W\n 2.10e+40 -3.00e+00\n      nan  1.00e+00"


def test_format_kernels_rejects_bad_arguments():
    with pytest.raises(TypeError, match="kernels must be a non-empty dict"):
        format_kernels([torch.ones(2, 2)])
    with pytest.raises(ValueError, match=r"kernels\['v'\] must be a 2-D tensor"):
        format_kernels({"v": torch.ones(3)})
    with pytest.raises(ValueError, match="digits must be an int >= 0, got -1"):
        format_kernels({"K": torch.ones(1, 1)}, digits=-1)


def test_show_images_draws_each_image_with_its_title_in_grey():
    photo = torch.tensor([[0.0, 0.5], [1.0, 0.25]])
    edges = torch.tensor([[-2.0, 1.0]])
    fig = d2lconv.show_images({"photo": photo, "edges": edges}, signed=False)
    assert [ax.get_title() for ax in fig.axes] == ["photo", "edges"]
    (image,) = fig.axes[0].get_images()
    assert image.get_clim() == (0, 1)
    fig = d2lconv.show_images({"edges": edges}, signed=True)
    (image,) = fig.axes[0].get_images()
    # Mid-grey is 0: the range is symmetric about it, to the largest value.
    assert image.get_clim() == (-2.0, 2.0)
    assert image.get_cmap().name == "gray"


@pytest.mark.parametrize(
    "images, match",
    [
        ({}, "images must be a non-empty dict"),
        ([1], "images must be"),
        ({"a": torch.ones(3)}, r"images\['a'\]"),
    ],
)
def test_show_images_names_a_bad_argument(images, match):
    with pytest.raises((TypeError, ValueError), match=match):
        d2lconv.show_images(images)
