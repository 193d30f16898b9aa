"""Learn the edge-detecting kernel [1, -1] from an image and its edges, live."""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .data import edge_image as stripe_image
from .device import default_device, one_thread
from .grid import Grid
from .i18n import N_, tr
from .ops import Conv2D, corr2d
from .picture import GAP, Lines, Picture, row
from .plot import Plot

EDGE_KERNEL = ((1.0, -1.0),)
IMAGES = (N_("vertical"), N_("diagonal"))
INITS = (N_("random"), N_("uniform"), N_("zeros"), N_("opposite"))
# What each start is, for the caption of the training explorer.
STARTS = {
    "random": N_("random: every weight drawn from N(0, 1), as the seed picks them"),
    "uniform": N_(
        "uniform: every weight drawn from U(-1/sqrt(2), 1/sqrt(2)), nn.Conv2d's default"
    ),
    "zeros": N_("zeros: every weight 0"),
    "opposite": N_("opposite: the edge detector [1, -1] with its sign flipped"),
}
IMPLEMENTATIONS = ("nn.Conv2d", "Conv2D")
LOSS_RANGE = (1e-8, 1e4)
KERNEL_RANGE = 3.0
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.1)


class TrainingStep(tuple):
    """One entry of a training history: it unpacks as ``step, loss, kernel``.

    ``bias`` is the scalar bias (``None`` without a bias); ``grad`` and
    ``bias_grad`` are what the next update subtracts, times the learning rate.
    """

    def __new__(cls, step, loss, kernel, bias, grad, bias_grad):
        entry = super().__new__(cls, (step, loss, kernel))
        entry.bias, entry.grad, entry.bias_grad = bias, grad, bias_grad
        return entry

    step = property(lambda self: self[0], doc="Updates done so far.")
    loss = property(lambda self: self[1], doc="Squared error summed over pixels.")
    kernel = property(lambda self: self[2], doc="The (1, 2) kernel, on the CPU.")


def edge_image(kind="vertical"):
    """Return the input image: a dark vertical stripe (6x8) or diagonal band (8x8)."""
    if kind == "vertical":
        return stripe_image()
    if kind == "diagonal":
        # Ones with a dark band three pixels wide along the main diagonal.
        rows = torch.arange(8).view(-1, 1)
        cols = torch.arange(8).view(1, -1)
        return ((cols - rows).abs() > 1).float()
    raise ValueError(f"kind must be one of {IMAGES}, got {kind!r}")


def edge_data(kind="vertical"):
    """Return ``(X, Y)``: an image and its edges under the kernel ``[[1, -1]]``."""
    X = edge_image(kind)
    return X, corr2d(X, torch.tensor(EDGE_KERNEL))


def _initial_values(init, bias, generator):
    """Starting weight (1, 2) and bias (1,) for an initialisation name."""
    sizes = ((1, 2), (1,))
    if init == "random":
        # Standard normal, as the hand-written Conv2D module starts.
        weight, b = (torch.randn(size, generator=generator) for size in sizes)
    elif init == "uniform":
        # nn.Conv2d's default range: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in 2.
        weight, b = (
            (torch.rand(size, generator=generator) * 2 - 1) * (1 / math.sqrt(2))
            for size in sizes
        )
    elif init == "zeros":
        weight, b = torch.zeros(1, 2), torch.zeros(1)
    elif init == "opposite":
        # The worst start: the edge detector with its sign flipped.
        weight, b = -torch.tensor(EDGE_KERNEL), torch.zeros(1)
    else:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    return weight, (b if bias else torch.zeros(1))


def _make_layer(use, bias, weight, b, device):
    """Build the layer and set its parameters."""
    # Constructing a layer draws its default initialisation from the global
    # random generator; fork_rng puts that generator back as it was.
    with torch.random.fork_rng(devices=[]):
        if use == "nn.Conv2d":
            layer = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=bias)
        elif use == "Conv2D":
            layer = Conv2D(kernel_size=(1, 2))
        else:
            raise ValueError(f"use must be one of {IMPLEMENTATIONS}, got {use!r}")
    layer = layer.to(device)
    with torch.no_grad():
        layer.weight.copy_(weight.view(layer.weight.shape))
        if layer.bias is not None:
            layer.bias.copy_(b.view(layer.bias.shape))
    if use == "Conv2D" and not bias:
        # The hand-written module always has a bias: keep it at zero.
        layer.bias.requires_grad_(False)
    return layer


def _snapshot(step, loss, layer, bias):
    kernel = layer.weight.detach().cpu().reshape(1, 2).clone()
    grad = layer.weight.grad.detach().cpu().reshape(1, 2).clone()
    b = layer.bias.item() if bias else None
    b_grad = layer.bias.grad.item() if bias else None
    return TrainingStep(step, loss, kernel, b, grad, b_grad)


