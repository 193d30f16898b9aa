"""SweepExplorer: input and kernel sliders, step and Play; the page draws the sweep."""

import torch
import traitlets

from .._validate import positive_pair
from ..data import random_pool, sweep_input, sweep_kernel
from ..shapes import _padding_sides, conv2d_geometry
from ..sweep import _output, sweep_picture
from . import Explorer, check_settings, chosen_topics, module

OPTIONS = {"values": ("ramp", "random", "edge")}
OPTIONS["kernel"] = ("ramp", "ones", "random", "edge")


class SweepExplorer(Explorer):
    """Sliders for the input and the kernel, step and Play: watch the sweep.

    Starts from the book's 3x3 input and 2x2 kernel (the 6x8 image and 1x2
    kernel for ``"edge"``). ``controls`` adds the sliders (and formulas) of the
    topics taught: ``"padding"``, ``"stride"``, ``"dilation"``. PyTorch draws
    the random integers of each ``seed`` (16x16 and 7x7: the page takes the
    top-left corner) and the page computes the output.
    """

    NAME = "sweep"
    _esm = module(NAME)
    PALETTES = ("Blues", "PuOr_r", "RdBu_r")

    input_h = traitlets.Int(3).tag(sync=True)
    input_w = traitlets.Int(3).tag(sync=True)
    kernel_h = traitlets.Int(2).tag(sync=True)
    kernel_w = traitlets.Int(2).tag(sync=True)
    padding_h = traitlets.Int(0).tag(sync=True)
    padding_w = traitlets.Int(0).tag(sync=True)
    stride_h = traitlets.Int(1).tag(sync=True)
    stride_w = traitlets.Int(1).tag(sync=True)
    dilation = traitlets.Int(1).tag(sync=True)
    values = traitlets.Unicode("ramp").tag(sync=True)
    kernel = traitlets.Unicode("ramp").tag(sync=True)
    seed = traitlets.Int(0).tag(sync=True)
    flip = traitlets.Bool(False).tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    topics = traitlets.List(traitlets.Unicode()).tag(sync=True)
    pools = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        input_size=None,
        kernel_size=None,
        padding=0,
        stride=1,
        values="ramp",
        kernel="ramp",
        flip=False,
        seed=0,
        controls=(),
    ):
        check_settings({"values": values, "kernel": kernel}, options=OPTIONS)
        if input_size is None:
            input_size = (6, 8) if values == "edge" else 3
        if kernel_size is None:
            kernel_size = (1, 2) if kernel == "edge" else 2
        n = positive_pair(input_size, "input_size")
        k = positive_pair(kernel_size, "kernel_size")
        (top, bottom), (left, right) = _padding_sides(padding, k, (1, 1), (1, 1))
        if top != bottom or left != right:
            raise ValueError(f"padding must be equal on both sides here, got {padding}")
        s = positive_pair(stride, "stride")
        starts = {"padding": (padding, (top, left) != (0, 0))}
        starts["stride"] = (stride, s != (1, 1))
        settings = dict(input_h=n[0], input_w=n[1], kernel_h=k[0], kernel_w=k[1])
        settings.update(padding_h=top, padding_w=left, stride_h=s[0], stride_w=s[1])
        settings.update(values=values, kernel=kernel, flip=bool(flip), seed=seed)
        settings.update(topics=chosen_topics(controls, starts), pools=self._pools(seed))
        super().__init__(**settings)

    @staticmethod
    def _pools(seed):
        return {"x": random_pool(seed, "input"), "k": random_pool(seed, "kernel")}

    def tensors(self):
        """``(X, K, Y, geometry)``: the input, the kernel as applied, PyTorch's
        output and the ``ConvGeometry`` (a ValueError explains an empty output)."""
        sizes = (self.input_h, self.input_w), (self.kernel_h, self.kernel_w)
        s, p = (self.stride_h, self.stride_w), (self.padding_h, self.padding_w)
        g = conv2d_geometry(*sizes, stride=s, padding=p, dilation=self.dilation)
        X = sweep_input(self.values, g.input_size, self.seed).double()
        K = sweep_kernel(self.kernel, g.kernel_size, self.seed).double()
        K = torch.flip(K, (0, 1)) if self.flip else K
        return X, K, _output(X, K, g), g

    def picture(self):
        X, K, Y, g = self.tensors()
        step = min(self.step, Y.numel() - 1)
        return sweep_picture(X, K, Y, g, step, self.flip, None, self.topics)
