"""A real photo: Grace Hopper's portrait, and learning a kernel from it.

The photo is matplotlib's sample file ``grace_hopper.jpg``: an official US Navy
photograph of Grace Hopper, in the public domain as a work of the US
government. It ships with matplotlib, so nothing is downloaded.
"""

import numbers

import matplotlib.image
import torch
import torch.nn.functional as F
from matplotlib import cbook
from matplotlib.figure import Figure

from . import plot
from ._validate import (
    check_int,
    check_matrix,
    check_nonnegative_int,
    check_tensor,
    positive_pair,
)
from .device import default_device, one_thread
from .i18n import N_, columns, given, language, tr

_CREDIT = N_(
    "Grace Hopper, official US Navy photograph (public domain, a work of "
    "the US government); bundled with matplotlib as grace_hopper.jpg"
)


class _Credit(str):
    """The photo's credit: an English string, printed in the current language."""

    def __str__(self):
        return tr(_CREDIT)


PHOTO_CREDIT = _Credit(_CREDIT)
# ITU-R BT.601 luma weights, the ones Pillow's convert("L") uses.
LUMA = (0.299, 0.587, 0.114)


def load_photo(size=128):
    """Grace Hopper's portrait in grey, ``size`` pixels high: a tensor in [0, 1].

    The width keeps the proportions; ``None`` gives the full 600 x 512 photo.
    Each colour pixel becomes ``0.299 R + 0.587 G + 0.114 B``; each small pixel
    is the mean of the block of large pixels it covers (``mode="area"``).
    """
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)  # matplotlib's
    rgb = torch.from_numpy(matplotlib.image.imread(path).copy())
    grey = rgb.double() @ torch.tensor(LUMA, dtype=torch.float64) / 255
    h, w = grey.shape
    if size is not None and (size := check_int(size, "size")) != h:
        if size < 1:
            raise ValueError(f"size must be a positive height (>= 1), got {size}")
        shape = (size, max(1, round(size * w / h)))
        if size > h:
            raise ValueError(
                f"size must be at most the photo's {h} x {w} pixels (the photo is "
                f"only ever shrunk), got {shape[0]} x {shape[1]}"
            )
        grey = F.interpolate(grey[None, None], size=shape, mode="area")[0, 0]
    return grey.float().clamp(0, 1)


def kernel_hessian(X, kernel_size):
    """Hessian of the mean squared error of a kernel on ``X``: ``2 A^T A / N``.

    Row ``i`` of ``A`` is the input window output pixel ``i`` sees (``N`` rows),
    so the output is ``A @ K.flatten()``: the loss is quadratic in the kernel,
    and the Hessian the same for every kernel and every target.
    """
    check_matrix(X, "X")
    kh, kw = positive_pair(kernel_size, "kernel_size")
    if kh > X.shape[0] or kw > X.shape[1]:
        raise ValueError(
            f"kernel_size must fit in X: got {kh} x {kw} for X of shape "
            f"{tuple(X.shape)}"
        )
    A = F.unfold(X.detach().cpu().double()[None, None], (kh, kw))[0].T
    return 2 * A.T @ A / len(A)


def stable_lr(X, kernel_size):
    """The largest stable learning rate for a kernel on ``X``: ``2 / lambda_max``."""
    return 2 / torch.linalg.eigvalsh(kernel_hessian(X, kernel_size)).max().item()


def initial_kernel(kernel_size, seed=0):
    """A random kernel like ``nn.Conv2d``'s: uniform in ``+-1/sqrt(kh kw)``, seeded."""
    kh, kw = positive_pair(kernel_size, "kernel_size")
    generator = torch.Generator().manual_seed(check_int(seed, "seed"))
    W = torch.rand(kh, kw, generator=generator, dtype=torch.float64)
    return (W * 2 - 1) * (1 / (kh * kw) ** 0.5)


