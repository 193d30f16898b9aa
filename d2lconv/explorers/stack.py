"""StackExplorer: sliders for a stack of equal layers; the page draws the stack."""

import traitlets

from ..stack import draw_stack, layer_error, repeat_layer
from . import TOPICS, Explorer, check_settings, chosen_topics, module

# Each slider's range: (low, high).
RANGES = dict(count=(1, 60), input_size=(1, 256), kernel_size=(1, 7))
RANGES.update(padding=(0, 3), stride=(1, 3), dilation=(1, 3))


class StackExplorer(Explorer):
    """Stack identical convolution layers and watch size and receptive field.

    The defaults are the book's 32x32 input through seven 5x5 layers;
    ``controls`` adds the sliders of the topics taught (``"padding"``,
    ``"stride"``, ``"dilation"``). The page computes sizes, fields and jumps.
    """

    NAME = "stack"
    _esm = module(NAME)

    count = traitlets.Int(7).tag(sync=True)
    input_size = traitlets.Int(32).tag(sync=True)
    kernel_size = traitlets.Int(5).tag(sync=True)
    padding = traitlets.Int(0).tag(sync=True)
    stride = traitlets.Int(1).tag(sync=True)
    dilation = traitlets.Int(1).tag(sync=True)
    topics = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(
        self,
        count=7,
        input_size=32,
        kernel_size=5,
        padding=0,
        stride=1,
        dilation=1,
        controls=(),
    ):
        settings = dict(count=count, input_size=input_size, kernel_size=kernel_size)
        settings.update(padding=padding, stride=stride, dilation=dilation)
        check_settings(settings, RANGES)
        default = {"padding": 0, "stride": 1, "dilation": 1}
        starts = {t: (settings[t], settings[t] != default[t]) for t in TOPICS}
        super().__init__(**settings, topics=chosen_topics(controls, starts))

    @traitlets.validate(*RANGES)
    def _valid(self, proposal):
        name = proposal["trait"].name
        return check_settings({name: proposal["value"]}, RANGES)[name]

    def picture(self):
        layer = (self.kernel_size, self.padding, self.stride, self.dilation)
        try:
            return draw_stack(self.input_size, repeat_layer(self.count, *layer))
        except ValueError as err:
            raise layer_error(err) from None
