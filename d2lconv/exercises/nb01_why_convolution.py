"""Checks for the exercises of notebook 01-why-convolution."""

import math

from torch import nn

from ..i18n import tr
from ..receptive import receptive_field
from ._common import Choices, correct, grade_answer, hint

# Exercise 3: tasks, and what a network could do when position matters.
POSITION_TASKS = Choices(
    lambda: {
        "a": tr("Is there a cat anywhere in this photo?"),
        "b": tr("Is this texture wood or marble?"),
        "c": tr(
            "Is the heart on the right-hand side of this chest X-ray (a rare "
            "condition)?"
        ),
        "d": tr("How many cars are parked in this aerial photo?"),
    }
)
POSITION_REMEDIES = Choices(
    lambda: {
        "a": tr(
            "Use larger kernels, so that each output sees more of the image at once."
        ),
        "b": tr(
            "Tell it where each pixel is: add input channels holding its row and "
            "column."
        ),
        "c": tr(
            "Nothing: a network made of convolutions can never tell where a pattern is."
        ),
    }
)

# Exercise 4: what translation invariance and locality mean for audio and text.
AUDIO_STATEMENTS = Choices(
    lambda: {
        "a": tr(
            "A word sounds the same at any loudness; a short stretch of sound is "
            "enough to recognise it."
        ),
        "b": tr(
            "A word sounds the same whenever it is spoken; a short stretch of "
            "sound is enough to recognise it."
        ),
        "c": tr(
            "A word sounds the same whenever it is spoken; only the whole "
            "recording can tell which word it is."
        ),
    }
)
TEXT_STATEMENTS = Choices(
    lambda: {
        "a": tr(
            "A phrase means the same in any word order; its meaning comes mostly "
            "from nearby words."
        ),
        "b": tr(
            "A phrase means much the same wherever it stands in a sentence; every "
            "word depends equally on all the others."
        ),
        "c": tr(
            "A phrase means much the same wherever it stands in a sentence; its "
            "meaning comes mostly from nearby words."
        ),
    }
)


def _fc_weights(pixels, channels, units):
    """Weights of ``nn.Linear`` from ``pixels * channels`` inputs to ``units``."""
    # The meta device holds shapes only: no memory for billions of weights.
    layer = nn.Linear(pixels * channels, units, bias=False, device="meta")
    return layer.weight.numel()


def check_fc_weights(answer):
    """Weights of a fully connected layer from a 12-megapixel RGB photo to 100 units."""
    pixels, channels, units = 12_000_000, 3, 100
    weights = _fc_weights(pixels, channels, units)
    return grade_answer(
        answer,
        weights,
        right=tr(
            "{weights:.2e} weights, {gb:.1f} GB in float32: far too many for one "
            "layer.",
            weights=weights,
            gb=weights * 4 / 1e9,
        ),
        wrong=[
            (
                pixels * units,
                tr("every pixel holds one value per colour channel (R, G, B)."),
            ),
            (
                weights * 4,
                tr("that is a number of bytes; count weights (4 bytes each)."),
            ),
        ],
        otherwise=tr("every input value connects to every hidden unit."),
        ask=tr("give a number (such as 1.5e9)"),
        rel=1e-3,
    )


def check_fc_weights_224(answer):
    """Weights of a fully connected layer from a 224x224 RGB image to 1000 units."""
    side, channels, units = 224, 3, 1000
    weights = _fc_weights(side * side, channels, units)
    return grade_answer(
        answer,
        weights,
        right=tr(
            "{weights:,} weights ({mb:.0f} MB in float32), for a small image and "
            "a single layer.",
            weights=weights,
            mb=weights * 4 / 1e6,
        ),
        wrong=[
            (side * side * units, tr("an RGB pixel holds three values, not one.")),
            (side * channels * units, tr("the image has 224 x 224 pixels, not 224.")),
            (
                weights * 4,
                tr("that is a number of bytes; count weights (4 bytes each)."),
            ),
        ],
        otherwise=tr(
            "every input value (pixels times colour channels) connects to every "
            "hidden unit."
        ),
        ask=tr("give a number (such as 1.5e8)"),
        rel=1e-3,
    )


def check_conv_params_224(answer):
    """Parameters (weights and biases) of ``nn.Conv2d(3, 64, kernel_size=3)``."""
    layer = nn.Conv2d(3, 64, kernel_size=3, device="meta")
    params = sum(p.numel() for p in layer.parameters())
    weights = layer.weight.numel()
    return grade_answer(
        answer,
        params,
        right=tr(
            "{params:,} parameters ({weights:,} weights and 64 biases), the same "
            "for a 224 x 224 image as for any other size.",
            params=params,
            weights=weights,
        ),
        wrong=[
            (
                weights,
                tr("that counts the weights; each output channel also has a bias."),
            ),
            (
                64 * 3 * 3 + 64,
                tr(
                    "each output channel has one 3 x 3 kernel per input channel "
                    "(R, G and B)."
                ),
            ),
            (
                64 * 3 * 3,
                tr(
                    "each output channel has one 3 x 3 kernel per input channel, "
                    "and a bias."
                ),
            ),
        ],
        otherwise=tr(
            "a kernel has one 3 x 3 slice per input channel, there is one kernel "
            "per output channel, and one bias per output channel; the image size "
            "does not enter."
        ),
        ask=tr("give a whole number"),
    )