def train_kernel(
    X,
    Y,
    lr=0.03,
    steps=30,
    seed=0,
    init="random",
    bias=False,
    use="nn.Conv2d",
):
    """Learn a 1x2 kernel mapping ``X`` to ``Y`` by gradient descent; return history.

    The loss is the squared error summed over all pixels, as in the book. Entry
    ``t`` of the history (a ``TrainingStep``) holds the kernel after ``t``
    updates, its loss and gradient, for ``t = 0 .. steps``. Training stops early
    when the loss overflows. It runs on ``default_device()``.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    if not (isinstance(lr, (int, float)) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    device = default_device()
    generator = torch.Generator().manual_seed(int(seed))
    weight, b = _initial_values(init, bias, generator)
    layer = _make_layer(use, bias, weight, b, device)
    params = [p for p in layer.parameters() if p.requires_grad]
    X, Y = X.to(device, torch.float32), Y.to(device, torch.float32)
    if use == "nn.Conv2d":
        # nn.Conv2d wants (batch, channels, h, w); the image is (h, w).
        X, Y = X[None, None], Y[None, None]
    history = []
    with one_thread():
        for step in range(steps + 1):
            loss = F.mse_loss(layer(X), Y, reduction="sum")
            # The last step's gradient too: the history shows it at every step.
            loss.backward()
            history.append(_snapshot(step, loss.item(), layer, bias))
            if step == steps or not math.isfinite(history[-1].loss):
                break
            with torch.no_grad():
                for p in params:
                    p.sub_(p.grad, alpha=lr)
                    p.grad = None
    return history


def lr_limit(X, bias=False):
    """Largest stable learning rate for this image: ``2 / largest Hessian eigenvalue``.

    The loss is quadratic in the parameters, so gradient descent converges for
    every start exactly when ``lr < 2 / lambda_max`` of its Hessian ``2 A^T A``,
    where row ``A[i]`` holds the two pixels one output sees (and a 1 for the bias).
    """
    x = X.detach().cpu().double().numpy()
    # Tiny matrices: NumPy answers in microseconds, where torch's threads cost ms.
    columns = [x[:, :-1].ravel(), x[:, 1:].ravel()]
    if bias:
        columns.append(np.ones(columns[0].size))
    A = np.stack(columns, axis=1)
    return 2 / (2 * np.linalg.eigvalsh(A.T @ A).max())


def _trained(steps, lr, seed, every, **settings):
    """``train_kernel`` on ``edge_data()``, printing "step N, loss L" every
    ``every`` steps as the book's loop (and notebook 3's) does: step N prints the
    loss it computes before its update, on the kernel of ``history[N - 1]``."""
    history = train_kernel(*edge_data(), lr=lr, steps=steps, seed=seed, **settings)
    for done, loss, _ in history:
        if done < steps and (done + 1) % every == 0:
            print(tr("step {step}, loss {loss:.3f}", step=done + 1, loss=loss))
    return history


def train_builtin(steps=10, lr=3e-2, seed=0, print_every=2):
    """The book's variant: ``nn.Conv2d(1, 1, (1, 2), bias=False)``; prints the loss."""
    return _trained(steps, lr, seed, print_every, init="uniform", use="nn.Conv2d")


# With the bias, the stripe's loss has Hessian eigenvalues 12, 19.7 and 124.3:
# the limit is 2 / 124.3 = 0.0161, and the slowest error shrinks by 1 - 12 lr a
# step. The seeds' 30 steps leave a third of random starts more than 0.05 from
# [1, -1]; 100 steps bring seeds 0-99 within 0.01, at lr 0.01 and at half of it.
def train_scratch(steps=100, lr=0.01, seed=0, print_every=10):
    """The hand-written variant: ``Conv2D``, random weight and bias; prints the loss."""
    settings = dict(init="random", bias=True, use="Conv2D")
    return _trained(steps, lr, seed, print_every, **settings)


def _fmt2(value):
    """Two decimals; values of a diverging run shown as out of range."""
    if math.isnan(value) or abs(value) >= 100:
        return "nan" if math.isnan(value) else ">99" if value > 0 else "<-99"
    return f"{value:.2f}".replace("-0.00", "0.00")


def _vector(tensor):
    return "[" + ", ".join(_fmt2(v) for v in tensor.reshape(-1).tolist()) + "]"


def _status(last, steps, lr, limit):
    """Lines: the step, the loss, kernel and bias with their gradients; then
    (with ``lr``) whether this lr converges."""
    finite, kernel = math.isfinite(last.loss), _vector(last.kernel)
    values = dict(step=last.step, steps=steps, loss=last.loss, kernel=kernel)
    if finite:
        text = tr("step {step}/{steps}: loss {loss:.3g}, kernel {kernel}", **values)
        text = tr(
            "{status} (gradient {gradient})", status=text, gradient=_vector(last.grad)
        )
    else:
        # A gradient of an overflowed loss says nothing: it is left out.
        text = tr(
            "stopped at step {step}: the loss overflowed, kernel {kernel}", **values
        )
    if last.bias is not None:
        text = tr("{status}, bias {bias}", status=text, bias=_fmt2(last.bias))
        if finite:
            gradient = _fmt2(last.bias_grad)
            text = tr("{status} (gradient {gradient})", status=text, gradient=gradient)
    if lr is None:
        return [text]
    rule, verdict = ("<", tr("converges")) if lr < limit else (">=", tr("diverges"))
    values = dict(lr=lr, rule=rule, limit=limit, verdict=verdict)
    rate = tr(
        "lr {lr} {rule} largest stable rate 2/lambda_max = {limit:.4f}: {verdict}",
        **values,
    )
    return [text, rate]


