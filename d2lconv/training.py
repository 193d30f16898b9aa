"""Learn the edge-detecting kernel [1, -1] from an image and its edges, live."""

import contextlib
import math

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from .device import default_device
from .explorer import Explorer
from .grid import draw_grid
from .ops import Conv2D, corr2d

EDGE_KERNEL = ((1.0, -1.0),)
IMAGES = ("vertical", "diagonal")
INITS = ("random", "uniform", "zeros", "opposite")
IMPLEMENTATIONS = ("nn.Conv2d", "Conv2D")
LOSS_RANGE = (1e-8, 1e4)
KERNEL_RANGE = 3.0
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.1)


class TrainingStep(tuple):
    """One entry of a training history: ``(step, loss, kernel)``, plus ``.bias``.

    It unpacks as the 3-tuple ``step, loss, kernel``; ``bias`` is the scalar
    bias at that step, or ``None`` when the layer has no bias.
    """

    def __new__(cls, step, loss, kernel, bias=None):
        entry = super().__new__(cls, (step, loss, kernel))
        entry.bias = bias
        return entry

    step = property(lambda self: self[0], doc="Updates done so far.")
    loss = property(lambda self: self[1], doc="Squared error summed over pixels.")
    kernel = property(lambda self: self[2], doc="The (1, 2) kernel, on the CPU.")


def edge_image(kind="vertical"):
    """Return the input image: a dark vertical stripe (6x8) or diagonal band (8x8)."""
    if kind == "vertical":
        # Ones with columns 2..5 dark: two vertical edges.
        X = torch.ones(6, 8)
        X[:, 2:6] = 0
        return X
    if kind == "diagonal":
        # Ones with a dark band three pixels wide along the main diagonal.
        rows = torch.arange(8).view(-1, 1)
        cols = torch.arange(8).view(1, -1)
        return ((cols - rows).abs() > 1).float()
    raise ValueError(f"kind must be one of {IMAGES}, got {kind!r}")


def edge_data(kind="vertical"):
    """Return ``(X, Y)``: an image and its edges under the kernel ``[[1, -1]]``."""
    X = edge_image(kind)
    Y = corr2d(X, torch.tensor(EDGE_KERNEL))
    return X, Y


def _initial_values(init, bias, generator):
    """Starting weight (1, 2) and bias (1,) for an initialisation name."""
    if init == "random":
        # Standard normal, as the hand-written Conv2D module starts.
        weight = torch.randn(1, 2, generator=generator)
        b = torch.randn(1, generator=generator)
    elif init == "uniform":
        # nn.Conv2d's default range: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in 2.
        bound = 1 / math.sqrt(2)
        weight = (torch.rand(1, 2, generator=generator) * 2 - 1) * bound
        b = (torch.rand(1, generator=generator) * 2 - 1) * bound
    elif init == "zeros":
        weight, b = torch.zeros(1, 2), torch.zeros(1)
    elif init == "opposite":
        # The worst start: the edge detector with its sign flipped.
        weight, b = -torch.tensor(EDGE_KERNEL), torch.zeros(1)
    else:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    return weight, (b if bias else torch.zeros(1))


def _make_layer(use, bias, weight, b, device):
    """Build the layer, set its parameters, and say how to call it on a 2-D image."""
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
    if use == "nn.Conv2d":
        # nn.Conv2d wants (batch, channels, h, w); the image is (h, w).
        return layer, lambda X: layer(X[None, None])[0, 0]
    return layer, layer


