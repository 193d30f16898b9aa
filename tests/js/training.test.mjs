// The training page's numbers and words against values worked out by hand.
import assert from "node:assert/strict";
import test from "node:test";
import { english, explorer } from "./load.mjs";

const m = await explorer("training");
const tr = english(m);
// A run as Python sends it (non-finite numbers as strings), a step or three.
const run = (o) => m.decode({ lr: 0.03, steps: 30, limit: 2 / 60, bias: null, bias_grad: null,
  target: [[0, 1, -1]], ...o });

test("fmt2 writes two decimals as Python's f'{x:.2f}', out-of-range values as >99", () => {
  const cases = [[0.125, "0.12"], [0.375, "0.38"], [-0.001, "0.00"], [-0.005, "-0.01"],
    [99.994, "99.99"], [100, ">99"], [-250, "<-99"], [Infinity, ">99"], [NaN, "nan"], [1, "1.00"]];
  for (const [x, python] of cases) assert.equal(m.fmt2(x), python, `${x}`);
});

test("a run's non-finite numbers arrive as strings and are read back, its texts kept", () => {
  const start = "start: K = [0.00, 0.00] (zeros: every weight 0)";  // a text stays one
  const r = m.decode({ loss: [1.5, "Infinity", "NaN"], kernel: [[1, "-Infinity"]], bias: null, start });
  assert.equal(r.start, start);
  assert.deepEqual(r.loss, [1.5, Infinity, NaN]);
  assert.deepEqual(r.kernel, [[1, -Infinity]]);
  assert.equal(r.bias, null);
});

test("the status line of the stripe at the edge detector: no loss, no gradient", () => {
  // The stripe's limit is 2 / 60 (its Hessian's largest eigenvalue is 60).
  const r = run({ loss: [0], kernel: [[1, -1]], grad: [[0, 0]] });
  assert.deepEqual(m.statusText(tr, r, 0), ["step 0/30: loss 0, kernel [1.00, -1.00] (gradient [0.00, 0.00])",
    "lr 0.03 < largest stable rate 2/lambda_max = 0.0333: converges"]);
});

test("from a zero kernel and bias the gradient is -2 sum Y x", () => {
  // The stripe from zeros: loss sum Y^2 = 12, gradient [-12, 12] and 0 for the bias.
  const r = run({ lr: 0.01, limit: 1 / (36 + Math.sqrt(684)), loss: [12], kernel: [[0, 0]],
    grad: [[-12, 12]], bias: [0], bias_grad: [0] });
  assert.deepEqual(m.statusText(tr, r, 0), ["step 0/30: loss 12, kernel [0.00, 0.00] " +
    "(gradient [-12.00, 12.00]), bias 0.00 (gradient 0.00)", "lr 0.01 < largest stable rate 2/lambda_max = 0.0161: converges"]);
});

test("a run that overflows says where it stopped, without a gradient", () => {
  const r = run({ lr: 0.1, loss: [3.5, "Infinity"], kernel: [[0.5, 0.25], [1e20, "-Infinity"]],
    grad: [[1, 2], ["NaN", "NaN"]] });
  const diverges = "lr 0.1 >= largest stable rate 2/lambda_max = 0.0333: diverges";
  assert.deepEqual(m.statusText(tr, r, 0), ["step 0/30: loss 3.5, kernel [0.50, 0.25] (gradient [1.00, 2.00])", diverges]);
  assert.deepEqual(m.statusText(tr, r, 1), ["stopped at step 1: the loss overflowed, kernel [>99, <-99]", diverges]);
});

test("the loss is written with 3 significant digits, as Python's .3g", () => {
  const r = run({ loss: [0.000123456, 12345.6], kernel: [[0, 0], [0, 0]], grad: [[0, 0], [0, 0]] });
  assert.match(m.statusText(tr, r, 0)[0], /^step 0\/30: loss 0\.000123, /);
  assert.match(m.statusText(tr, r, 1)[0], /^step 1\/30: loss 1\.23e\+04, /);
});

test("the picture at step t shows the output of step t and the loss up to t", () => {
  const palettes = { RdBu_r: [["#2166ac", "#f7f7f7", "#b2182b"], [true, false, true]] };
  const r = run({ loss: [4, 1, 0.25], kernel: [[0, 0], [0.5, -0.5], [0.75, -0.75]],
    grad: [[-4, 4], [-2, 2], [-1, 1]], output: [[[0, 0, 0]], [[0, 0.5, -0.5]], [[0, 0.755, -0.125]]] });
  const { svg } = m.trainingPicture(tr, r, 1, palettes);
  assert.match(svg, /aria-label="learning the edge kernel: step 1 of 30"/);
  assert.match(svg, /<g role="group" aria-label="output at step 1 1x3">/);
  assert.match(svg, /data-cell="0,1">0\.50</);
  const last = m.trainingPicture(tr, r, 2, palettes).svg;
  assert.match(last, /data-cell="0,1">0\.76</);  // 0.755 is 0.75500000000000000444 in binary
  assert.match(last, /data-cell="0,2">-0\.12</);  // a tie: to even, as Python
  // One vertex per step drawn: M, then one L per later step.
  const loss = svg.match(/<path d="([^"]*)"[^>]*data-series="loss"/)[1];
  assert.equal(loss.split(" L").length, 2);
});

test("a clipped loss or kernel value says it is off the scale, a loss below 1e-8 too", () => {
  const palettes = { RdBu_r: [["#2166ac", "#f7f7f7", "#b2182b"], [true, false, true]] };
  const r = run({ lr: 0.1, loss: [3.5, 2e4, "Infinity"], kernel: [[0.5, 0.25], [2, -1], [1e20, "-Infinity"]],
    grad: [[1, 2], [1, 2], ["NaN", "NaN"]], output: [[[0, 0, 0]], [[0, 0, 0]], [[0, 0, 0]]] });
  const notes = (t, of = r) => m.trainingPicture(tr, of, t, palettes).svg.match(/>[^<]*off the scale</g) ?? [];
  assert.deepEqual(notes(0), []);
  const low = run({ loss: [1e-8, 9e-9], kernel: [[1, -1], [1, -1]], grad: [[0, 0], [0, 0]], output: [[[0, 0, 0]], [[0, 0, 0]]] });
  assert.deepEqual([notes(0, low), notes(1, low)], [[], [">loss below 1e-8 is drawn at the bottom: off the scale<"]]);
  assert.deepEqual(notes(1), [">loss above 1e4 is drawn at the top: off the scale<"]);
  assert.deepEqual(notes(2), [">loss above 1e4 is drawn at the top: off the scale<",
    ">values beyond \u00b13 are drawn at the edge: off the scale<"]);
});