def start_text(init, first):
    """The caption line of the start ``init`` and the kernel ``first`` it gave."""
    if init not in STARTS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    kernel = _vector(first.kernel)
    return tr("start: K = {kernel} ({init})", kernel=kernel, init=tr(STARTS[init]))


def layer_output(X, entry):
    """The layer's output on ``X`` (float32) with the kernel and bias of ``entry``."""
    with one_thread():
        weight = entry.kernel.view(1, 1, 1, 2)
        return F.conv2d(X[None, None].float(), weight)[0, 0] + (entry.bias or 0.0)


def draw_training(history, X, Y, steps=None, lr=None, init=None):
    """Picture of a training history: loss curve, kernel values, output and target.

    ``steps`` fixes the x axes (default: the last step), so the pictures of a
    run in progress keep their scale; with ``lr`` the text says whether that
    learning rate converges (``lr < 2 / lambda_max``, see ``lr_limit``); with
    ``init`` (one of ``INITS``) it says what the start was.
    """
    if not history:
        raise ValueError("history must hold at least one step, got an empty list")
    X, Y = X.detach().cpu().float(), Y.detach().cpu().float()
    last = history[-1]
    steps = last.step if steps is None else steps
    bias = last.bias is not None
    xs = [h.step for h in history]
    log_range = tuple(math.log10(v) for v in LOSS_RANGE)
    losses = np.array([h.loss for h in history], dtype=float)
    # One column per value plotted: K[0, 0], K[0, 1] and the bias.
    shown = torch.cat([h.kernel for h in history]).numpy()
    if bias:
        shown = np.column_stack([shown, [h.bias for h in history]])
    with np.errstate(all="ignore"):
        log_losses = np.log10(np.maximum(losses, LOSS_RANGE[0]))
        # A clipped curve says so: a flat line at the edge is not a plateau.
        notes = []
        if np.any(losses < LOSS_RANGE[0]):
            notes.append(tr("loss below 1e-8 is drawn at the bottom: off the scale"))
        if np.any(losses > LOSS_RANGE[1]):
            notes.append(tr("loss above 1e4 is drawn at the top: off the scale"))
        if np.any(np.abs(shown) > KERNEL_RANGE):
            notes.append(tr("values beyond ±3 are drawn at the edge: off the scale"))
    # Curves pinned to their plot's range (np.clip keeps a NaN: a gap).
    axes = dict(width=260, height=170, xlabel=tr("step"), xlim=(0, max(1, steps)))
    loss = Plot(
        [(xs, np.clip(log_losses, *log_range), "#1f77b4", tr("loss"))],
        title=tr("loss: sum of squared errors"),
        ylabel=tr("log10(loss)"),
        ylim=log_range,
        label=tr("loss per step"),
        **axes,
    )
    kernel_range = (-KERNEL_RANGE, KERNEL_RANGE)
    edge_detector = [0, steps, math.nan, 0, steps], [1, 1, math.nan, -1, -1]
    names = ["K[0, 0]", "K[0, 1]", tr("bias")][: shown.shape[1]]
    colours = ["#d62728", "#1f77b4", "#2ca02c"][: shown.shape[1]]
    series = [(*edge_detector, "#999999", "[1, -1]")] + [
        (xs, np.clip(column, *kernel_range), colour, name)
        for column, colour, name in zip(shown.T, colours, names, strict=True)
    ]
    values = Plot(
        series,
        title=tr("kernel values (grey: the edge detector)"),
        ylim=kernel_range,
        label=tr("kernel values per step"),
        **axes,
    )
    colours = dict(cmap="RdBu_r", vmin=-1.5, vmax=1.5, cell=30)
    title = tr("output at step {step}", step=last.step)
    grids = [
        Grid(layer_output(X, last), title=title, fmt=_fmt2, **colours),
        Grid(Y, title=tr("target Y = corr2d(X, [1, -1])"), **colours),
    ]
    # Two rows, the plots above the grids: about 800 px wide, a lesson's column.
    bottom = row(grids, y=row([loss, values]) + GAP)
    start = [] if init is None else [start_text(init, history[0])]
    status = _status(last, steps, lr, lr_limit(X, bias))
    text = Lines([*status, *start, *notes], bold=range(len(status)))
    text.y = bottom + GAP
    title = tr(
        "learning the edge kernel: step {step} of {steps}", step=last.step, steps=steps
    )
    return Picture([loss, values, *grids, text], title=title)
