"""Checks for the exercises of notebook 01-why-convolution."""

import math

from torch import nn

from ..i18n import N_
from ._common import Choices, as_letter, fewest_layers, first, grade, hint, verdict

BYTES = N_("that is a number of bytes; count weights (4 bytes each).")
# fmt: off
TABLE = {
    "fc_weights": {
        "right": N_("{weights:.2e} weights, {gb:.1f} GB in float32: far too many for one layer."),
        "pixels": N_("every pixel holds one value per colour channel (R, G, B)."),
        "bytes": BYTES,
        "mebi": N_("a megapixel is a million (10^6) pixels, not 2^20."),
        "otherwise": N_("every input value connects to every hidden unit."),
        "ask": N_("give a number (such as 1.5e9)")},
    "fc_weights_224": {
        "right": N_("{weights:,} weights ({mb:.0f} MB in float32), for a small image and a single layer."),
        "pixels": N_("an RGB pixel holds three values, not one."),
        "side": N_("the image has 224 x 224 pixels, not 224."),
        "bytes": BYTES,
        "otherwise": N_("every input value (pixels times colour channels) connects to every hidden unit."),
        "ask": N_("give a number (such as 1.5e8)")},
    "conv_params_224": {
        "right": N_("{params:,} parameters ({weights:,} weights and 64 biases), the same for a 224 x 224 image as for any other size."),
        "weights": N_("that counts the weights; each output channel also has a bias."),
        "one_slice": N_("each output channel has one 3 x 3 kernel per input channel (R, G and B)."),
        "one_slice_no_bias": N_("each output channel has one 3 x 3 kernel per input channel, and a bias."),
        "otherwise": N_("a kernel has one 3 x 3 slice per input channel, there is one kernel per output channel, and one bias per output channel; the image size does not enter."),
        "ask": N_("give a whole number")},
    # Exercise 3: tasks, and what a network could do when position matters.
    "position_task": {
        "tasks": {
            "a": N_("Is there a cat anywhere in this photo?"),
            "b": N_("Is this texture wood or marble?"),
            "c": N_("Is the heart on the right-hand side of this chest X-ray (a rare condition)?"),
            "d": N_("How many cars are parked in this aerial photo?")},
        "remedies": {
            "a": N_("Use larger kernels, so that each output sees more of the image at once."),
            "b": N_("Tell it where each pixel is: add input channels holding its row and column."),
            "c": N_("Nothing: a network made of convolutions can never tell where a pattern is.")},
        "ask": N_("give task as one of {tasks} (POSITION_TASKS) and remedy as one of {remedies} (POSITION_REMEDIES), got {task!r} and {remedy!r}."),
        "task": N_("in that task the answer stays the same if the whole image shifts a little: a detector that works the same everywhere is just right. Look for a task whose answer changes with where the pattern is."),
        "a": N_("a larger kernel is still the same kernel at every position: its output shifts with the image, it does not say where it is."),
        "c": N_("a network can learn from anything in its input. What if part of its input said where each pixel is?"),
        "right": N_("the answer depends on where the heart is, so the network needs the position; channels holding each pixel's row and column (as in 'CoordConv') give it, and so does a fully connected layer at the end, whose weights differ from one position to the next.")},
    # Exercise 4: what translation invariance and locality mean for audio and text.
    "audio_text": {
        "audio": {
            "a": N_("A word sounds the same at any loudness; a short stretch of sound is enough to recognise it."),
            "b": N_("A word sounds the same whenever it is spoken; a short stretch of sound is enough to recognise it."),
            "c": N_("A word sounds the same whenever it is spoken; only the whole recording can tell which word it is.")},
        "text": {
            "a": N_("A phrase means the same in any word order; its meaning comes mostly from nearby words."),
            "b": N_("A phrase means much the same wherever it stands in a sentence; every word depends equally on all the others."),
            "c": N_("A phrase means much the same wherever it stands in a sentence; its meaning comes mostly from nearby words.")},
        "ask": N_("give audio and text as letters: one of {letters} each, got {audio!r} and {text!r}."),
        "loudness": N_("audio: loudness scales the samples, it does not move them. A translation moves a pattern along the axis the kernel slides on."),
        "locality": N_("locality says that a small neighbourhood is enough to recognise a pattern; check the second half of each statement."),
        "order": N_("text: changing the word order is not a translation (it can change the meaning). A translation moves the whole phrase along the sentence."),
        "right": N_("in audio the kernel slides along time and sees tens of milliseconds; in text it slides along the words and sees a few neighbours (an n-gram).")},
    "layers_to_see_all": {
        "right": N_("{layers} layers: each one widens the field by {widen}, from 1 pixel to 1 + 2 x {layers} = {field}. Deep networks shrink the image on the way (stride, pooling) to get there much sooner."),
        "short": N_("one short: 1 + 2 x {fewer} = {short} < {size}."),
        "per_layer": N_("a stack of 3x3 layers does not add 3 pixels per layer: neighbouring windows overlap."),
        "one_per_layer": N_("the field starts at 1 pixel and grows by more than 1 per layer."),
        "otherwise": N_("a single output sees 1 pixel before the first layer, and each 3x3 layer lets it see one more pixel on every side."),
        "ask": N_("give a whole number of layers")},
}
# fmt: on
POSITION_TASKS = Choices(TABLE["position_task"]["tasks"])
POSITION_REMEDIES = Choices(TABLE["position_task"]["remedies"])
AUDIO_STATEMENTS = Choices(TABLE["audio_text"]["audio"])
TEXT_STATEMENTS = Choices(TABLE["audio_text"]["text"])


