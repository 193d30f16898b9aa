import torch
from hypothesis import given
from hypothesis import strategies as st
from props import examples
from torch import nn

from d2lconv import one_thread
from d2lconv.receptive import receptive_field, receptive_field_table


@st.composite
def layer_specs(draw):
    """A random conv / max pool / avg pool layer: its module's keyword arguments."""

    def pair(low, high):
        return draw(st.tuples(st.integers(low, high), st.integers(low, high)))

    kind = draw(st.sampled_from(["conv", "conv", "max", "avg"]))
    spec = dict(kind=kind, kernel_size=pair(1, 4), stride=pair(1, 2))
    if kind == "conv":
        return spec | dict(padding=pair(0, 2), dilation=pair(1, 2))
    # PyTorch allows pooling padding of at most half the window.
    (kh, kw), ceil_mode = spec["kernel_size"], draw(st.booleans())
    padding = draw(st.tuples(st.integers(0, kh // 2), st.integers(0, kw // 2)))
    spec |= dict(padding=padding, ceil_mode=ceil_mode)
    if kind == "max":  # nn.AvgPool2d has no dilation
        spec["dilation"] = pair(1, 2)
    return spec


def torch_layer(spec):
    """The real PyTorch module for a spec."""
    options = {name: value for name, value in spec.items() if name != "kind"}
    if spec["kind"] == "conv":
        return nn.Conv2d(1, 1, bias=False, **options)
    return (nn.MaxPool2d if spec["kind"] == "max" else nn.AvgPool2d)(**options)


def ones_conv(spec):
    """A conv of the same geometry with all-one weights.

    Its input gradient is positive on every input the output depends on, which
    a max pool's gradient is not (it reaches only the maximum).
    """
    geometry = {name: spec[name] for name in ("kernel_size", "stride", "padding")}
    conv = nn.Conv2d(1, 1, dilation=spec.get("dilation", 1), bias=False, **geometry)
    nn.init.ones_(conv.weight)
    return conv.double()


def dependency_rows_cols(specs, size, i, j):
    """Brute force: which input rows/columns output (i, j) depends on, by autograd."""
    X = torch.rand(1, 1, *size, dtype=torch.float64, requires_grad=True)
    Y = nn.Sequential(*[ones_conv(s) for s in specs])(X)
    Y[0, 0, i, j].backward()
    nonzero = X.grad[0, 0] != 0
    rows = torch.nonzero(nonzero.any(1)).flatten().tolist()
    cols = torch.nonzero(nonzero.any(0)).flatten().tolist()
    return rows, cols, tuple(Y.shape[2:])


def window(row, i, j):
    """Input rows and columns (ends included) the table says output (i, j) sees."""
    r0, c0 = (row.start[a] + (i, j)[a] * row.jump[a] for a in (0, 1))
    (fh, fw) = row.receptive_field
    return (r0, r0 + fh - 1), (c0, c0 + fw - 1)


@examples(300)
@given(st.lists(layer_specs(), min_size=1, max_size=4))
@one_thread()  # hundreds of tiny convolutions: threads cost more than the work
def test_receptive_field_and_sizes_match_autograd_and_the_modules(specs):
    table = receptive_field_table(specs)
    last = table[-1]
    r, J, start = last.receptive_field, last.jump, last.start
    # An input large enough that some output sees a field lying wholly inside it.
    size = tuple(r[a] - start[a] + J[a] + 2 for a in (0, 1))
    i, j = (-(start[a] // J[a]) for a in (0, 1))  # ceil(-start / J)
    rows, cols, out = dependency_rows_cols(specs, size, i, j)
    assert i < out[0] and j < out[1]
    (r0, r1), (c0, c1) = window(last, i, j)
    assert r0 >= 0 and r1 < size[0] and c0 >= 0 and c1 < size[1]
    # The span of what the output depends on is exactly the receptive field
    # (dilation leaves holes inside it, the ends are exact).
    assert (rows[0], rows[-1]) == (r0, r1)
    assert (cols[0], cols[-1]) == (c0, c1)
    assert receptive_field(specs) == r

    # The corner output's field starts in the padding: what it depends on lies
    # inside the field clipped to the input (possibly nothing at all).
    rows, cols, _ = dependency_rows_cols(specs, size, 0, 0)
    (r0, r1), (c0, c1) = window(last, 0, 0)
    assert set(rows) <= set(range(max(r0, 0), r1 + 1))
    assert set(cols) <= set(range(max(c0, 0), c1 + 1))

    # The real modules give every layer's output size.
    X, sizes = torch.zeros(1, 1, *size), []
    for spec in specs:
        X = torch_layer(spec)(X)
        sizes.append(tuple(X.shape[2:]))
    assert [row.output_size for row in receptive_field_table(specs, size)] == sizes


def test_a_stack_of_convolutions_and_pools_is_read():
    specs = [
        dict(kind="conv", kernel_size=3, padding=1),
        dict(kind="max", kernel_size=2),  # a pool's stride defaults to its window
        dict(kind="conv", kernel_size=(3, 5), stride=2, padding="valid", dilation=2),
        dict(kind="avg", kernel_size=3, stride=1, padding=1),
    ]
    table = receptive_field_table(specs, 32)
    net = nn.Sequential(*(torch_layer(s) for s in specs))
    assert table[-1].output_size == tuple(net(torch.zeros(1, 1, 32, 32)).shape[2:])
    assert table[1].jump == (2, 2) and table[2].jump == (4, 4)
    # 3, +1 (pool 2x2 at jump 1), +2*2*2 (dilated 3 at jump 2), +2*4 (pool 3).
    assert table[-1].receptive_field == (3 + 1 + 8 + 8, 3 + 1 + 16 + 8)


def test_same_padding_keeps_the_size_and_starts_in_the_padding():
    (row,) = receptive_field_table([dict(kernel_size=4, padding="same")], 7)
    assert row.output_size == (7, 7)
    assert row.padding == ((1, 2), (1, 2))  # PyTorch puts the extra one after
    assert row.start == (-1, -1)
