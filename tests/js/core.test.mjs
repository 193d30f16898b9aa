// The numbers of core.js are written exactly as Python writes them (the
// expected strings are Python's own output for each value).
import assert from "node:assert/strict";
import test from "node:test";
import { explorer } from "./load.mjs";

const m = await explorer("sweep");

test("fixed rounds like Python's f-strings, ties to even", () => {
  const cases = [[0.125, 2, "0.12"], [0.375, 2, "0.38"], [2.675, 2, "2.67"],
    [1.005, 2, "1.00"], [-0.125, 2, "-0.12"], [0.5, 0, "0"], [1.5, 0, "2"],
    [2.5, 0, "2"], [0.0625, 3, "0.062"], [1e-7, 2, "0.00"]];
  for (const [x, digits, python] of cases) assert.equal(m.fixed(x, digits), python, `${x}`);
});

test("general is Python's g format", () => {
  const cases = [[1.0, 6, "1"], [0.0001, 6, "0.0001"], [0.00001234, 3, "1.23e-05"],
    [123456789.0, 6, "1.23457e+08"], [1.024e9, 4, "1.024e+09"], [12.5, 3, "12.5"],
    [0.125, 2, "0.12"], [100, 3, "100"], [1e16, 6, "1e+16"], [-2.5e-5, 3, "-2.5e-05"],
    [3.14159, 6, "3.14159"], [0.1 + 0.2, 6, "0.3"], [1234567, 2, "1.2e+06"],
    // Coordinates: ties go to even, rounding may reach the next power of 10.
    [273.125, 5, "273.12"], [1008.25, 5, "1008.2"], [99999.5, 5, "1e+05"],
    [9.99996, 5, "10"], [0.000123456, 5, "0.00012346"], [12345.5, 5, "12346"]];
  for (const [x, p, python] of cases) assert.equal(m.general(x, p), python, `${x}`);
});

test("formatNumber writes cell values as picture.format_number", () => {
  const cases = [[19, "19"], [-3, "-3"], [1.5, "1.5"], [1 / 3, "0.33"], [0.125, "0.12"],
    [-0.001, "0"], [2e6, "2e+06"], [NaN, ""], [-Infinity, "\u2212\u221e"], [10 / 9, "1.11"]];
  for (const [x, python] of cases) assert.equal(m.formatNumber(x), python, `${x}`);
});

test("translator fills fields and falls back on English", () => {
  const tr = m.translator({ "input {h}x{w}": "输入 {h}x{w}" });
  assert.equal(tr("input {h}x{w}", { h: 3, w: 4 }), "输入 3x4");
  assert.equal(tr("kernel {h}x{w}", { h: 2, w: 2 }), "kernel 2x2");
});

test("textUnits counts a Chinese character as 5/3 of a Latin one", () => {
  assert.equal(m.textUnits("abc"), 3);
  // Python: len("输入 3") + 2 * 2 / 3
  assert.equal(m.textUnits("输入 3"), 4 + (2 * 2) / 3);
});

test("translator formats {name:.3g}, {name:.4f} and {name:g} as Python's format", () => {
  const tr = m.translator({ "loss {loss:.3g}": "损失 {loss:.3g}" });
  assert.equal(tr("loss {loss:.3g}", { loss: 0.000123456 }), "损失 0.000123");
  assert.equal(tr("limit {limit:.4f}", { limit: 1 / 30 }), "limit 0.0333");
  assert.equal(tr("{d:g} and {e:.3g}", { d: 1e-5, e: 12345.6 }), "1e-05 and 1.23e+04");
});

test("faded takes a colour 65% of the way to white", () => {
  // 0x08 -> (7 * 8 + 13 * 255 + 10) // 20 = 169 = 0xa9, and so on.
  assert.equal(m.faded("#08306b"), "#a9b7cb");
  assert.equal(m.faded("#000000"), "#a6a6a6");
  assert.equal(m.faded("#ffffff"), "#ffffff");
});

test("colors: all zeros on a diverging map are its middle colour", () => {
  const palettes = { RdBu_r: [["#2166ac", "#f7f7f7", "#b2182b"], [true, false, true]] };
  assert.deepEqual(m.colors([[0, 0]], palettes, "RdBu_r"), [[["#f7f7f7", "black"], ["#f7f7f7", "black"]]]);
});
