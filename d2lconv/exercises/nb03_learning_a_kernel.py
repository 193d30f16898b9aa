"""Checks for the exercises of notebook 03-learning-a-kernel."""

import torch

from ..i18n import N_
from ..training import edge_image, lr_limit
from . import _common as c

# The training explorer task: the diagonal image, no bias, this learning rate.
TRAINING_TASK_LR = 0.03
OUTCOMES = ("converges", "diverges")
# The same answers in Chinese, for the Chinese edition.
CHINESE_OUTCOMES = {"收敛": "converges", "发散": "diverges"}

# fmt: off
TABLE = {
    "training_prediction": {
        "right_converges": N_("{lr} is below the diagonal image's stable limit 2 / lambda_max = {limit:.4f}: every step shrinks the error in every direction."),
        "right_diverges": N_("the diagonal image's stable limit is 2 / lambda_max = {limit:.4f}, below {lr}: every step overshoots along the steepest direction by more than it was off, and the loss blows up. The kernel [1, -1] still fits the image exactly: lower the rate and it is found."),
        "other": N_("the largest stable rate, 2 / lambda_max, depends on the image. Does the diagonal image have more or fewer bright pixels in the windows than the stripe, and does that make the loss steeper (a larger lambda_max) or flatter? Section 3.5 (optional) computes the limit with stable_limit(...)."),
        "ask": N_("answer {converges!r} or {diverges!r}")},
    "stack_field": {
        "right": N_("{field}: the field starts at 1 pixel and each {k}x{k} layer adds k - 1 = {added}, so 1 + {count} x {added} = {field}."),
        "k_each": N_("the windows of neighbouring outputs overlap: each layer adds fewer than k new pixels."),
        "from_0": N_("before the first layer an output sees 1 pixel, not 0."),
        "plus_k": N_("each layer adds k - 1 pixels, not k."),
        "one": N_("that is one layer's field; the second layer sees several of them."),
        "otherwise": N_("one layer sees k pixels per axis; what does each further layer add?"),
        "ask": N_("give a whole number (rows of the field)")},
    "receptive_field_size": {
        "sum": N_("neighbouring windows overlap: a layer adds k - 1 rows, not k."),
        "from_0": N_("before the first layer an output sees 1 row."),
        "max": N_("the layers add up: each one widens what the next sees."),
        "two_each": N_("a layer adds k - 1 rows: 2 for a 3x3 kernel, but not for other sizes."),
        "right": N_("1 + sum(k - 1): each layer adds k - 1 rows and columns (with stride 1; notebook 5 adds stride and dilation)."),
        "otherwise": N_("your answer is {got!r}. Start from 1 row and add what each layer adds.")},
    "kernel_gradient": {
        "half": N_("you are off by a factor 2: the derivative of z^2 is 2z."),
        "sign": N_("the sign is flipped: the error is (prediction - target)."),
        "no_bias": N_("the prediction includes the bias: the error is corr2d(X, K) + b - Y."),
        "mean": N_("L is a sum over the outputs, not a mean: do not divide by their number."),
        "right": N_("the gradient of a cross-correlation with respect to its kernel is itself a cross-correlation: of X with the output's gradient."),
        "otherwise": N_("each weight K[a, b] multiplies the inputs X[i + a, j + b]; the gradient sums those inputs weighted by the error at (i, j)."),
        "shape": N_("dL/dK has one entry per kernel weight: shape {want}, got {got}.")},
}
# fmt: on


def _outcome(answer):
    """``"converges"`` or ``"diverges"`` (or a word like them), else ``None``."""
    word = answer.strip().lower() if isinstance(answer, str) else None
    for outcome in OUTCOMES:
        like = (outcome, outcome[:-1], outcome[:-1] + "d", outcome[:-1] + "nce")
        if word in like or CHINESE_OUTCOMES.get(word) == outcome:
            return outcome
    return None


def check_training_prediction(answer):
    """Does 1x2-kernel training converge on the diagonal image at lr 0.03, no bias?"""
    lr, limit = TRAINING_TASK_LR, lr_limit(edge_image("diagonal"), bias=False)
    want, other = OUTCOMES if lr < limit else OUTCOMES[::-1]
    t = TABLE["training_prediction"]
    entry, (converges, diverges) = dict(t, right=t["right_" + want]), OUTCOMES
    facts = dict(lr=lr, limit=limit, converges=converges, diverges=diverges)
    return c.grade(answer, entry, want, dict(other=other), read=_outcome, **facts)


def check_stack_field(answer):
    """Receptive field (rows) of four 5x5 layers, stride 1."""
    count, k = 4, 5  # the stack explorer's task
    wrong = dict(k_each=count * k, from_0=count * (k - 1), plus_k=1 + count * k, one=k)
    facts = dict(field=c.field([k] * count), k=k, added=k - 1, count=count)
    return c.grade(answer, TABLE["stack_field"], facts["field"], wrong, **facts)


def check_receptive_field_size(receptive_field_size):
    """``receptive_field_size(kernel_sizes)`` -> rows seen by one output of the stack
    (a square kernel size per layer, first layer first; stride 1, no dilation)."""

    def mistakes(want, sizes):
        wrong = dict(sum=sum(sizes), from_0=sum(k - 1 for k in sizes), max=max(sizes))
        # Notebook 1's 3x3 rule, 2 rows per layer, for every k.
        two = c.any_of(1 + 2 * len(sizes), sizes[0] + 2 * (len(sizes) - 1))
        return wrong | dict(two_each=two)

    # Each mistake is first wrong where its answer is no other's.
    stacks = [[3], [3, 3], [3, 5, 3], [2, 2], [7, 1, 3, 2], [1], [4] * 6]
    calls, entry = [(sizes,) for sizes in stacks], TABLE["receptive_field_size"]
    fn, where = receptive_field_size, "kernel_sizes"
    return c.grade_calls(fn, entry, calls, c.field, mistakes, where)


def _kernel_gradient(X, Y, K, b):
    K = K.clone().requires_grad_(True)
    return torch.autograd.grad(((c.xcorr(X, K) + b - Y) ** 2).sum(), K)[0]


def check_kernel_gradient(kernel_gradient):
    """``kernel_gradient(X, Y, K, b)`` -> dL/dK for L = sum((corr2d(X, K) + b - Y)**2).
    2-D ``X``, ``Y``, ``K``; ``b`` of shape (1,); autograd or a formula by hand."""
    normal, calls = c.random_normal(1), []
    for (h, w), (k_h, k_w) in [((6, 8), (1, 2)), ((5, 5), (2, 3)), ((4, 7), (3, 1))]:
        X, K, b = normal(h, w), normal(k_h, k_w), normal(1)
        calls.append((X, normal(h - k_h + 1, w - k_w + 1), K, b))

    def mistakes(want, X, Y, K, b):
        no_bias = _kernel_gradient(X, Y, K, 0 * b)
        return dict(half=want / 2, sign=-want, no_bias=no_bias, mean=want / Y.numel())

    entry, where = TABLE["kernel_gradient"], c.case(x=0, k=2)
    return c.grade_calls(
        kernel_gradient, entry, calls, _kernel_gradient, mistakes, where
    )
