"""The book's worked examples, as the executed lessons must reproduce them.

``BOOK[lesson][cell id]`` maps an expression, evaluated in the kernel right
after that cell ran in Run All (tests/test_notebooks.py), to the book's value
(a tensor is compared through ``.tolist()``); ``PRINTED``: the texts that cell must
print; ``Approx(value, atol)``: a value the book gives rounded. The numbers
come from the syllabus (``shared/SYLLABUS.md``), checked against PyTorch by hand.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Approx:
    """A book value given rounded: equal within ``atol``."""

    value: object
    atol: float


PRINTED = "printed"

BOOK = {}

BOOK["01-why-convolution"] = {
    # A 12-megapixel RGB photo into 100 hidden units (the lecture notes).
    "nb01-05": {
        "values": 36_000_000,
        "weights": 3_600_000_000,
        "size_bytes / 1e9": 14.4,
        "round(size_bytes / 2**30, 1)": 13.4,
        PRINTED: ["36,000,000", "3.6 billion", "14.4 GB", "13.4 GiB"],
    },
    # A 1000x1000 image: 10^12 weights fully connected, about 4 x 10^6 with
    # translation invariance (the book's one-digit figure for (2n - 1)^2).
    "nb01-16": {"full": 10**12, "shared": Approx(4 * 10**6, 5 * 10**5)},
}

BOOK["02-cross-correlation"] = {
    "nb02-07": {"Y": [[19, 25], [37, 43]], PRINTED: "[[19., 25.],"},
    "nb02-09": {"d2l.corr2d(X, K)": [[19, 25], [37, 43]]},
    # The stripe's edges under [1, -1]: 6x7, 1 in column 1, -1 in column 5.
    "nb02-20": {"Y": [[0, 1, 0, 0, 0, -1, 0]] * 6, "tuple(Y.shape)": (6, 7)},
    # X.T: the same kernel sees no edge at all.
    "nb02-22": {"Y_t": [[0] * 5] * 8},
}

BOOK["03-learning-a-kernel"] = {
    # The book's loop: nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False), squared
    # error, 10 steps of gradient descent at lr 3e-2, the loss every 2 steps.
    "nb03-07": {
        "tuple(conv2d.weight.shape)": (1, 1, 1, 2),
        "conv2d.bias is None": True,
        "lr": 3e-2,
        "i + 1": 10,
        PRINTED: ["step 2, loss", "step 4, loss", "step 10, loss"],
    },
    # ... and the kernel it learns ends near [1, -1].
    "nb03-09": {"learned": Approx([[1.0, -1.0]], 0.1)},
    # The hand-written Conv2D (weight and bias) learns [1, -1] and a bias of 0.
    "nb03-13": {"learned": Approx([1.0, -1.0, 0.0], 0.02)},
    # Two 2x2 layers on a 3x3 input: the one output depends on all 9 inputs.
    "nb03-20": {"z.shape": (1, 1), PRINTED: ["z depends on 9 of the 9 inputs"]},
    "nb03-24": {
        "[row.output_size for row in table]": [(2, 2), (1, 1)],
        "table[-1].receptive_field": (3, 3),
    },
}

BOOK["04-padding"] = {
    # 32x32 through 5x5 kernels without padding: 28x28 after one, 4x4 after 7.
    "nb04-05": {PRINTED: ["32 -> 28 -> 24 -> 20 -> 16 -> 12 -> 8 -> 4"]},
    # The 3x3 input padded with one zero per side, the 2x2 kernel.
    "nb04-09": {"Y": [[0, 3, 8, 4], [9, 19, 25, 10], [21, 37, 43, 16], [6, 7, 8, 0]]},
    # comp_conv2d on 8x8: kernel_size=3, padding=1; kernel_size=(5, 3), padding=(2, 1).
    "nb04-12": {"tuple(Y.shape)": (8, 8), PRINTED: "torch.Size([8, 8])"},
    "nb04-14": {"tuple(Y.shape)": (8, 8), PRINTED: "torch.Size([8, 8])"},
}

BOOK["05-stride-and-dilation"] = {
    # 224x224 needs 55 layers of 5x5 kernels to reach 4x4.
    "nb05-05": {"(layers, size)": (55, 4)},
    # The 3x3 input, padding 1 per side, the 2x2 kernel, stride (3, 2).
    "nb05-07": {"Y": [[0, 8], [6, 8]]},
    # comp_conv2d on 8x8 with the book's three strided layers.
    "nb05-20": {
        PRINTED: [
            "Conv2d(1, 1, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)) -> "
            "torch.Size([4, 4])",
            "Conv2d(1, 1, kernel_size=(3, 5), stride=(3, 4), padding=(0, 1)) -> "
            "torch.Size([2, 2])",
            "Conv2d(1, 1, kernel_size=(3, 3), stride=(2, 2), padding=(2, 3)) -> "
            "torch.Size([5, 6])",
        ],
    },
}

BOOK["06-channels"] = {
    # corr2d_multi_in: two input channels, one output channel.
    "nb06-05": {"Y": [[56, 72], [104, 120]]},
    "nb06-07": {"Y[0, 0]": [[56, 72], [104, 120]]},
    # corr2d_multi_in_out with the kernels K, K + 1, K + 2.
    "nb06-09": {
        "tuple(K.shape)": (3, 2, 2, 2),
        "Y": [
            [[56, 72], [104, 120]],
            [[76, 100], [148, 172]],
            [[96, 128], [192, 224]],
        ],
    },
    # The 1x1 convolution as one matrix product agrees with the general code;
    # the same products added in another order differ, if only in the last digit.
    "nb06-16": {
        "float((Y1 - Y2).abs().max())": Approx(0.0, 1e-6),
        "0 < float((Y3 - Y2).abs().max()) < 1e-6": True,
    },
    # nn.Conv2d(2, 3, kernel_size=(3, 5), padding=(1, 2)) on a (4, 2, 3, 5) batch.
    "nb06-22": {
        "tuple(Y.shape)": (4, 3, 3, 5),
        "tuple(conv2d.weight.shape)": (3, 2, 3, 5),
        "tuple(conv2d.bias.shape)": (3,),
    },
}

BOOK["07-layer-cost"] = {
    # c_i = c_o = 100, k = 5, a 64x64 output: 1.024e9 multiply-adds.
    "nb07-05": {"(m_h, m_w)": (64, 64), "macs": 1_024_000_000},
    # PyTorch's counter: 2 FLOPs per multiply-add.
    "nb07-07": {"flops": 2_048_000_000},
    # 10 layers, 1M samples: about 10 PFLOP; 19 hours at 0.15 TFLOPS, 14
    # minutes at 12 TFLOPS (the notes, rounding a layer to 1e9: 18 h, 14 min).
    "nb07-09": {
        "exact": 1.024e16,
        "round(exact / 1e15)": 10,
        "exact / cpu / 3600": Approx(19, 0.5),
        "exact / gpu / 60": Approx(14, 0.5),
        "int(rounded / cpu / 3600)": 18,
        "round(rounded / gpu / 60)": 14,
    },
    # Parameters: c_i*c_o*k_h*k_w weights (+ c_o biases), whatever the image
    # size; a fully connected layer between 100x64x64 maps: c1*c2*h1*w1*h2*w2.
    "nb07-12": {
        "weights": 250_000,
        "biases": 100,
        "torch_count": 250_100,
        "fc_weights": 167_772_160_000,
    },
    # Doubling both channel counts: 4 times the multiply-adds.
    "nb07-14": {"doubled / before": 4},
}

BOOK["08-pooling"] = {
    # The book's pool2d on the 3x3 input 0..8 with a 2x2 window.
    "nb08-09": {"Y_max": [[4, 5], [7, 8]], "Y_avg": [[2, 3], [5, 6]]},
    # arange(32) as (1, 2, 4, 4): MaxPool2d(3, padding=1, stride=(2, 1)).
    "nb08-17": {
        "Y": [[[[5, 6, 7, 7], [13, 14, 15, 15]], [[21, 22, 23, 23], [29, 30, 31, 31]]]]
    },
    # AvgPool2d with the same arguments (padding counted), the first channel.
    "nb08-21": {
        "Y_avg[0, 0]": Approx([[1.1111, 2, 2.6667, 2], [5.6667, 9, 10, 7]], 1e-4)
    },
}

BOOK["09-performance"] = {
    # The book's 3x3 input and 2x2 kernel, with no loop.
    "nb09-07": {"Y": [[19, 25], [37, 43]], PRINTED: "[[19., 25.],"},
    # Two channels, the kernels K, K + 1, K + 2: one matrix product.
    "nb09-11": {
        "Y": [
            [[56, 72], [104, 120]],
            [[76, 100], [148, 172]],
            [[96, 128], [192, 224]],
        ]
    },
    # c_i = c_o = 100, a 5x5 kernel, a 64x64 output: about 1 GFLOP.
    "nb09-20": {"book_macs": 1.024e9, PRINTED: "1.024e+09 multiply-adds"},
    # 10 layers on 1M samples, forward: about 10 PFLOP; 19 hours at 0.15
    # TFLOPS, 14 minutes at 12 TFLOPS.
    "nb09-25": {"total": 1.024e16, PRINTED: ["19 h", "14.2 min"]},
}
