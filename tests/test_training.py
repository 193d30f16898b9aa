"""Learning the edge kernel: data, training loop, and the TrainingExplorer."""

import inspect
import json
import math
import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from svg_checks import SVG, matrix, panel, parse, texts

from d2lconv import (
    TrainingExplorer,
    draw_training,
    edge_data,
    one_thread,
    train_builtin,
    train_kernel,
    train_scratch,
)
from d2lconv.training import LEARNING_RATES, lr_limit

TARGET = torch.tensor([[1.0, -1.0]])


def test_edge_data_is_the_books_stripe_or_a_diagonal_band():
    X, Y = edge_data()
    assert X[:, 2:6].eq(0).all() and X[:, [0, 1, 6, 7]].eq(1).all()
    expected = torch.zeros(6, 7)
    expected[:, 1], expected[:, 5] = 1, -1
    assert torch.equal(Y, expected)
    X, Y = edge_data("diagonal")
    assert torch.equal(Y, F.conv2d(X[None, None], TARGET[None, None])[0, 0])
    # Every row has its edges one column further right than the row above.
    plus = [int(row.eq(1).nonzero()[0]) for row in Y if row.eq(1).any()]
    assert len(plus) > 1 and plus == list(range(plus[0], plus[0] + len(plus)))
    with pytest.raises(ValueError, match="kind must be one of .*'horizontal'"):
        edge_data("horizontal")


@pytest.mark.parametrize("init", ["random", "uniform", "zeros", "opposite"])
def test_defaults_converge_to_the_edge_kernel(init):
    # Only the random starts depend on the seed.
    for seed in range(5 if init in ("random", "uniform") else 1):
        history = train_kernel(*edge_data(), seed=seed, init=init)
        step, loss, kernel = history[-1]
        assert step == 30 and len(history) == 31
        assert (kernel - TARGET).abs().max() < 0.05
        assert loss < history[0].loss


@one_thread()
def test_printed_losses_are_those_of_the_books_loop(capsys):
    # The book's loop (notebook 3 writes it out): step i + 1 computes the loss,
    # updates, then prints that loss. train_builtin must print the same lines.
    X, Y = edge_data()
    history = train_builtin(X, Y, steps=10, lr=3e-2, seed=0, print_every=2)
    printed = capsys.readouterr().out.splitlines()
    conv2d = torch.nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
    with torch.no_grad():
        conv2d.weight.copy_(history[0].kernel.reshape(1, 1, 1, 2))
    X4, Y4 = X.reshape(1, 1, *X.shape), Y.reshape(1, 1, *Y.shape)
    expected = []
    for i in range(10):
        loss = ((conv2d(X4) - Y4) ** 2).sum()
        conv2d.zero_grad()
        loss.backward()
        with torch.no_grad():
            conv2d.weight -= 3e-2 * conv2d.weight.grad
        if (i + 1) % 2 == 0:
            expected.append(f"step {i + 1}, loss {loss.item():.3f}")
    assert printed == expected
    assert len(history) == 11 and history[-1].bias is None


def test_scratch_variant_prints_every_tenth_step(capsys):
    history = train_scratch()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        f"step {i}" for i in range(10, 101, 10)
    ]
    assert len(history) == 101 and history[-1].bias is not None


def test_lr_limit_of_the_stripe_by_hand():
    # The windows of X are (1,1) x2, (1,0), (0,1), (0,0) x3 per row, six rows,
    # so A^T A = [[18, 12], [12, 18]], eigenvalues 30 and 6; the Hessian is
    # 2 A^T A, and 2 / 60 is the largest stable learning rate. With the bias
    # column, A^T A = [[18, 12, 18], [12, 18, 18], [18, 18, 42]]; its largest
    # eigenvalue is 36 + sqrt(684) (on vectors (x, x, y)).
    X, _ = edge_data()
    assert lr_limit(X) == pytest.approx(2 / 60)
    assert lr_limit(X, bias=True) == pytest.approx(1 / (36 + math.sqrt(684)))


