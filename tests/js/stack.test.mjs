// The stack's arithmetic against numbers worked out by hand (the book's).
import assert from "node:assert/strict";
import test from "node:test";
import { english, explorer } from "./load.mjs";

const m = await explorer("stack");
const tr = english(m);
const stack = (o) => m.stackTable(tr, { count: 7, input_size: 32, kernel_size: 5, padding: 0,
  stride: 1, dilation: 1, ...o });

test("seven 5x5 layers take 32 to 4; the field grows by k - 1 = 4 a layer", () => {
  const levels = stack({});
  assert.deepEqual(levels.map((l) => l.size), [32, 28, 24, 20, 16, 12, 8, 4]);
  assert.deepEqual(levels.map((l) => l.field), [1n, 5n, 9n, 13n, 17n, 21n, 25n, 29n]);
  assert.deepEqual(levels.map((l) => l.jump), Array(8).fill(1n));
});

test("224 needs 55 layers of 5x5 to reach 4", () => {
  assert.equal(stack({ count: 55, input_size: 224 }).at(-1).size, 4);
  assert.equal(stack({ count: 54, input_size: 224 }).at(-1).size, 8);
});

test("stride multiplies the jump; the centre output sees its field", () => {
  // Six 3x3 layers, padding 1, stride 2 on 224 (notebook 5): the jumps are
  // 2^l, the field 1 + 2(1 + 2 + ... + 32) = 127; the centre output (row 1 of
  // 4) sees input rows 2 - 1 = 1 to 1 + 127 - 1 = 127.
  const levels = stack({ count: 6, input_size: 224, kernel_size: 3, padding: 1, stride: 2 });
  assert.deepEqual(levels.map((l) => l.size), [224, 112, 56, 28, 14, 7, 4]);
  assert.deepEqual(levels.map((l) => l.jump), [1n, 2n, 4n, 8n, 16n, 32n, 64n]);
  assert.equal(levels.at(-1).field, 127n);
  assert.deepEqual(levels[0].window, [1n, 127n]);
});

test("dilation widens each layer's reach to d(k - 1) + 1", () => {
  const levels = stack({ count: 2, input_size: 20, kernel_size: 3, dilation: 2 });
  assert.deepEqual(levels.map((l) => l.size), [20, 16, 12]);
  assert.deepEqual(levels.map((l) => l.field), [1n, 5n, 9n]);
});

test("the centre output sees a cone of rows, down into the padding", () => {
  // Two 2x2 layers on 3x3 (notebook 3): the one output sees every input row.
  assert.deepEqual(stack({ count: 2, input_size: 3, kernel_size: 2 }).map((l) => l.window),
    [[0n, 2n], [0n, 1n], [0n, 0n]]);
  // 3x3, padding 1 on 5x5: centre 2 sees rows 1..3, then 0..4 of the input.
  assert.deepEqual(stack({ count: 2, input_size: 5, kernel_size: 3, padding: 1 }).map((l) => l.window),
    [[0n, 4n], [1n, 3n], [2n, 2n]]);
  // With padding 3, the cone reaches past the input: rows below 0 are padding.
  assert.deepEqual(stack({ count: 1, input_size: 1, kernel_size: 7, padding: 3 }).map((l) => l.window),
    [[-3n, 3n], [0n, 0n]]);
});

test("sixty layers of stride 3 jump 3^60 input pixels, exactly", () => {
  const last = stack({ count: 60, input_size: 5, kernel_size: 1, stride: 3 }).at(-1);
  assert.equal(last.size, 1);
  assert.equal(String(last.jump), "42391158275216203514294433201");
  assert.equal(last.field, 1n);
});

test("an empty layer is explained with its number and the formula", () => {
  // 32 -> 28 -> ... -> 4 after 7 layers of 5x5; the 8th has no output.
  assert.throws(() => stack({ count: 8 }), { message: "layer 8: conv 5x5: output height = " +
    "n - k + 1 = 4 - 5 + 1 = 0 < 1: kernel_size 5 is larger than the input 4" });
  // 7 -> floor((7 + 2 - 6 - 1)/2) + 1 = 2 -> floor((2 + 2 - 6 - 1)/2) + 1 = -1.
  assert.throws(() => stack({ count: 3, input_size: 7, kernel_size: 3, padding: 1, stride: 2, dilation: 3 }),
    { message: /^layer 2: conv 3x3 s=2 p=1 d=3: output height = .* = floor\(\(2 \+ 2\*1 - 3\*\(3-1\) - 1\)\/2\) \+ 1 = -1 < 1: .* = 4$/ });
});

test("the picture names the stack and the last layer's field and jump", () => {
  const { svg } = m.stackPicture(tr, { count: 7, input_size: 32, kernel_size: 5, padding: 0,
    stride: 1, dilation: 1 });
  assert.match(svg, /aria-label="a 7-layer stack on a \(32, 32\) input"/);
  assert.match(svg, />after layer 7: 4x4, field 29x29, jump 1x1</);
  // The centre output (row 1 of 4) sees rows 1..1 + 7 * 4 of the input.
  assert.match(svg, /data-seen="input: rows 1\.\.29 of 32"/);
  assert.match(svg, /data-level="7">layer 7: 4x4</);
});
