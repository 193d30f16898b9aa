"""d2lconv: the code shared by the notebooks of a hands-on course on convolution."""

# Each block below belongs to one module; keep the names sorted inside a block.

# device.py
from .device import default_device, one_thread

# i18n.py
from .i18n import language, set_language

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

# pictures: picture.py, grid.py, sweep.py, stack.py, receptive.py
from .grid import Grid, draw_grid
from .picture import Picture
from .receptive import receptive_field, receptive_field_table
from .stack import draw_stack, repeat_layer, stack_sizes
from .sweep import draw_sweep
from .explorers.stack import StackExplorer
from .explorers.sweep import SweepExplorer

# figures.py
from .figures import (
    PADDING_MODES,
    animate_sweep,
    draw_padding_modes,
    draw_transposed_conv,
    pad2d,
    sweep_frames,
)

# training.py, channels.py, pooling.py
from .channels import channel_data, draw_channels
from .pooling import draw_pooling, pool
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

# cost.py
from .cost import conv2d_flops, conv2d_params

# photo.py
from .photo import (
    PHOTO_CREDIT,
    format_kernels,
    initial_kernel,
    kernel_hessian,
    learn_kernel,
    load_photo,
    show_images,
    stable_lr,
    window_matrix,
)

# checks.py
from .checks import (
    CheckFailed,
    expect_close,
    expect_conv2d,
    expect_descent,
    expect_pool2d,
    expect_shrinks,
)

# exercises/
from .exercises import (
    AUDIO_STATEMENTS,
    GROUPS_CHOICES,
    POOL_OR_CONV_CHOICES,
    POSITION_REMEDIES,
    POSITION_TASKS,
    TEXT_STATEMENTS,
    Y1_Y2_CHOICES,
    check_1x1_cost,
    check_arithmetic_intensity,
    check_audio_stride,
    check_audio_text,
    check_avg_pool_as_conv,
    check_backward_cost,
    check_backward_memory,
    check_block_diagonal_speedup,
    check_blur_kernel,
    check_channel_prediction,
    check_compose_kernels,
    check_composed_kernel_size,
    check_conv2d_as_matmul,
    check_conv_params_224,
    check_corner_uses,
    check_derivative_kernel_size,
    check_diagonal_edges,
    check_dilated_field,
    check_doubling_channels,
    check_doubling_padding,
    check_edge_kernel,
    check_edge_strength,
    check_every_kernel_factors,
    check_fc_weights,
    check_fc_weights_224,
    check_float64_memory_bound,
    check_forward_cost,
    check_forward_memory,
    check_fractional_stride,
    check_groups_lose,
    check_im2col_megabytes,
    check_kernel_gradient,
    check_kernel_matrix,
    check_layers_to_see_all,
    check_limit_scaling,
    check_loglog_slopes,
    check_max_from_relu,
    check_max_pool_from_relu,
    check_max_pool_not_linear,
    check_min_pooling,
    check_mirror_padding,
    check_output_shape,
    check_padded_size,
    check_pool_or_conv,
    check_pooled_size,
    check_pooling_cost,
    check_pooling_prediction,
    check_position_task,
    check_receptive_field_size,
    check_relu_max_layers,
    check_same_padding,
    check_second_derivative_kernel,
    check_sobel_y,
    check_softmax_pooling,
    check_stack_field,
    check_stack_prediction,
    check_stride_prediction,
    check_stride_savings,
    check_strided_conv_params,
    check_sweep_shape,
    check_training_prediction,
    check_undilated_layers,
    check_y1_y2,
    diagonal_edge_image,
)

# fast.py
from .fast import (
    Progress,
    conv2d_im2col,
    corr2d_unfold,
    draw_timings,
    format_duration,
    median_time,
    time_implementations,
)

__version__ = "0.1.0"
