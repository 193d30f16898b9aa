"""d2lconv: the code shared by the notebooks of a hands-on course on convolution."""

# Each block below belongs to one module; keep the names sorted inside a block.

# device.py
from .device import default_device

# shapes.py
from .shapes import (
    conv2d_output_shape,
    conv_transpose2d_output_shape,
    pool2d_output_shape,
    same_padding,
)

# ops.py
from .ops import (
    Conv2D,
    comp_conv2d,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    pool2d,
)

# grid.py / sweep.py / stack.py / receptive.py
from .grid import draw_grid, grid_figure
from .receptive import receptive_field, receptive_field_table

# drawing.py
# figures.py
from .figures import (
    PADDING_MODES,
    animate_sweep,
    draw_padding_modes,
    draw_transposed_conv,
    pad2d,
    save_gif,
    save_png,
)

# explorers (widgets)
# training.py / channels.py / pooling.py
from .pooling import PoolingExplorer, draw_pooling, pool
from .training import (
    TrainingExplorer,
    draw_training,
    edge_data,
    train_builtin,
    train_kernel,
    train_scratch,
)

# cost.py
from .cost import conv2d_flops, conv2d_params

# exercises.py

__version__ = "0.1.0"
