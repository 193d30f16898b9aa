// The sweep's arithmetic against numbers worked out by hand (the book's).
import assert from "node:assert/strict";
import test from "node:test";
import { english, explorer } from "./load.mjs";

const m = await explorer("sweep");
const tr = english(m);
const settings = (o) => ({ input_h: 3, input_w: 3, kernel_h: 2, kernel_w: 2, padding_h: 0,
  padding_w: 0, stride_h: 1, stride_w: 1, dilation: 1, values: "ramp", kernel: "ramp",
  flip: false, step: 0, topics: [], ...o });

function output(o) {
  const v = settings(o);
  const g = m.geometry(tr, v);
  const X = m.inputValues(v.values, v.input_h, v.input_w, null);
  const K = m.kernelValues(v.kernel, v.kernel_h, v.kernel_w, null);
  return m.correlate(X, v.flip ? m.flip(K) : K, g).Y;
}

test("the book's cross-correlation, padding and stride examples", () => {
  assert.deepEqual(output({}), [[19, 25], [37, 43]]);
  assert.deepEqual(output({ padding_h: 1, padding_w: 1 }),
    [[0, 3, 8, 4], [9, 19, 25, 10], [21, 37, 43, 16], [6, 7, 8, 0]]);
  assert.deepEqual(output({ padding_h: 1, padding_w: 1, stride_h: 3, stride_w: 2 }),
    [[0, 8], [6, 8]]);
});

test("the edge detector finds the stripe's two edges", () => {
  const Y = output({ values: "edge", input_h: 6, input_w: 8, kernel: "edge", kernel_h: 1, kernel_w: 2 });
  for (const line of Y) assert.deepEqual(line, [0, 1, 0, 0, 0, -1, 0]);
});

test("sizes follow floor((n + 2p - d(k-1) - 1)/s) + 1", () => {
  const g = m.geometry(tr, settings({ input_h: 7, input_w: 7, stride_h: 2, stride_w: 3 }));
  assert.deepEqual(g.axes.map((a) => a.out), [3, 2]);
  assert.deepEqual(g.dropped, [1, 2]);
  // Windows of 2 every 3 columns read 0, 1, 3, 4: no window reads column 2.
  assert.deepEqual(g.skipped, [[], [2]]);
  // Faded: the cells no window reads, column 2 and the dropped row 6 and columns 5, 6.
  const strided = m.sweepPicture(tr, settings({ input_h: 7, input_w: 7, stride_h: 2, stride_w: 3 }),
    { x: null, k: null }, palettes).svg.split('aria-label="input 7x7"')[1].split("</g>")[0];
  const faded = [...strided.matchAll(/<rect [^>]*data-dimmed="(\d),(\d)"/g)].map(([, r, c]) => [+r, +c]);
  const unread = m.range(49).map((n) => [Math.floor(n / 7), n % 7]).filter(([r, c]) => r === 6 || [2, 5, 6].includes(c));
  assert.deepEqual(faded, unread);
  // Padding 2, a 1x1 kernel every 2 on 3x3: input row and column 1 only, never the padding's.
  const p = m.geometry(tr, settings({ kernel_h: 1, kernel_w: 1, padding_h: 2, padding_w: 2, stride_h: 2,
    stride_w: 2 }));
  assert.deepEqual(p.skipped, [[1], [1]]);
  // Notebook 5: a 1x1 kernel every (3, 4) on 7x9 reads rows 0, 3, 6 and columns 0, 4, 8 only.
  const svg = m.sweepPicture(tr, settings({ input_h: 7, input_w: 9, kernel_h: 1, kernel_w: 1, stride_h: 3,
    stride_w: 4 }), { x: null, k: null }, palettes).svg;
  assert.match(svg, />skipped by every window \(faded\): rows 1, 2, 4, 5; columns 1, 2, 3, 5, 6, 7</);
  const input = svg.split('aria-label="input 7x9"')[1].split("</g>")[0];
  assert.equal(input.match(/data-dimmed=/g).length, 7 * 9 - 3 * 3);  // all but the 3x3 cells read
  const d = m.geometry(tr, settings({ input_h: 5, input_w: 5, dilation: 2 }));
  assert.deepEqual(d.axes.map((a) => a.out), [3, 3]);
});