def descend(X, Y, starts, lr, steps):
    """Gradient descent on the summed squared error, by matrices, for many
    starts (rows K[0, 0], K[0, 1], bias) at once: the rows at the end, and the
    losses at the start and at the end."""
    columns = [X[:, :-1].flatten(), X[:, 1:].flatten(), torch.ones(Y.numel())]
    A, y = torch.stack(columns, 1).double(), Y.flatten().double()

    def loss(W):
        return ((W @ A.T - y) ** 2).sum(1)

    # A step maps the row w to w (I - 2 lr A^T A) + 2 lr y A: as one matrix
    # acting on (w, 1), so that `steps` steps are a matrix power.
    step = torch.eye(4, dtype=A.dtype)
    step[:3, :3] -= 2 * lr * A.T @ A
    step[3, :3] = 2 * lr * y @ A
    ones = torch.ones(len(starts), 1, dtype=A.dtype)
    W = (torch.cat([starts, ones], 1) @ torch.linalg.matrix_power(step, steps))[:, :3]
    return W, loss(starts), loss(W)


def test_scratch_converges_for_every_seed(report):
    # What the notebook promises a student who changes the seed (or halves
    # the rate): the loss falls at least a hundredfold and the kernel and
    # bias end at [1, -1] and 0, with the default number of steps. The 100
    # seeds' starts are train_scratch's; their descent runs at once, by
    # matrices (test_history_holds_the_gradient_of_every_step shows that
    # train_kernel takes the same steps).
    X, Y = edge_data()
    defaults = inspect.signature(train_scratch).parameters
    lr, steps = defaults["lr"].default, defaults["steps"].default
    assert lr < lr_limit(X, bias=True)
    starts = [train_scratch(steps=0, seed=seed)[0] for seed in range(100)]
    starts = torch.tensor([[*h.kernel.flatten().tolist(), h.bias] for h in starts])
    for rate in (lr, lr / 2):
        W, first, last = descend(X, Y, starts.double(), rate, steps)
        assert bool((last <= first / 100).all()), rate
        assert (W - torch.tensor([1.0, -1.0, 0.0])).abs().max() < 0.05, rate
        report(
            f"train_scratch(lr={rate:g}), seeds 0-99: worst final loss {last.max():.2e}"
        )


def test_training_is_seeded_and_leaves_the_global_generator_alone():
    X, Y = edge_data()
    state = torch.get_rng_state()
    a = train_kernel(X, Y, seed=3, steps=5)
    b = train_kernel(X, Y, seed=3, steps=5, use="Conv2D", bias=True)
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.equal(a[0].kernel, train_kernel(X, Y, seed=3, steps=0)[0].kernel)
    assert not torch.equal(a[0].kernel, train_kernel(X, Y, seed=4, steps=0)[0].kernel)
    assert b[0].bias is not None


@pytest.mark.parametrize("image", ["vertical", "diagonal"])
@pytest.mark.parametrize("bias", [False, True])
def test_learning_rate_limit_separates_convergence_from_divergence(image, bias):
    X, Y = edge_data(image)
    limit = lr_limit(X, bias)
    # A random start has a component along every eigenvector of the Hessian.
    below = train_kernel(X, Y, lr=0.95 * limit, steps=300, bias=bias)
    above = train_kernel(X, Y, lr=1.05 * limit, steps=300, bias=bias)
    assert below[-1].loss < 1e-3
    assert not above[-1].loss < above[0].loss


def test_training_rejects_bad_arguments():
    X, Y = edge_data()
    for options, words in [
        (dict(lr=-1), "lr must be a positive number, got -1"),
        (dict(steps=2.5), "steps must be an int >= 0, got 2.5"),
        (dict(init="ones"), "init must be one of ('random', 'uniform', 'zeros', "),
        (dict(use="conv"), "use must be one of ('nn.Conv2d', 'Conv2D'), got 'conv'"),
    ]:
        with pytest.raises(ValueError, match=re.escape(words)):
            train_kernel(X, Y, **options)
    with pytest.raises(ValueError, match="history must hold at least one step"):
        draw_training([], X, Y)
    with pytest.raises(ValueError, match=re.escape("init must be one of ('random',")):
        draw_training(train_kernel(X, Y, steps=0), X, Y, init="ones")


def loss_points(root):
    """The vertices of the loss curve, one per step drawn."""
    path = next(e for e in root.iter(SVG + "path") if e.get("data-series") == "loss")
    return path.get("d").count("M") + path.get("d").count("L")


