"""d2lconv: the code shared by the notebooks of a hands-on course on convolution.

The top level holds what the notebooks use; the exercise checks are in
``d2lconv.exercises``, everything else in its own module.
"""

# Keep the names sorted inside an import.
from .device import default_device, one_thread
from .i18n import language, set_language
from .shapes import conv2d_output_shape, pool2d_output_shape, same_padding
from .ops import (
    Conv2D,
    comp_conv2d,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    pool2d,
)

# pictures: picture.py, grid.py, sweep.py, stack.py, receptive.py, figures.py
from .grid import draw_grid
from .receptive import receptive_field, receptive_field_table
from .stack import draw_stack, repeat_layer
from .sweep import draw_sweep
from .explorers.stack import StackExplorer
from .explorers.sweep import SweepExplorer
from .figures import PADDING_MODES, draw_padding_modes, pad2d

# training.py, channels.py, pooling.py
from .channels import channel_data, draw_channels
from .pooling import draw_pooling
from .explorers.channels import ChannelsExplorer
from .explorers.pooling import PoolingExplorer
from .training import (
    draw_training,
    edge_data,
    train_builtin,
    train_kernel,
    train_scratch,
)
from .explorers.training import TrainingExplorer

from .cost import conv2d_flops, conv2d_params
from .photo import (
    PHOTO_CREDIT,
    format_kernels,
    initial_kernel,
    kernel_hessian,
    learn_kernel,
    load_photo,
    show_images,
    stable_lr,
)
from .checks import (
    CheckFailed,
    expect_close,
    expect_conv2d,
    expect_descent,
    expect_pool2d,
    expect_shrinks,
)
from .fast import conv2d_im2col, corr2d_unfold

# The exercise checks: d2lconv.exercises.check_*.
from . import exercises

__version__ = "0.1.0"

# D2LCONV_LANG=zh chose Chinese for the session: matplotlib's figures follow.
if language() != "en":
    set_language(language())
