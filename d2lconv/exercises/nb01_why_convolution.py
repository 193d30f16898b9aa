"""Checks for the exercises of notebook 01-why-convolution."""

from ._common import grade_answer


def check_fc_weights(answer):
    """Weights of a fully connected layer from a 12-megapixel RGB photo to 100 units."""
    pixels, channels, units = 12_000_000, 3, 100
    weights = pixels * channels * units
    return grade_answer(
        answer,
        weights,
        right=f"{weights:.2e} weights, {weights * 4 / 1e9:.1f} GB in float32: "
        "far too many for one layer.",
        wrong=[
            (
                pixels * units,
                "every pixel holds one value per colour channel (R, G, B).",
            ),
            (weights * 4, "that is a number of bytes; count weights (4 bytes each)."),
        ],
        otherwise="every input value connects to every hidden unit.",
        ask="give a number (such as 1.5e9)",
        rel=1e-3,
    )