test("an empty output is explained with the formula, not drawn", () => {
  // With neither padding, stride nor dilation: the formula of notebook 2.
  assert.throws(() => m.geometry(tr, settings({ kernel_h: 4 })),
    { message: "output height = n - k + 1 = 3 - 4 + 1 = 0 < 1: kernel_size 4 is larger than the input 3" });
  assert.throws(() => m.geometry(tr, settings({ kernel_w: 6, padding_w: 1 })),
    { message: "output width = floor((n + 2p - d(k-1) - 1)/s) + 1 = floor((3 + 2*1 - 1*(6-1) - 1)/1) + 1 = 0 < 1: kernel_size 6 (effective size d(k-1) + 1 = 6) is larger than the padded input 3 + 2*1 = 5" });
});

test("the nn.Conv2d line names the arguments of the topics taught", () => {
  const g = m.geometry(tr, settings({ padding_h: 1, padding_w: 1 }));
  assert.equal(m.conv2dCall(g, []), "nn.Conv2d(1, 1, kernel_size=2, bias=False)  # (1, 1, 3, 3) -> (1, 1, 4, 4)");
  assert.equal(m.conv2dCall(g, ["padding"]), "nn.Conv2d(1, 1, kernel_size=2, padding=1, bias=False)  # (1, 1, 3, 3) -> (1, 1, 4, 4)");
});

const palettes = { Blues: [["#f7fbff", "#08306b"], [false, true]], PuOr_r: [["#2d004b", "#7f3b08"], [true, true]],
  RdBu_r: [["#2166ac", "#f7f7f7", "#b2182b"], [true, false, true]] };

test("true convolution says nn.Conv2d does not flip, under the PyTorch line", () => {
  const svg = (flip) => m.sweepPicture(tr, settings({ flip }), { x: null, k: null }, palettes).svg;
  assert.match(svg(true), /PyTorch: nn\.Conv2d\([^<]*<\/text>\n<text[^>]*># its weight is the flipped kernel: nn\.Conv2d does not flip</);
  assert.doesNotMatch(svg(false), /does not flip/);
});

test("at the largest sizes the input's column numbers stay apart", () => {
  const v = settings({ input_h: 16, input_w: 16, kernel_h: 7, kernel_w: 7, padding_h: 4, padding_w: 4 });
  const svg = m.sweepPicture(tr, v, { x: null, k: null }, palettes).svg;
  const above = /<text x="([\d.]+)" y="[\d.]+" font-size="([\d.]+)" text-anchor="middle" fill="#666666">(-?\d+)</g;
  const shown = [...svg.matchAll(above)].map(([, x, size, t]) => ({ x: Number(x), size: Number(size), t }));
  assert.deepEqual(shown.map((c) => c.t), Array.from({ length: 24 }, (_, c) => String(c - 4)));
  // DejaVu Sans draws a digit 0.64 em wide: 2 px or more between neighbours.
  const half = (c) => (0.64 * c.size * c.t.length) / 2;
  for (let c = 1; c < shown.length; c++) assert.ok(shown[c].x - shown[c - 1].x - half(shown[c]) - half(shown[c - 1]) >= 2);
});

test("at the largest sizes every number is 8 px or more and clear of its neighbours", () => {
  const v = settings({ input_h: 16, input_w: 16, kernel_h: 7, kernel_w: 7, padding_h: 4, padding_w: 4, step: 323 });
  const panels = m.sweepPicture(tr, v, { x: null, k: null }, palettes).svg.split("<g ").slice(1);
  const number = /<text x="([\d.]+)" y="[\d.]+" font-size="([\d.]+)"[^>]* data-cell="(\d+),(\d+)">([^<]+)</g;
  for (const group of panels) {
    const shown = new Map([...group.matchAll(number)].map(([, x, size, r, c, t]) => [`${r},${c}`,
      { x: Number(x), size: Number(size), c: Number(c), r, t }]));
    for (const n of shown.values()) {
      assert.ok(n.size >= 8, `${n.t} at ${n.size} px`);
      const next = shown.get(`${n.r},${n.c + 1}`), half = (q) => (0.64 * q.size * q.t.length) / 2;
      if (next) assert.ok(next.x - n.x - half(n) - half(next) >= 1, `${n.t} runs into ${next.t}`);
    }
  }
  assert.equal(panels.length, 5);
  assert.match(panels[3], />-?\d{6}</);  // the output's 6-digit numbers
});

test("a setting off its default gets its formula even without its sliders", () => {
  const svg = m.sweepPicture(tr, settings({ padding_h: 2 }), { x: null, k: null }, palettes).svg;
  assert.match(svg, /height: n \+ 2p - k \+ 1 = 3 \+ 2\*2 - 2 \+ 1 = 6/);
  assert.doesNotMatch(svg, /= 3 - 2 \+ 1 = 6/);
});