def _fc_weights(inputs, units):
    # The meta device holds shapes only: no memory for billions of weights.
    return nn.Linear(inputs, units, bias=False, device="meta").weight.numel()


def check_fc_weights(answer):
    """Weights of a fully connected layer from a 12-megapixel RGB photo to 100 units."""
    w = _fc_weights(12_000_000 * 3, 100)
    wrong = dict(pixels=12e8, bytes=4 * w, mebi=_fc_weights(12 * 2**20 * 3, 100))
    facts = dict(weights=w, gb=w * 4 / 1e9)
    return grade(answer, TABLE["fc_weights"], w, wrong, rel=1e-3, **facts)


def check_fc_weights_224(answer):
    """Weights of a fully connected layer from a 224x224 RGB image to 1000 units."""
    w = _fc_weights(224 * 224 * 3, 1000)
    wrong = dict(pixels=224 * 224 * 1000, side=224 * 3 * 1000, bytes=4 * w)
    facts = dict(weights=w, mb=w * 4 / 1e6)
    return grade(answer, TABLE["fc_weights_224"], w, wrong, rel=1e-3, **facts)


def check_conv_params_224(answer):
    """Parameters (weights and biases) of ``nn.Conv2d(3, 64, kernel_size=3)``."""
    layer = nn.Conv2d(3, 64, kernel_size=3, device="meta")
    params, weights = sum(p.numel() for p in layer.parameters()), layer.weight.numel()
    wrong = dict(weights=weights, one_slice=64 * 9 + 64, one_slice_no_bias=64 * 9)
    facts = dict(params=params, weights=weights)
    return grade(answer, TABLE["conv_params_224"], params, wrong, **facts)


def _letters(choices):
    return ", ".join(f'"{letter}"' for letter in choices)


def check_position_task(task, remedy):
    """``task``: the letter of ``POSITION_TASKS`` where position matters;
    ``remedy``: the letter of ``POSITION_REMEDIES`` that lets a network use it."""
    t = TABLE["position_task"]
    got = as_letter(task, t["tasks"]), as_letter(remedy, t["remedies"])
    if None in got:
        tasks, remedies = _letters(t["tasks"]), _letters(t["remedies"])
        return hint(t["ask"], tasks=tasks, remedies=remedies, task=task, remedy=remedy)
    return verdict(t, "task" if got[0] != "c" else None if got[1] == "b" else got[1])


def check_audio_text(audio, text):
    """``audio``, ``text``: letters of ``AUDIO_STATEMENTS`` and ``TEXT_STATEMENTS``."""
    t = TABLE["audio_text"]
    a, b = as_letter(audio, t["audio"]), as_letter(text, t["text"])
    if a is None or b is None:
        return hint(t["ask"], letters=_letters(t["audio"]), audio=audio, text=text)
    problems = dict(loudness=a == "a", locality=a == "c" or b == "b", order=b == "a")
    return verdict(t, first(problems))


def check_layers_to_see_all(answer):
    """How many 3x3 layers (stride 1) until one output sees a 224x224 image."""
    size, n = 224, fewest_layers(3, 224)
    wrong = dict(short=n - 1, per_layer=math.ceil(size / 3), one_per_layer=size)
    facts = dict(layers=n, widen=2, field=1 + 2 * n, fewer=n - 1, short=2 * n - 1)
    return grade(answer, TABLE["layers_to_see_all"], n, wrong, size=size, **facts)