def test_draw_training_shows_the_last_step_and_its_gradients():
    X, Y = edge_data()
    history = train_kernel(X, Y, lr=0.01, steps=4, bias=True, init="zeros")
    root = parse(draw_training(history, X, Y, lr=0.01).svg)
    status = next(w for w in texts(root) if w.startswith("step "))
    assert status.startswith(f"step 4/4: loss {history[-1].loss:.3g}")
    assert f"bias {history[-1].bias:.2f}" in status
    assert loss_points(root) == len(history)
    # The output panel is the layer's output at the last step (two decimals).
    last = history[-1]
    expected = F.conv2d(X[None, None], last.kernel.view(1, 1, 1, 2))[0, 0] + last.bias
    shown = matrix(panel(root, "output at step 4"))
    assert np.allclose(shown, expected.numpy(), atol=0.006)
    target = panel(root, "target Y = corr2d(X, [1, -1])")
    assert np.array_equal(matrix(target), Y.numpy())
    # From zeros the output is 0: the loss is sum Y^2 = 12 and its gradient
    # -2 sum Y x. Y is 1 on column 1 (the window's pixels there: 1, 0) and -1
    # on column 5 (0, 1): over 6 rows, d/dK = -2 * 6 * [1, -1] = [-12, 12],
    # and d/db = -2 sum Y = 0.
    root = parse(draw_training(history[:1], X, Y, steps=4, lr=0.01, init="zeros").svg)
    assert "start: K = [0.00, 0.00] (zeros: every weight 0)" in texts(root)
    status = next(w for w in texts(root) if w.startswith("step "))
    assert status.startswith(
        "step 0/4: loss 12, kernel [0.00, 0.00] (gradient [-12.00, 12.00]), "
        "bias 0.00 (gradient 0.00)   |   lr 0.01 < largest stable rate "
        "2/lambda_max = 0.0161: converges"
    )


def autograd_gradient(X, Y, kernel, bias):
    """The gradient of the summed squared error at ``kernel`` and ``bias``
    (None: no bias), by autograd on a loss written out here."""
    K = kernel.clone().reshape(1, 1, 1, 2).requires_grad_()
    b = torch.tensor(0.0 if bias is None else bias, requires_grad=True)
    loss = ((F.conv2d(X[None, None], K)[0, 0] + b - Y) ** 2).sum()
    loss.backward()
    return K.grad.reshape(1, 2), (None if bias is None else b.grad.item())


@pytest.mark.parametrize("use", ["nn.Conv2d", "Conv2D"])
@pytest.mark.parametrize("bias", [False, True])
@one_thread()
def test_history_holds_the_gradient_of_every_step(bias, use):
    # Both layers take the same steps: those of the gradient by autograd.
    X, Y = edge_data()
    lr = 0.01
    history = train_kernel(X, Y, lr=lr, steps=12, bias=bias, use=use)
    assert [h.step for h in history] == list(range(13))
    for entry, after in zip(history, history[1:] + [None], strict=True):
        grad, bias_grad = autograd_gradient(X, Y, entry.kernel, entry.bias)
        assert torch.allclose(entry.grad, grad, rtol=1e-5, atol=1e-5)
        if bias:
            assert entry.bias_grad == pytest.approx(bias_grad, rel=1e-5, abs=1e-5)
        else:
            assert entry.bias_grad is None
        if after is not None:  # the update subtracts lr times the gradient
            assert torch.allclose(after.kernel, entry.kernel - lr * entry.grad)


# ---- the explorer --------------------------------------------------------------


def test_explorer_sends_the_run_pytorch_computed():
    e = TrainingExplorer(lr=0.01, steps=20, seed=3, bias=True, image="diagonal")
    X, Y = edge_data("diagonal")
    history = train_kernel(X, Y, lr=0.01, steps=20, seed=3, bias=True)
    run = e.run
    assert (run["lr"], run["steps"], e.step) == (0.01, 20, 20)
    assert run["limit"] == lr_limit(X, bias=True)
    assert run["loss"] == [h.loss for h in history]
    assert run["kernel"] == [h.kernel.reshape(2).tolist() for h in history]
    assert run["grad"] == [h.grad.reshape(2).tolist() for h in history]
    assert run["bias"] == [h.bias for h in history]
    assert run["bias_grad"] == [h.bias_grad for h in history]
    assert run["target"] == Y.tolist()
    for h, output in zip(history, run["output"], strict=True):
        expected = F.conv2d(X[None, None], h.kernel.view(1, 1, 1, 2))[0, 0] + h.bias
        assert output == expected.tolist()  # float32, as PyTorch computed it
    assert len(e.history) == 21 and e.history[-1].loss == history[-1].loss


