"""TrainingExplorer: PyTorch trains the 1x2 edge kernel; the page scrubs the run."""

import json
import math

import traitlets

from .. import training
from . import Explorer, check_settings, module

# What the controls offer (bias: True or False).
RANGES = {"steps": (1, 100), "seed": (0, 20)}
OPTIONS = dict(lr=training.LEARNING_RATES, init=training.INITS, image=training.IMAGES)
SETTINGS = ("lr", "steps", "seed", "init", "bias", "image")


def plain(value):
    """A float, or nested lists of them (a tensor's ``tolist()``), for JSON:
    "Infinity", "-Infinity" or "NaN" where it is not finite (a diverging run),
    which JavaScript's Number() reads back."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    value = float(value)
    return value if math.isfinite(value) else json.dumps(value)


class TrainingExplorer(Explorer):
    """Train the 1x2 edge kernel: PyTorch runs the loop, the page plays it back.

    A new learning rate, number of steps, seed, start, bias or image trains
    again (``train_kernel``); the run (loss, kernel, bias, gradients and output
    per step) goes to the page, whose step slider and Train button scrub it.
    ``history`` is the run, ``picture()`` its picture at ``step``.
    """

    NAME = "training"
    _esm = module(NAME)
    PALETTES = ("RdBu_r",)

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
        given = dict(lr=lr, steps=steps, seed=seed, init=init, bias=bias, image=image)
        super().__init__(**check_settings(given, RANGES, OPTIONS))
        self._train()

    @traitlets.validate(*SETTINGS)
    def _valid(self, proposal):
        name = proposal["trait"].name
        return check_settings({name: proposal["value"]}, RANGES, OPTIONS)[name]

    @traitlets.observe(*SETTINGS)
    def _settings_changed(self, change):
        if self.run:  # not while __init__ sets the first settings
            self._train()
            self.answered += 1

    def _train(self):
        """Run ``train_kernel`` with the current settings; send the run to the page."""
        X, Y = training.edge_data(self.image)
        settings = {name: getattr(self, name) for name in SETTINGS if name != "image"}
        h = self.history = training.train_kernel(X, Y, **settings)
        run = {
            "lr": self.lr,
            "steps": self.steps,
            "limit": float(training.lr_limit(X, self.bias)),
            "loss": [plain(e.loss) for e in h],
            "kernel": [plain(e.kernel.reshape(2).tolist()) for e in h],
            "grad": [plain(e.grad.reshape(2).tolist()) for e in h],
            "bias": [plain(e.bias) for e in h] if self.bias else None,
            "bias_grad": [plain(e.bias_grad) for e in h] if self.bias else None,
            # PyTorch's float32 output at each step, as draw_training computes it.
            "output": [plain(training.layer_output(X, e).tolist()) for e in h],
            "target": Y.tolist(),
            "start": training.start_text(self.init, h[0]),  # in the page's language
        }
        with self.hold_sync():
            self.run = run
            self.step = len(h) - 1

    def picture(self):
        X, Y, h = *training.edge_data(self.image), self.history
        step = min(max(self.step, 0), len(h) - 1)
        shown = h[: step + 1]
        return training.draw_training(shown, X, Y, self.steps, self.lr, self.init)
