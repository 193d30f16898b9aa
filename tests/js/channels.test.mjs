// Channels against the book's numbers and sums worked out by hand.
import assert from "node:assert/strict";
import test from "node:test";
import { english, explorer } from "./load.mjs";

const m = await explorer("channels");
const tr = english(m);
const book = (o) => ({ in_channels: 2, out_channels: 3, kernel_size: 2, size: 3,
  values: "book example", seed: 0, mode: "sum of cross-correlations", ...o });

test("the book's two-channel example and its three output channels", () => {
  const [X, K] = m.channelData(tr, book(), null);
  assert.deepEqual(X, [[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]);
  assert.deepEqual(K[0], [[[0, 1], [2, 3]], [[1, 2], [3, 4]]]);
  const { parts, Y } = m.channelParts(X, K);
  assert.deepEqual(parts[0][0], [[19, 25], [37, 43]]);
  assert.deepEqual(Y[0], [[56, 72], [104, 120]]);
  // K + 1 adds each window's sum over both channels (20 for the first).
  assert.deepEqual(Y[1], [[76, 100], [148, 172]]);
  assert.deepEqual(Y[2], [[96, 128], [192, 224]]);
});

test("the book's example keeps its sizes", () => {
  assert.throws(() => m.channelData(tr, book({ kernel_size: 3 }), null), { message:
    "The book's example has c_i = 2 input channels, 2x2 kernels and a 3x3 input; got c_i = 2, kernel size 3, input 3x3. Choose 'small random integers' to try other sizes." });
});

test("random values are the leading part of the seed's largest arrays", () => {
  // x[i][r][c] = 100i + 10r + c, k[o][i][a][b] = 1000o + 100i + 10a + b.
  const seq = (n, f) => Array.from({ length: n }, (_, i) => f(i));
  const pools = {
    x: seq(4, (i) => seq(6, (r) => seq(6, (c) => 100 * i + 10 * r + c))),
    k: seq(4, (o) => seq(4, (i) => seq(4, (a) => seq(4, (b) => 1000 * o + 100 * i + 10 * a + b)))),
  };
  const v = { in_channels: 2, out_channels: 1, kernel_size: 1, size: 2, values: "small random integers" };
  const [X, K] = m.channelData(tr, v, pools);
  assert.deepEqual(X, [[[0, 1], [10, 11]], [[100, 101], [110, 111]]]);
  assert.deepEqual(K, [[[[0]], [[100]]]]);
});

test("a 1x1 layer mixes the channels of each pixel", () => {
  const X = [[[1, 2], [3, 4]], [[0, 1], [1, 0]]];
  const K = [[[[1]], [[1]]], [[[2]], [[-1]]]];
  // Y[0] = X[0] + X[1], Y[1] = 2 X[0] - X[1].
  assert.deepEqual(m.channelParts(X, K).Y, [[[1, 3], [4, 4]], [[2, 3], [5, 8]]]);
});

test("parameters and multiply-adds as nn.Conv2d counts them", () => {
  assert.deepEqual(m.costsLines(tr, 2, 3, 2, 3), [
    "nn.Conv2d(2, 3, kernel_size=2, bias=False)  # (2, 3, 3) -> (3, 2, 2)",
    "parameters c_o*c_i*k_h*k_w = 3*2*2*2 = 24 weights (+ 3 biases = 27 with bias=True; bias not drawn)",
    "multiply-adds for one 3x3 image: c_i*c_o*k_h*k_w*m_h*m_w = 2*3*2*2*2*2 = 96",
  ]);
});

test("settings with no picture are explained", () => {
  const random = { values: "small random integers" };
  const pools = { x: [[[0, 0], [0, 0]]], k: [[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]] };
  assert.throws(() => m.channelsPicture(tr, book({ ...random, in_channels: 1, out_channels: 1, kernel_size: 3, size: 2 }), pools, {}),
    { message: "output height = n - k + 1 = 2 - 3 + 1 = 0 < 1: kernel_size 3 is larger than the input 2" });
  assert.throws(() => m.channelsPicture(tr, book({ ...random, in_channels: 1, out_channels: 1, size: 2, mode: "1x1 as a matrix product" }),
    pools, {}), { message: /^The matrix-product view is for 1x1 kernels, got kernel_size 2x2\. Set the kernel size to 1: / });
  // The book's 2x2 kernels: both steps named, whatever the kernel size.
  for (const kernel_size of [1, 2]) {
    assert.throws(() => m.channelsPicture(tr, book({ mode: "1x1 as a matrix product", kernel_size }), null, {}),
      { message: /^The matrix-product view .* got values 'book example', kernel size \d\. Choose 'small random integers' with kernel size 1\.$/ });
  }
});