def test_explorer_picture_shows_the_step_on_its_slider():
    e = TrainingExplorer()
    e.step = 7
    shown = texts(parse(e.svg))
    assert "output at step 7" in shown
    (status,) = [w for w in shown if w.startswith("step 7/30: ")]
    assert status.startswith(f"step 7/30: loss {e.history[7].loss:.3g}")
    assert status.endswith(
        "lr 0.03 < largest stable rate 2/lambda_max = 0.0333: converges"
    )
    assert not [w for w in shown if "off the scale" in w]
    bundle, _ = e._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == e.model_id
    assert bundle["text/html"] == e.svg


def test_a_new_setting_trains_again_and_answers_the_page():
    e = TrainingExplorer()
    answered = e.answered
    e.bias = True
    assert e.answered == answered + 1 and e.run["bias"] is not None
    e.steps = 5
    assert e.answered == answered + 2 and len(e.run["loss"]) == 6 and e.step == 5
    X, Y = edge_data()
    assert e.run["loss"] == [h.loss for h in train_kernel(X, Y, steps=5, bias=True)]


def test_a_diverging_run_says_so_and_travels_as_json():
    e = TrainingExplorer(lr=0.1, steps=100)
    last = e.history[-1]
    assert not math.isfinite(last.loss) and len(e.history) < 101
    # Jupyter's messages are strict JSON: no NaN or Infinity. The page reads the
    # strings "NaN", "Infinity" and "-Infinity" back with Number().
    state = json.loads(json.dumps(e.get_state(), allow_nan=False))
    assert state["run"]["loss"][-1] == ("NaN" if math.isnan(last.loss) else "Infinity")
    assert state["run"]["loss"][:-1] == [h.loss for h in e.history[:-1]]
    with warnings.catch_warnings():
        # A warning would print in the explorer's output, under the picture.
        warnings.simplefilter("error")
        shown = texts(parse(e.svg))
    (status,) = [w for w in shown if w.startswith("stopped at step ")]
    assert status.startswith(f"stopped at step {last.step}: the loss overflowed")
    assert status.endswith(
        "lr 0.1 >= largest stable rate 2/lambda_max = 0.0333: diverges"
    )
    # The clipped curves say they are clipped.
    assert [w for w in shown if "off the scale" in w] == [
        "loss above 1e4 is drawn at the top: off the scale",
        "values beyond ±3 are drawn at the edge: off the scale",
    ]


@pytest.mark.parametrize(
    "settings, error, words",
    [
        (dict(lr=0.07), ValueError, "lr must be one of 0.001, 0.002"),
        (dict(steps=0), ValueError, "steps must be an int from 1 to 100, got 0"),
        (dict(steps=101), ValueError, "steps must be an int from 1 to 100, got 101"),
        (dict(steps=2.5), TypeError, "steps must be an int, got 2.5"),
        (dict(seed=21), ValueError, "seed must be an int from 0 to 20, got 21"),
        (dict(init="ones"), ValueError, "init must be one of 'random', 'uniform'"),
        (dict(bias=1), TypeError, "bias must be True or False, got 1"),
        (dict(image="horizontal"), ValueError, "image must be one of 'vertical'"),
    ],
)
def test_explorer_rejects_settings_its_controls_cannot_show(settings, error, words):
    with pytest.raises(error, match=re.escape(words)):
        TrainingExplorer(**settings)


def test_the_page_offers_the_learning_rates_python_accepts():
    listed = re.search(r"const LEARNING_RATES = \[(.*?)\];", TrainingExplorer._esm)
    assert tuple(float(r) for r in listed.group(1).split(", ")) == LEARNING_RATES