def learn_kernel(X, target, lr, steps, seed=0):
    """Learn ``K`` with ``corr2d(X, K) ~ target`` by gradient descent: ``(K, losses)``.

    The loss is the mean squared error; ``K`` starts at ``initial_kernel`` and
    its size follows from the shapes (no padding, stride 1). ``losses`` holds
    the loss before each of the ``steps`` updates and after the last one. It
    computes in float64 on ``default_device()`` and returns ``K`` on the CPU.
    """
    check_matrix(X, "X")
    check_matrix(target, "target")
    kh, kw = X.shape[0] - target.shape[0] + 1, X.shape[1] - target.shape[1] + 1
    if kh < 1 or kw < 1:
        raise ValueError(
            f"target must be no larger than X (it is X cross-correlated with "
            f"the kernel), got X of shape {tuple(X.shape)} and target of shape "
            f"{tuple(target.shape)}"
        )
    steps = check_nonnegative_int(steps, "steps")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"lr must be a number, got {lr!r} of type {type(lr).__name__}")
    if not 0 < lr < float("inf"):
        raise ValueError(f"lr must be a positive, finite number, got {lr!r}")
    device = default_device()
    P = X.to(device, torch.float64)[None, None]
    T = target.to(device, torch.float64)[None, None]
    W = initial_kernel((kh, kw), seed).to(device).requires_grad_()
    losses = []
    # A photo of a hundred pixels square gains nothing from several CPU threads.
    with one_thread():
        for step in range(steps + 1):
            loss = ((F.conv2d(P, W[None, None]) - T) ** 2).mean()
            losses.append(loss.item())
            if step < steps:
                loss.backward()
                with torch.no_grad():
                    W -= lr * W.grad
                W.grad = None
    return W.detach().cpu(), losses


def _titled(tensors, name):
    """``tensors``, checked, as (title in the current language, tensor on the CPU)."""
    if not isinstance(tensors, dict) or not tensors:
        raise TypeError(
            f"{name} must be a non-empty dict of title -> 2-D tensor, got {tensors!r}"
        )
    return [
        (given(str(title)), check_tensor(t, f"{name}[{title!r}]", 2).detach().cpu())
        for title, t in tensors.items()
    ]


def format_kernels(kernels, digits=2):
    """Kernels as text, side by side: ``kernels`` maps a title to a 2-D tensor."""
    kernels = _titled(kernels, "kernels")
    digits = check_nonnegative_int(digits, "digits")
    blocks = []
    for shown, K in kernels:
        values = K.double()
        if not bool(values.isfinite().all()) or bool((values.abs() >= 1e6).any()):
            # A diverging run: fixed point would print 40-digit numbers.
            cells = [[f"{v:.{digits}e}" for v in row] for row in values.tolist()]
        else:
            # Whole-number kernels print without decimals. Rounding first and
            # adding 0.0 prints -0.0, and -0.0001 at 2 places, as 0.
            places = 0 if bool((values == values.round()).all()) else digits
            values = values.round(decimals=places) + 0.0
            cells = [[f"{v:.{places}f}" for v in row] for row in values.tolist()]
        width = max(len(c) for row in cells for c in row)
        rows = [" ".join(c.rjust(width) for c in row) for row in cells]
        block_width = max(columns(shown), *(len(r) for r in rows))
        shown += " " * (block_width - columns(shown))
        blocks.append([shown] + [r.ljust(block_width) for r in rows])
    height = max(len(b) for b in blocks)
    for b in blocks:
        b.extend([" " * columns(b[0])] * (height - len(b)))
    return "\n".join("    ".join(parts).rstrip() for parts in zip(*blocks, strict=True))


def show_images(images, signed=False):
    """Images side by side, in grey, as a matplotlib Figure (Jupyter shows it).

    ``images`` maps a title to a 2-D tensor: grey values in [0, 1], or with
    ``signed=True`` values of either sign (mid-grey is 0, white and black the
    largest of each sign). Chinese titles are SVG text (``plot.chinese_figures``).
    """
    images = _titled(images, "images")
    plot.chinese_figures(language() != "en")
    fig = Figure(figsize=(3.3 * len(images), 3.6), layout="constrained")
    axes = fig.subplots(1, len(images), squeeze=False)[0]
    for ax, (title, image) in zip(axes, images, strict=True):
        image = image.float().numpy()
        top = (float(abs(image).max()) or 1.0) if signed else 1.0
        ax.imshow(image, cmap="gray", vmin=-top if signed else 0, vmax=top)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    return fig
