"""ChannelsExplorer: channels in and out, kernel and input size; the page draws."""

import traitlets

from .. import channels
from ..i18n import N_
from ..shapes import ShapeError
from . import Explorer, check_settings, module

# The sliders' ranges, as the page offers them (within channel_data's largest).
RANGES = dict(in_channels=(1, 4), out_channels=(1, 4), kernel_size=(1, 4), size=(2, 6))
# The explanation of other sizes with the book's numbers.
BOOK_SIZES = N_(
    "The book's example has c_i = 2 input channels, 2x2 kernels "
    "and a 3x3 input; got c_i = {c_i}, kernel size {k}, input "
    "{n}x{n}. Choose 'small random integers' to try other sizes."
)

# The matrix-product view with the book's numbers: two steps away.
BOOK_MATMUL = N_(
    "The matrix-product view is for 1x1 kernels and the book's example has 2x2 "
    "kernels; got values 'book example', kernel size {k}. Choose 'small random "
    "integers' with kernel size 1."
)


class ChannelsExplorer(Explorer):
    """Input and output channels, kernel size and input size, with the costs.

    The page computes every cross-correlation and sum; PyTorch draws the
    random integers of each ``seed`` at the largest sizes (``channel_pool``),
    of which the page takes the leading part, as ``channel_data`` does.
    """

    NAME = "channels"
    _esm = module(NAME)
    PALETTES = ("Greys", "RdBu_r")

    in_channels = traitlets.Int(2).tag(sync=True)
    out_channels = traitlets.Int(3).tag(sync=True)
    kernel_size = traitlets.Int(2).tag(sync=True)
    size = traitlets.Int(3).tag(sync=True)
    values = traitlets.Unicode(channels.VALUES[1]).tag(sync=True)
    seed = traitlets.Int(0).tag(sync=True)
    mode = traitlets.Unicode(channels.MODES[0]).tag(sync=True)
    pools = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        in_channels=2,
        out_channels=3,
        kernel_size=2,
        size=3,
        values="book example",
    ):
        sizes = dict(in_channels=in_channels, out_channels=out_channels)
        sizes.update(kernel_size=kernel_size, size=size, values=values)
        check_settings(sizes, RANGES, {"values": channels.VALUES})
        super().__init__(pools=self._pools(0), **sizes)

    @staticmethod
    def _pools(seed):
        X, K = channels.channel_pool(seed)
        return {"x": X.int().tolist(), "k": K.int().tolist()}

    def picture(self):
        """The picture of the settings (a ValueError explains the book's sizes)."""
        c_i, k, n = self.in_channels, self.kernel_size, self.size
        if self.values == "book example":
            if self.mode == channels.MODES[1]:
                raise ShapeError(BOOK_MATMUL, k=k)
            if (c_i, k, n) != (2, 2, 3):
                raise ShapeError(BOOK_SIZES, c_i=c_i, k=k, n=n)
            X, K = channels.book_example(self.out_channels)
        else:
            X, K = channels.channel_data(c_i, self.out_channels, k, n, self.seed)
        return channels.draw_channels(X, K, self.mode)
