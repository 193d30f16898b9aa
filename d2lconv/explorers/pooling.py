"""PoolingExplorer: window, padding, stride and modes; the page pools and draws."""

import traitlets

from ..i18n import N_, tr
from ..pooling import draw_pooling, pooling_inputs
from ..shapes import ShapeError, pool2d_output_shape
from . import Explorer, module


class PoolingExplorer(Explorer):
    """Max or average pooling with sliders for window, padding, stride and modes.

    The page pools the tensors of ``pooling_inputs()`` as ``F.max_pool2d`` and
    ``F.avg_pool2d`` do and draws ``draw_pooling``'s picture.
    """

    NAME = "pooling"
    _esm = module(NAME)
    PALETTES = ("Blues",)

    mode = traitlets.Unicode("max").tag(sync=True)
    input = traitlets.Unicode().tag(sync=True)
    window_h = traitlets.Int(3).tag(sync=True)
    window_w = traitlets.Int(3).tag(sync=True)
    padding_h = traitlets.Int(1).tag(sync=True)
    padding_w = traitlets.Int(1).tag(sync=True)
    stride_h = traitlets.Int(2).tag(sync=True)
    stride_w = traitlets.Int(1).tag(sync=True)
    ceil_mode = traitlets.Bool(False).tag(sync=True)
    count_include_pad = traitlets.Bool(True).tag(sync=True)
    cell = traitlets.Int(0).tag(sync=True)
    # English name -> (channels, h, w) values, in the order the page offers them.
    inputs = traitlets.Dict().tag(sync=True)

    def __init__(self):
        inputs = {name: X.int().tolist() for name, X in pooling_inputs().items()}
        super().__init__(inputs=inputs, input=next(iter(inputs)))
        if self.language != "en":
            # The page shows the names of the inputs too (marked in pooling.py).
            self.text = {**self.text, **{name: tr(name) for name in inputs}}

    def picture(self):
        X = pooling_inputs()[self.input]
        k, s = (self.window_h, self.window_w), (self.stride_h, self.stride_w)
        pad, ceil = (self.padding_h, self.padding_w), self.ceil_mode
        try:
            oh, ow = pool2d_output_shape(tuple(X.shape[1:]), k, s, pad, ceil_mode=ceil)
            cell = min(self.cell, oh * ow - 1)
            return draw_pooling(
                X, k, s, pad, self.mode, ceil, self.count_include_pad, cell
            )
        except ValueError as err:
            raise ShapeError(
                N_("No pooling for these settings.\n{reason}"), reason=err
            ) from None
