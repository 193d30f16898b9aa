"""TrainingExplorer: PyTorch trains the 1x2 edge kernel; the page scrubs the run."""

import math

import traitlets

from .._validate import check_int_range
from ..training import (
    IMAGES,
    INITS,
    LEARNING_RATES,
    draw_training,
    edge_data,
    layer_output,
    lr_limit,
    train_kernel,
)
from . import Explorer, module

SETTINGS = ("lr", "steps", "seed", "init", "bias", "image")


def plain(value):
    """A float for JSON: "Infinity", "-Infinity" or "NaN" where it is not finite
    (a diverging run), which JavaScript's Number() reads back."""
    value = float(value)
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def plain_list(values):
    """Nested lists of floats (a tensor's ``tolist()``) as ``plain`` values."""
    if isinstance(values, list):
        return [plain_list(v) for v in values]
    return plain(values)


class TrainingExplorer(Explorer):
    """Train the 1x2 edge kernel: PyTorch runs the loop, the page plays it back.

    Changing the learning rate, the number of steps, the seed, the start, the
    bias or the image trains again in Python (``train_kernel``); the run (loss,
    kernel, bias, their gradients and the layer's output at every step) goes
    to the page, whose step slider and Train button scrub it with no message
    to Python. ``history`` is the run, ``picture()`` its picture at ``step``.
    """

    NAME = "training"
    _esm = module(NAME)
    PALETTES = ("RdBu_r",)
    ASKS = ("lr", "steps", "seed", "init", "bias", "image")

    lr = traitlets.Float(0.03).tag(sync=True)
    steps = traitlets.Int(30).tag(sync=True)
    seed = traitlets.Int(0).tag(sync=True)
    init = traitlets.Unicode("random").tag(sync=True)
    bias = traitlets.Bool(False).tag(sync=True)
    image = traitlets.Unicode("vertical").tag(sync=True)
    step = traitlets.Int(30).tag(sync=True)
    run = traitlets.Dict().tag(sync=True)

    def __init__(
        self, lr=0.03, steps=30, seed=0, init="random", bias=False, image="vertical"
    ):
        self.history = []
        settings = dict(lr=lr, steps=steps, seed=seed, init=init, bias=bias)
        super().__init__(**check_settings(**settings, image=image))
        self._train()

    @traitlets.validate(*SETTINGS)
    def _valid(self, proposal):
        name = proposal["trait"].name
        return check_settings(**{name: proposal["value"]})[name]

    @traitlets.observe(*SETTINGS)
    def _settings_changed(self, change):
        if self.run:  # not while __init__ sets the first settings
            self._train()
            self.answered += 1

    def _train(self):
        """Run ``train_kernel`` with the current settings; send the run to the page."""
        X, Y = edge_data(self.image)
        self.history = train_kernel(
            X,
            Y,
            lr=self.lr,
            steps=self.steps,
            seed=self.seed,
            init=self.init,
            bias=self.bias,
        )
        h = self.history
        run = {
            "lr": self.lr,
            "steps": self.steps,
            "limit": float(lr_limit(X, self.bias)),
            "loss": [plain(e.loss) for e in h],
            "kernel": [plain_list(e.kernel.reshape(2).tolist()) for e in h],
            "grad": [plain_list(e.grad.reshape(2).tolist()) for e in h],
            "bias": [plain(e.bias) for e in h] if self.bias else None,
            "bias_grad": [plain(e.bias_grad) for e in h] if self.bias else None,
            # PyTorch's float32 output at each step, as draw_training computes it.
            "output": [plain_list(layer_output(X, e).tolist()) for e in h],
            "target": Y.tolist(),
        }
        with self.hold_sync():
            self.run = run
            self.step = len(h) - 1

    def picture(self):
        X, Y = edge_data(self.image)
        step = min(max(self.step, 0), len(self.history) - 1)
        return draw_training(self.history[: step + 1], X, Y, self.steps, self.lr)


def check_settings(**settings):
    """The settings, checked: a ValueError or TypeError names the rule broken."""
    rules = {
        "lr": lambda v: _one_of(v, "lr", LEARNING_RATES),
        "steps": lambda v: check_int_range(v, "steps", 1, 100),
        "seed": lambda v: check_int_range(v, "seed", 0, 20),
        "init": lambda v: _one_of(v, "init", INITS),
        "bias": lambda v: _boolean(v, "bias"),
        "image": lambda v: _one_of(v, "image", IMAGES),
    }
    return {name: rules[name](value) for name, value in settings.items()}


def _one_of(value, name, options):
    if isinstance(value, bool) or value not in options:
        shown = ", ".join(map(repr, options))
        raise ValueError(f"{name} must be one of {shown}, got {value!r}")
    return value


def _boolean(value, name):
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value
