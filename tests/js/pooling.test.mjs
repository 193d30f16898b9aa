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

test("ceil_mode drops a last window that would start past the input", () => {
  // 7x7, window (4, 3), stride (3, 2), padding (2, 1): ceil(7/3) + 1 = 4 rows,
  // but the 4th would start at 9 >= n + p = 9; columns ceil(6/2) + 1 = 4.
  assert.deepEqual(pooled(ramp(7, 7), [4, 3], [3, 2], [2, 1], "max", true),
    [[8, 10, 12, 13], [29, 31, 33, 34], [43, 45, 47, 48]]);
  assert.deepEqual(m.poolShape(tr, [7, 7], [4, 3], [3, 2], [2, 1], true).formulas, [
    "h: ceil((7 + 2*2 - 4)/3) + 1 = 4 - 1 (the last window would start past the input) = 3",
    "w: ceil((7 + 2*1 - 3)/2) + 1 = 4"]);
  // A window past the end is cut at the padding: rows 4..5 of a 5-row input
  // with window 2 stride 2 (ceil) covers one row, the divisor counts it once.
  assert.deepEqual(m.poolingWindow([5, 5], [2, 2], [2, 2], [2, 2], [0, 0]),
    { rows: [4, 5], cols: [4, 5], withPad: 1, withoutPad: 1 });
});

test("impossible settings are explained in shapes.py's words", () => {
  assert.throws(() => m.poolShape(tr, [4, 4], [3, 3], [1, 1], [2, 1], false), { message: "No pooling for these settings.\n" +
    "padding height 2 is more than half the pooling window: padding must be <= kernel_size // 2 = 3 // 2 = 1 (PyTorch's rule for pooling), got padding=(2, 1), kernel_size=(3, 3)" });
  assert.throws(() => m.poolShape(tr, [3, 3], [4, 2], [1, 1], [0, 0], false), { message: "No pooling for these settings.\n" +
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

// The picture of X with 2x2 windows every 2 unless `o` says otherwise.
const picture = (X, o) => m.poolingPicture(tr, { mode: "max", window_h: 2, window_w: 2, stride_h: 2,
  stride_w: 2, padding_h: 0, padding_w: 0, ceil_mode: false, count_include_pad: true, cell: 0, ...o },
  X, { Blues: [["#f7fbff", "#08306b"], [false, true]] }).svg;
// The faded cells [row, column] of the padded input of channel 0, row by row.
const faded = (X, o) => [...picture(X, o).split('aria-label="input channel 0')[1].split("</g>")[0]
  .matchAll(/<rect [^>]*data-dimmed="(\d+),(\d+)"/g)].map(([, r, c]) => [+r, +c]);
const cells = (h, w, f) => m.range(h * w).map((n) => [Math.floor(n / w), n % w]).filter(([r, c]) => f(r, c));

test("the rows and columns the floor drops are faded, padding stays hatched", () => {
  // 2x2 windows every 2 on 5x5 (as test_pooling.py): row 4 and column 4 are dropped.
  assert.deepEqual(faded([ramp(5, 5)], {}), cells(5, 5, (r, c) => r === 4 || c === 4));
  // The book's: padded to 6 rows, the dropped row 5 is padding: hatched, not faded.
  const book = { window_h: 3, window_w: 3, stride_h: 2, stride_w: 1, padding_h: 1, padding_w: 1 };
  assert.deepEqual(faded([ramp(4, 4)], book), []);
});

test("the rows and columns a stride larger than the window steps over are faded and named", () => {
  // 1x1 windows every 3 on 5x5 read rows and columns 0 and 3 (as test_pooling.py):
  // 1 and 2 are stepped over, 4 is dropped; only the four cells read stay unfaded.
  const every3 = { window_h: 1, window_w: 1, stride_h: 3, stride_w: 3 };
  assert.deepEqual(faded([ramp(5, 5)], every3), cells(5, 5, (r, c) => ![0, 3].includes(r) || ![0, 3].includes(c)));
  assert.match(picture([ramp(5, 5)], every3), />skipped by every window \(faded\): rows 1, 2; columns 1, 2</);
  // Windows 3 wide every 4 over padding 1 read padded columns 0-2, 4-6, 8-10: input
  // columns 2 and 6 (padded 3, 7) are stepped over; padding columns 0 and 10 stay hatched.
  const wide = { window_h: 1, window_w: 3, stride_h: 3, stride_w: 4, padding_w: 1 };
  assert.deepEqual(faded([ramp(5, 9)], wide),
    cells(5, 11, (r, c) => c > 0 && c < 10 && ([1, 2, 4].includes(r) || [3, 7].includes(c))));
  assert.match(picture([ramp(5, 9)], wide), />skipped by every window \(faded\): rows 1, 2; columns 2, 6</);
});

test("ceil_mode: the dropped window's rows are named, each axis on a line, in a lesson's column", () => {
  // 1x1 windows every 3 on 5x5: ceil(4/3) + 1 = 3, the 3rd would start at 6 >= 5.
  const svg = picture([ramp(5, 5)], { window_h: 1, window_w: 1, stride_h: 3, stride_w: 3, ceil_mode: true });
  const note = "ceil((5 + 2*0 - 1)/3) + 1 = 3 - 1 (the last window would start past the input) = 2";
  assert.match(svg, new RegExp(`>output size \\(p = padding per side; the book's total padding is 2p\\):</text>\n` +
    `<text [^>]*>  h: ${note.replace(/[()*+]/g, "\\$&")}</text>\n<text [^>]*>  w: `));
  assert.match(svg, />1 row at the bottom and 1 column at the right unread \(tinted purple\): no window may start past the input</);
  assert.ok(Number(svg.match(/width="(\d+)"/)[1]) <= 800);
  // Tinted under the numbers, the corner once: the columns' tint stops above the rows'.
  assert.ok(svg.indexOf("data-dropped") < svg.indexOf("data-cell"));
  assert.match(svg, /height="112" [^>]*data-dropped="1 columns"/);  // 4 rows of 28 px
});

test("the padded input is numbered from minus the padding, as the sweep's", () => {
  // 2x2 windows every 3 over padding 1: the caption's "rows 1" is the row numbered 1.
  const svg = picture([ramp(5, 5)], { stride_h: 3, stride_w: 3, padding_h: 1, padding_w: 1 });
  const small = [...svg.split('aria-label="input channel 0')[1].split("</g>")[0]
    .matchAll(/font-size="10"[^>]*>(-?\d+)</g)].map(([, x]) => x);
  assert.deepEqual(small, [...m.range(7), ...m.range(7)].map((x) => String(x - 1)));
  assert.match(svg, />skipped by every window \(faded\): rows 1; columns 1</);
});
