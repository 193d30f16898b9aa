"""Self-checks for the exercises: each one says "Correct." or gives a hint.

Every ``check_*`` function prints one line that starts with ``Correct.`` or
``Not yet.`` and returns ``True`` or ``False``; a hint never gives the answer
away. Code exercises pass a function (or a tensor), the others a short answer:
a number, a shape, ``True``/``False`` or a letter. The right answers are
computed on the spot, by PyTorch or from first principles, never typed in.
Padding is per side, as in ``nn.Conv2d``; the book's ``p_h`` is the total.

The checks of ``notebooks/NN-topic.ipynb`` live in ``nbNN_topic.py``.
"""

from .nb01_why_convolution import (
    AUDIO_STATEMENTS,
    POSITION_REMEDIES,
    POSITION_TASKS,
    TEXT_STATEMENTS,
    check_audio_text,
    check_conv_params_224,
    check_fc_weights,
    check_fc_weights_224,
    check_layers_to_see_all,
    check_position_task,
)
from .nb02_cross_correlation import (
    check_blur_kernel,
    check_derivative_kernel_size,
    check_diagonal_edges,
    check_edge_kernel,
    check_kernel_matrix,
    check_second_derivative_kernel,
    check_sweep_shape,
    diagonal_edge_image,
)
from .nb03_learning_a_kernel import (
    check_kernel_gradient,
    check_receptive_field_size,
    check_stack_field,
    check_training_prediction,
)
from .nb04_padding import (
    check_corner_uses,
    check_mirror_padding,
    check_padded_size,
    check_same_padding,
)
from .nb05_stride_and_dilation import (
    check_audio_stride,
    check_dilated_field,
    check_fractional_stride,
    check_output_shape,
    check_stack_prediction,
    check_stride_prediction,
    check_stride_savings,
    check_undilated_layers,
)
from .nb06_channels import (
    GROUPS_CHOICES,
    Y1_Y2_CHOICES,
    check_block_diagonal_speedup,
    check_channel_prediction,
    check_compose_kernels,
    check_composed_kernel_size,
    check_conv2d_as_matmul,
    check_every_kernel_factors,
    check_groups_lose,
    check_y1_y2,
)
from .nb07_layer_cost import (
    check_1x1_cost,
    check_backward_cost,
    check_backward_memory,
    check_doubling_channels,
    check_doubling_padding,
    check_forward_cost,
    check_forward_memory,
)
from .nb08_pooling import (
    POOL_OR_CONV_CHOICES,
    check_avg_pool_as_conv,
    check_max_from_relu,
    check_max_pool_from_relu,
    check_max_pool_not_linear,
    check_min_pooling,
    check_pool_or_conv,
    check_pooling_cost,
    check_pooling_prediction,
    check_relu_max_layers,
    check_softmax_pooling,
    check_strided_conv_params,
)
from .nb09_performance import (
    check_arithmetic_intensity,
    check_float64_memory_bound,
    check_im2col_megabytes,
    check_loglog_slopes,
)
from .nb10_real_photo import (
    check_edge_strength,
    check_limit_scaling,
    check_pooled_size,
    check_sobel_y,
)