def _letter(choices):
    """A reader for ``grade_answer``: the answer as one of ``choices``' letters."""

    def read(answer):
        if isinstance(answer, str) and answer.strip().lower() in choices:
            return answer.strip().lower()
        return None

    return read


def _letters(choices):
    return ", ".join(f'"{letter}"' for letter in choices)


def check_position_task(task, remedy):
    """``task``: the letter of ``POSITION_TASKS`` where position matters;
    ``remedy``: the letter of ``POSITION_REMEDIES`` that lets a network use it."""
    read_task, read_remedy = _letter(POSITION_TASKS), _letter(POSITION_REMEDIES)
    if read_task(task) is None or read_remedy(remedy) is None:
        return hint(
            tr(
                "give task as one of {tasks} (POSITION_TASKS) and remedy as one "
                "of {remedies} (POSITION_REMEDIES), got {task!r} and {remedy!r}.",
                tasks=_letters(POSITION_TASKS),
                remedies=_letters(POSITION_REMEDIES),
                task=task,
                remedy=remedy,
            )
        )
    task, remedy = read_task(task), read_remedy(remedy)
    if task != "c":
        return hint(
            tr(
                "in that task the answer stays the same if the whole image shifts "
                "a little: a detector that works the same everywhere is just "
                "right. Look for a task whose answer changes with where the "
                "pattern is."
            )
        )
    if remedy == "a":
        return hint(
            tr(
                "a larger kernel is still the same kernel at every position: its "
                "output shifts with the image, it does not say where it is."
            )
        )
    if remedy == "c":
        return hint(
            tr(
                "a network can learn from anything in its input. What if part of "
                "its input said where each pixel is?"
            )
        )
    return correct(
        tr(
            "the answer depends on where the heart is, so the network needs the "
            "position; channels holding each pixel's row and column (as in "
            "'CoordConv') give it, and so does a fully connected layer at the "
            "end, whose weights differ from one position to the next."
        )
    )


def check_audio_text(audio, text):
    """``audio``, ``text``: letters of ``AUDIO_STATEMENTS`` and ``TEXT_STATEMENTS``."""
    read_audio, read_text = _letter(AUDIO_STATEMENTS), _letter(TEXT_STATEMENTS)
    if read_audio(audio) is None or read_text(text) is None:
        return hint(
            tr(
                "give audio and text as letters: one of {letters} each, got "
                "{audio!r} and {text!r}.",
                letters=_letters(AUDIO_STATEMENTS),
                audio=audio,
                text=text,
            )
        )
    audio, text = read_audio(audio), read_text(text)
    if audio == "a":
        return hint(
            tr(
                "audio: loudness scales the samples, it does not move them. A "
                "translation moves a pattern along the axis the kernel slides on."
            )
        )
    if audio == "c" or text == "b":
        return hint(
            tr(
                "locality says that a small neighbourhood is enough to recognise "
                "a pattern; check the second half of each statement."
            )
        )
    if text == "a":
        return hint(
            tr(
                "text: changing the word order is not a translation (it can "
                "change the meaning). A translation moves the whole phrase along "
                "the sentence."
            )
        )
    return correct(
        tr(
            "in audio the kernel slides along time and sees tens of milliseconds; "
            "in text it slides along the words and sees a few neighbours (an "
            "n-gram)."
        )
    )


def check_layers_to_see_all(answer):
    """How many 3x3 layers (stride 1) until one output sees a 224x224 image."""
    size, kernel = 224, 3
    layers = next(
        n
        for n in range(1, size + 1)
        if receptive_field([{"kernel_size": kernel}] * n)[0] >= size
    )
    return grade_answer(
        answer,
        layers,
        right=tr(
            "{layers} layers: each one widens the field by {widen}, from 1 pixel "
            "to 1 + 2 x {layers} = {field}. Deep networks shrink the image on the "
            "way (stride, pooling) to get there much sooner.",
            layers=layers,
            widen=kernel - 1,
            field=1 + 2 * layers,
        ),
        wrong=[
            (
                layers - 1,
                tr(
                    "one short: 1 + 2 x {fewer} = {field} < {size}.",
                    fewer=layers - 1,
                    field=2 * layers - 1,
                    size=size,
                ),
            ),
            (
                math.ceil(size / kernel),
                tr(
                    "a stack of 3x3 layers does not add 3 pixels per layer: "
                    "neighbouring windows overlap."
                ),
            ),
            (
                size,
                tr("the field starts at 1 pixel and grows by more than 1 per layer."),
            ),
        ],
        otherwise=tr(
            "a single output sees 1 pixel before the first layer, and each 3x3 "
            "layer lets it see one more pixel on every side."
        ),
        ask=tr("give a whole number of layers"),
    )
