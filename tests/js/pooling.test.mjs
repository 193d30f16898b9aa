// Pooling against numbers worked out by hand (the book's examples) and
// PyTorch's float32 averages, written out.
import assert from "node:assert/strict";
import test from "node:test";
import { english, explorer } from "./load.mjs";

const m = await explorer("pooling");
const tr = english(m);
const ramp = (h, w) => Array.from({ length: h }, (_, r) => Array.from({ length: w }, (_, c) => r * w + c));

function pooled(x, k, s, p, mode, ceil = false, include = true) {
  const { out } = m.poolShape(tr, [x.length, x[0].length], k, s, p, ceil);
  return m.poolChannel(x, out, k, s, p, mode, include);
}

test("the book's max pooling: 3x3 window, padding 1, stride (2, 1)", () => {
  assert.deepEqual(pooled(ramp(4, 4), [3, 3], [2, 1], [1, 1], "max"), [[5, 6, 7, 7], [13, 14, 15, 15]]);
  assert.deepEqual(pooled(ramp(3, 3), [2, 2], [1, 1], [0, 0], "max"), [[4, 5], [7, 8]]);
});

test("average pooling divides in float32, as PyTorch does", () => {
  // Window sums 10, 18, 24, 18 / 51, 81, 90, 63 over 9 cells, padding included;
  // float32(10/9) = 1.1111111640930176 (torch.tensor(10.0) / 9).
  assert.deepEqual(pooled(ramp(4, 4), [3, 3], [2, 1], [1, 1], "avg"),
    [[1.1111111640930176, 2, 2.6666667461395264, 2], [5.666666507720947, 9, 10, 7]]);
  // count_include_pad=False: the same sums over the 4, 6 or 9 input cells.
  assert.deepEqual(pooled(ramp(4, 4), [3, 3], [2, 1], [1, 1], "avg", false, false),
    [[2.5, 3, 4, 4.5], [8.5, 9, 10, 10.5]]);
});

test("ceil_mode drops a last window that would start in the padding", () => {
  // 7x7, window (4, 3), stride (3, 2), padding (2, 1): ceil(7/3) + 1 = 4 rows,
  // but the 4th would start at 9 >= n + p = 9; columns ceil(6/2) + 1 = 4.
  assert.deepEqual(pooled(ramp(7, 7), [4, 3], [3, 2], [2, 1], "max", true),
    [[8, 10, 12, 13], [29, 31, 33, 34], [43, 45, 47, 48]]);
  // A window past the end is cut at the padding: rows 4..5 of a 5-row input
  // with window 2 stride 2 (ceil) covers one row, the divisor counts it once.
  assert.deepEqual(m.poolingWindow([5, 5], [2, 2], [2, 2], [2, 2], [0, 0]),
    { rows: [4, 5], cols: [4, 5], withPad: 1, withoutPad: 1 });
});

test("impossible settings are explained in shapes.py's words", () => {
  assert.throws(() => m.poolShape(tr, [4, 4], [3, 3], [1, 1], [2, 1], false), { message:
    "padding height 2 is more than half the pooling window: padding must be <= kernel_size // 2 = 3 // 2 = 1 (PyTorch's rule for pooling), got padding=(2, 1), kernel_size=(3, 3)" });
  assert.throws(() => m.poolShape(tr, [3, 3], [4, 2], [1, 1], [0, 0], false), { message:
    "output height = floor((n + 2p - d(k-1) - 1)/s) + 1 = floor((3 + 2*0 - 1*(4-1) - 1)/1) + 1 = 0 < 1: the pooling window (kernel_size 4, effective size 4) is larger than the padded input 3 + 2*0 = 3" });
  // Rounding up, the same window fits once with stride 2.
  assert.deepEqual(m.poolShape(tr, [3, 3], [4, 2], [2, 1], [0, 0], true).out, [1, 2]);
});

test("the layer line is the nn.MaxPool2d / nn.AvgPool2d call", () => {
  assert.equal(m.pytorchLayer([3, 3], [2, 1], [1, 1], "max", false, true),
    "nn.MaxPool2d(kernel_size=3, stride=(2, 1), padding=1, ceil_mode=False)");
  assert.equal(m.pytorchLayer([2, 3], [2, 2], [0, 1], "avg", true, false),
    "nn.AvgPool2d(kernel_size=(2, 3), stride=2, padding=(0, 1), ceil_mode=True, count_include_pad=False)");
});

test("the rows and columns the floor drops are faded, padding stays hatched", () => {
  const palettes = { Blues: [["#f7fbff", "#08306b"], [false, true]] };
  const v = { mode: "max", window_h: 2, window_w: 2, stride_h: 2, stride_w: 2, padding_h: 0,
    padding_w: 0, ceil_mode: false, count_include_pad: true, cell: 0 };
  const faded = (X, o) => [...m.poolingPicture(tr, { ...v, ...o }, X, palettes).svg
    .split('aria-label="input channel 0')[1].split("</g>")[0]
    .matchAll(/<rect [^>]*data-dimmed="(\d),(\d)"/g)].map(([, r, c]) => [+r, +c]);
  // 2x2 windows every 2 on 5x5 (as test_pooling.py): row 4 and column 4 are dropped.
  const unread = m.range(25).map((n) => [Math.floor(n / 5), n % 5]).filter(([r, c]) => r === 4 || c === 4);
  assert.deepEqual(faded([ramp(5, 5)], {}), unread);
  // The book's: padded to 6 rows, the dropped row 5 is padding: hatched, not faded.
  const book = { window_h: 3, window_w: 3, stride_h: 2, stride_w: 1, padding_h: 1, padding_w: 1 };
  assert.deepEqual(faded([ramp(4, 4)], book), []);
});