@contextlib.contextmanager
def one_thread():
    """Run tiny tensor operations on one CPU thread, then restore the setting.

    A 6x8 image gains nothing from several threads, and on a busy machine the
    hand-offs between them cost tens of milliseconds per operation.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _snapshot(step, loss, layer, bias):
    kernel = layer.weight.detach().reshape(1, 2).cpu().clone()
    b = float(layer.bias.detach().cpu()) if bias else None
    return TrainingStep(step, loss, kernel, b)


def train_kernel(
    X,
    Y,
    lr=0.03,
    steps=30,
    seed=0,
    init="random",
    bias=False,
    use="nn.Conv2d",
    callback=None,
    device=None,
):
    """Learn a 1x2 kernel mapping ``X`` to ``Y`` by gradient descent; return history.

    The loss is the squared error summed over all pixels, as in the book. The
    history is a list of ``(step, loss, kernel)``: entry ``t`` holds the kernel
    after ``t`` updates and its loss, from ``t = 0`` (the start) to ``steps``.
    ``callback(history)`` runs after every entry. Training stops early when the
    loss overflows (a learning rate too large for this data).
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    if not (isinstance(lr, (int, float)) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    device = default_device() if device is None else torch.device(device)
    generator = torch.Generator().manual_seed(int(seed))
    weight, b = _initial_values(init, bias, generator)
    layer, forward = _make_layer(use, bias, weight, b, device)
    params = [p for p in layer.parameters() if p.requires_grad]
    X, Y = X.to(device, torch.float32), Y.to(device, torch.float32)
    history = []
    for step in range(steps + 1):
        with one_thread():
            loss = ((forward(X) - Y) ** 2).sum()
            history.append(_snapshot(step, loss.item(), layer, bias))
        if callback is not None:
            callback(history)
        if step == steps or not math.isfinite(history[-1].loss):
            break
        with one_thread():
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
                    p.grad = None
    return history


def lr_limit(X, bias=False):
    """Largest stable learning rate for this image: ``2 / largest Hessian eigenvalue``.

    The loss is quadratic in the parameters, so gradient descent converges for
    every start exactly when ``lr < 2 / lambda_max`` of its Hessian ``2 A^T A``,
    where row ``A[i]`` holds the two pixels one output sees (and a 1 for the bias).
    """
    A = torch.nn.functional.unfold(X[None, None].double(), (1, 2))[0].T
    if bias:
        A = torch.cat([A, torch.ones(len(A), 1, dtype=A.dtype)], dim=1)
    return 2 / (2 * torch.linalg.eigvalsh(A.T @ A).max().item())


def _print_every(every):
    def report(history):
        step, loss, _ = history[-1]
        if step and step % every == 0:
            print(f"step {step}, loss {loss:.3f}")

    return report


def train_builtin(X=None, Y=None, steps=10, lr=3e-2, seed=0, print_every=2):
    """The book's variant: ``nn.Conv2d(1, 1, (1, 2), bias=False)``; prints the loss."""
    if X is None:
        X, Y = edge_data()
    return train_kernel(
        X,
        Y,
        lr=lr,
        steps=steps,
        seed=seed,
        init="uniform",
        bias=False,
        use="nn.Conv2d",
        callback=_print_every(print_every),
    )


# With the bias, the stripe's loss has Hessian eigenvalues 12, 19.7 and 124.3:
# the limit is 2 / 124.3 = 0.0161, and the slowest error shrinks by 1 - 12 lr a
# step. The seeds' 30 steps leave a third of random starts more than 0.05 from
# [1, -1]; 100 steps bring seeds 0-99 within 0.01, at lr 0.01 and at half of it.
def train_scratch(X=None, Y=None, steps=100, lr=0.01, seed=0, print_every=10):
    """The hand-written variant: ``Conv2D``, random weight and bias; prints the loss."""
    if X is None:
        X, Y = edge_data()
    return train_kernel(
        X,
        Y,
        lr=lr,
        steps=steps,
        seed=seed,
        init="random",
        bias=True,
        use="Conv2D",
        callback=_print_every(print_every),
    )


def _fmt2(value):
    """Two decimals; values of a diverging run shown as out of range."""
    if math.isnan(value):
        return "nan"
    if abs(value) >= 100:
        return ">99" if value > 0 else "<-99"
    return f"{value:.2f}"


class TrainingFigure:
    """The loss curve, kernel values and output-vs-target panels, kept for updates."""

    def __init__(self, X, Y, steps, bias=False, lr=None):
        self.X, self.Y = X.detach().cpu().float(), Y.detach().cpu().float()
        self.fig = Figure(figsize=(13.5, 3.6), dpi=80)
        fig = self.fig
        self.ax_loss = fig.add_axes((0.045, 0.16, 0.19, 0.64))
        self.ax_kernel = fig.add_axes((0.29, 0.16, 0.19, 0.64))
        rows, cols = self.Y.shape
        # Both grids get the same cell size, chosen to fit the tallest image.
        cell_h = 0.66 / rows
        cell_w = cell_h * 3.6 / 13.5
        self.ax_out = fig.add_axes((0.53, 0.1, cols * cell_w, rows * cell_h))
        self.ax_target = fig.add_axes(
            (0.545 + cols * cell_w, 0.1, cols * cell_w, rows * cell_h)
        )
        # Fixed axis limits: runs with different settings compare at a glance,
        # and a redraw needs no new tick layout.
        ax = self.ax_loss
        ax.set_yscale("log")
        ax.set_ylim(LOSS_RANGE)
        ax.set_xlabel("step", fontsize=9)
        ax.set_title("loss (sum of squared errors)", fontsize=10)
        ax.tick_params(labelsize=8)
        (self.loss_line,) = ax.plot([], [], "-", color="#1f77b4", marker=".")
        ax = self.ax_kernel
        ax.set_xlabel("step", fontsize=9)
        ax.set_title("kernel values (dashed: [1, -1])", fontsize=10)
        ax.tick_params(labelsize=8)
        ax.set_ylim(-KERNEL_RANGE, KERNEL_RANGE)
        for target in (1, -1):
            ax.axhline(target, color="#999999", linestyle="--", linewidth=1)
        ax.axhline(0, color="#cccccc", linewidth=0.8)
        (self.w1_line,) = ax.plot([], [], "-", color="#d62728", label="K[0, 0]")
        (self.w2_line,) = ax.plot([], [], "-", color="#1f77b4", label="K[0, 1]")
        (self.b_line,) = ax.plot([], [], "-", color="#2ca02c", label="bias")
        self.bias = None
        colours = dict(cmap="RdBu_r", vmin=-1.5, vmax=1.5, fontsize=7)
        self.out_grid = draw_grid(
            self.ax_out, torch.zeros_like(self.Y), fmt=_fmt2, **colours
        )
        draw_grid(self.ax_target, self.Y, title="target Y = X * [1, -1]", **colours)
        self.suptitle = fig.suptitle("", fontsize=11)
        self.configure(steps, bias, lr)

    def configure(self, steps, bias, lr):
        """Set the number of steps (x axis), the bias curve and the learning rate."""
        self.steps, self.lr = steps, lr
        for ax in (self.ax_loss, self.ax_kernel):
            ax.set_xlim(0, max(1, steps))
        if bias != self.bias:
            self.bias = bias
            self.limit = lr_limit(self.X, bias)
            self.b_line.set_visible(bias)
            lines = [self.w1_line, self.w2_line] + ([self.b_line] if bias else [])
            self.ax_kernel.legend(handles=lines, fontsize=7, loc="center right")
        return self

    def update(self, history):
        """Show the history so far: curves up to its last step, that step's output."""
        steps = [h.step for h in history]
        losses = np.array([h.loss for h in history], dtype=float)
        kernels = np.array([h.kernel.reshape(2).tolist() for h in history])
        finite = np.isfinite(losses)
        self.loss_line.set_data(
            np.array(steps)[finite], np.maximum(losses[finite], LOSS_RANGE[0])
        )
        self.w1_line.set_data(steps, kernels[:, 0])
        self.w2_line.set_data(steps, kernels[:, 1])
        if self.bias:
            self.b_line.set_data(steps, [h.bias for h in history])
        last = history[-1]
        b = last.bias if last.bias is not None else 0.0
        with np.errstate(all="ignore"):
            output = corr2d(self.X, last.kernel) + b
        self.out_grid.set_values(output)
        self.out_grid.set_title(f"output at step {last.step}")
        text = f"step {last.step}/{self.steps}: loss {last.loss:.3g}, kernel ["
        if not math.isfinite(last.loss):
            text = f"stopped at step {last.step}: the loss overflowed, kernel ["
        text += ", ".join(_fmt2(v) for v in kernels[-1]) + "]"
        if last.bias is not None:
            text += f", bias {_fmt2(last.bias)}"
        if self.lr is not None:
            rule = "<" if self.lr < self.limit else ">="
            verdict = "converges" if self.lr < self.limit else "diverges"
            text += (
                f"   |   lr {self.lr} {rule} 2/lambda_max = {self.limit:.4f}: {verdict}"
            )
        self.suptitle.set_text(text)
        return self.fig


def draw_training(history, X, Y, steps=None, lr=None):
    """Draw a training history: loss curve, kernel values, output against target."""
    bias = bool(history) and history[0].bias is not None
    steps = history[-1].step if steps is None else steps
    return TrainingFigure(X, Y, steps, bias=bias, lr=lr).update(history)


class TrainingExplorer(Explorer):
    """Train the 1x2 edge kernel with sliders; the Train button animates the run."""

    def __init__(
        self, lr=0.03, steps=30, seed=0, init="random", bias=False, image="vertical"
    ):
        style = {"description_width": "initial"}
        controls = {
            "lr": widgets.SelectionSlider(
                options=LEARNING_RATES,
                value=lr,
                description="learning rate",
                style=style,
                continuous_update=False,
            ),
            "steps": widgets.IntSlider(
                value=steps,
                min=1,
                max=100,
                description="steps",
                style=style,
                continuous_update=False,
            ),
            "seed": widgets.IntSlider(
                value=seed,
                min=0,
                max=20,
                description="seed",
                style=style,
                continuous_update=False,
            ),
            "init": widgets.Dropdown(
                options=INITS, value=init, description="initialisation", style=style
            ),
            "bias": widgets.Checkbox(value=bias, description="learn a bias"),
            "image": widgets.ToggleButtons(
                options=IMAGES, value=image, description="input image", style=style
            ),
        }
        self.button = widgets.Button(
            description="Train", button_style="primary", icon="play"
        )
        self.button.on_click(lambda _: self.train())
        self.history = []
        self._picture = None
        self._pictures = {}
        c = controls
        layout = widgets.VBox(
            [
                widgets.HBox([c["lr"], c["steps"], c["seed"]]),
                widgets.HBox([c["init"], c["bias"], self.button]),
                c["image"],
            ]
        )
        super().__init__(controls, layout=layout)

    def _picture_for(self, image, X, Y, steps, bias, lr):
        """One figure per input image, built once and then only updated."""
        if image not in self._pictures:
            self._pictures[image] = TrainingFigure(X, Y, steps, bias=bias, lr=lr)
        self._picture = self._pictures[image]
        return self._picture.configure(steps, bias, lr)

    def draw(self, lr, steps, seed, init, bias, image, callback=None):
        """Train with these values (no animation) and draw the final state."""
        X, Y = edge_data(image)
        picture = self._picture_for(image, X, Y, steps, bias, lr)
        self.history = train_kernel(
            X,
            Y,
            lr=lr,
            steps=steps,
            seed=seed,
            init=init,
            bias=bias,
            callback=callback,
        )
        return picture.update(self.history)

    def train(self, live=True):
        """Run the loop with the current control values; return the history.

        With ``live`` the loss curve, kernel values and output are redrawn every
        few steps while training runs.
        """
        values = self.values()
        # About ten pictures per run: enough to watch, cheap enough to stay live.
        every = max(1, values["steps"] // 10)

        def show(history):
            step = history[-1].step
            if step % every == 0 and step != values["steps"]:
                self.image.value = self.render(self._picture.update(history))

        try:
            fig = self.draw(**values, callback=show if live else None)
        except ValueError as err:
            self.show_explanation(str(err))
            return []
        self.figure = fig
        self.message = ""
        self.explanation.value = ""
        self.image.layout.display = None
        self.image.value = self.render(fig)
        return self.history
