// pooling.js (after core.js): max and average pooling window by window, as pooling.py's draw_pooling.

const POOL_CELL = 28;
// The explanation the page shows for impossible settings.
const noPooling = (tr, reason) => new Error(tr("No pooling for these settings.\n{reason}", { reason }));

// The output length along one axis (window k, stride s, padding p per side)
// as PyTorch computes it (ceil_mode drops a last window that would start past
// the input), and its formula line; impossible settings throw shapes.py's words (noPooling).
export function poolAxis(tr, axis, n, k, s, p, ceil) {
  const rounding = ceil ? "ceil" : "floor", rounded = Math[rounding]((n + 2 * p - k) / s) + 1;
  const out = ceil && (rounded - 1) * s >= n + p ? rounded - 1 : rounded;
  if (out < 1) {  // dropping a window never empties the output: only the rounding can
    const formula = `${rounding}((n + 2p - d(k-1) - 1)/s) + 1 = ${rounding}((${n} + 2*${p} - 1*(${k}-1) - 1)/${s}) + 1`;
    const steps = tr("output {axis} = {formula} = {out}", { axis: axisName(tr, axis), formula, out });
    throw noPooling(tr, tr("{steps} < 1: the pooling window (kernel_size {k}, effective size {span}) is larger than the padded input {n} + 2*{p} = {padded}",
      { steps, k, span: k, n, p, padded: n + 2 * p }));
  }
  const text = `${"hw"[axis]}: ${rounding}((${n} + 2*${p} - ${k})/${s}) + 1 = ${rounded}`;
  return [out, out === rounded ? text
    : tr("{formula} - 1 (the last window would start past the input) = {out}", { formula: text, out })];
}

// The output size [oh, ow] and its formulas (or the explanation, thrown).
export function poolShape(tr, size, k, s, p, ceil) {
  const a = [0, 1].find((axis) => p[axis] > Math.floor(k[axis] / 2));  // padding checked first, as shapes.py
  if (a !== undefined) {
    throw noPooling(tr, tr("padding {axis} {p} is more than half the pooling window: padding must be <= kernel_size // 2 = {k} // 2 = {half} (PyTorch's rule for pooling), got padding={padding}, kernel_size={kernel_size}",
      { axis: axisName(tr, a), p: p[a], k: k[a], half: Math.floor(k[a] / 2),
        padding: tupleText(p), kernel_size: tupleText(k) }));
  }
  const axes = [0, 1].map((a) => poolAxis(tr, a, size[a], k[a], s[a], p[a], ceil));
  return { out: axes.map((a) => a[0]), formulas: axes.map((a) => a[1]) };
}

// Output cell [i, j]'s window in padded-input coordinates, and the divisors
// of average pooling with and without padding: pooling.pooling_window.
export function poolingWindow(size, [i, j], k, s, p) {
  const spans = [];
  let withPad = 1, withoutPad = 1;
  [i, j].forEach((o, a) => {
    const start = o * s[a] - p[a], end = Math.min(start + k[a], size[a] + p[a]);
    withPad *= end - start;
    withoutPad *= Math.min(end, size[a]) - Math.max(start, 0);
    spans.push(range(k[a]).map((t) => start + p[a] + t));
  });
  return { rows: spans[0], cols: spans[1], withPad, withoutPad };
}

// The input values under a window (row by row), padding left out.
const inside = (x, w, p) => w.rows.flatMap((r) => w.cols.map((c) => [r - p[0], c - p[1]]))
  .filter(([r, c]) => r >= 0 && r < x.length && c >= 0 && c < x[0].length).map(([r, c]) => x[r][c]);

// One channel pooled: each window's largest input value, or their sum over
// the divisor, rounded to float32 as PyTorch's average is.
export function poolChannel(x, out, k, s, p, mode, countIncludePad) {
  const size = [x.length, x[0].length];
  return matrix(...out, (i, j) => {
    const w = poolingWindow(size, [i, j], k, s, p);
    const values = inside(x, w, p);
    if (mode === "max") return Math.max(...values);
    return Math.fround(sum(values) / (countIncludePad ? w.withPad : w.withoutPad));
  });
}

// The nn.MaxPool2d(...) / nn.AvgPool2d(...) line: pooling.pytorch_layer.
export function pytorchLayer(k, s, p, mode, ceil, countIncludePad) {
  const py = (b) => (b ? "True" : "False");  // a bool as Python writes it
  const args = `kernel_size=${pairText(k)}, stride=${pairText(s)}, padding=${pairText(p)}, ceil_mode=${py(ceil)}`;
  return mode === "max" ? `nn.MaxPool2d(${args})` : `nn.AvgPool2d(${args}, count_include_pad=${py(countIncludePad)})`;
}

// The picture of pooling X (channels, h, w): pooling.draw_pooling. Returns
// {svg, cells, Y}; throws an Error whose message explains impossible settings.
export function poolingPicture(tr, v, X, palettes, language = "en") {
  const k = [v.window_h, v.window_w], s = [v.stride_h, v.stride_w];
  const p = [v.padding_h, v.padding_w], size = [X[0].length, X[0][0].length];
  const { out, formulas } = poolShape(tr, size, k, s, p, v.ceil_mode);
  const Y = X.map((x) => poolChannel(x, out, k, s, p, v.mode, v.count_include_pad));
  const cells = out[0] * out[1], step = Math.min(v.cell, cells - 1), cell = [Math.floor(step / out[1]), step % out[1]];
  // The padded input as shown: padding -inf (max) or 0 (avg), and NaN where
  // a ceil_mode window reaches past the padding.
  const shape = [0, 1].map((a) => Math.max(size[a] + 2 * p[a], (out[a] - 1) * s[a] + k[a]));
  const marks = inputMarks(tr, shape, [0, 1].map((a) => ({ n: size[a], p: p[a], out: out[a], s: s[a], span: k[a] })));
  const isPadded = (r, c) => r < size[0] + 2 * p[0] && c < size[1] + 2 * p[1];
  const fill = v.mode === "max" ? -Infinity : 0;
  const padded = X.map((x) => matrix(...shape, (r, c) =>
    !marks.hatched[r][c] ? x[r - p[0]][c - p[1]] : isPadded(r, c) ? fill : NaN));
  const w = poolingWindow(size, cell, k, s, p);
  const outlined = matrix(...shape, (r, c) => w.rows.includes(r) && w.cols.includes(c));
  const common = { palettes, tr, cmap: "Blues", cell: POOL_CELL };
  const panels = X.flatMap((_, ch) => [
    grid(padded[ch], { ...common, title: tr("input channel {ch}\npadding {padding}", { ch, padding: tupleText(p) }),
      hatched: marks.hatched, outlined, dropped: marks.dropped, dimmed: marks.unread, indices: [-p[0], -p[1]] }),
    grid(Y[ch], { ...common, title: tr("output channel {ch}\n{mode} pool", { ch, mode: tr(v.mode) }),
      outlined: Y[ch].map((line, r) => line.map((_, c) => r === cell[0] && c === cell[1])) }),
  ]);
  const bottom = row(panels), values = inside(X[0], w, p), shown = values.map(formatNumber);
  const wrap = v.ceil_mode && marks.dropped.some(Boolean);  // a dropped window's note: a line per axis
  const max = v.mode === "max", divisor = v.count_include_pad ? w.withPad : w.withoutPad;
  const formula = max ? `max(${shown.join(", ")}) = ${formatNumber(Math.max(...values))}`
    : `(${shown.join(" + ")}) / ${divisor} = ${general(sum(values) / divisor, 4)}`;
  const note = max ? tr("padding is -inf: it never wins")
    : v.count_include_pad ? tr("padding counts as 0") : tr("padding not counted");
  const caption = lines([
    pytorchLayer(k, s, p, v.mode, v.ceil_mode, v.count_include_pad),
    tr("# input {input} -> output {output}: each channel is pooled on its own, channels are never summed",
      { input: tupleText([X.length, ...size]), output: tupleText([X.length, ...out]) }),
    ...tr("output size (p = padding per side; the book's total padding is 2p): {formulas}", { formulas:
      wrap ? formulas.map((f) => `\n  ${f}`).join("") : formulas.join(",  ") }).replaceAll(" \n", "\n").split("\n"),
    ...(marks.dropped.some(Boolean) ? [droppedText(tr, marks.dropped, v.ceil_mode)] : []),
    ...marks.skippedText,
    tr("channel 0, output cell {cell}: {formula}   ({note})", { cell: tupleText(cell), formula, note }),
  ], { bold: [0], label: tr("text") });
  caption.y = bottom + GAP / 2;
  const title = tr("{mode} pooling of a {c}x{h}x{w} input", { mode: tr(v.mode), c: X.length, h: size[0], w: size[1] });
  return { svg: toSvg([...panels, caption], title, language), cells, Y };
}

function render({ model, el }) {
  const inputs = model.get("inputs");
  const ex = explorer({ model, el }, [
    [["mode", N_("pooling"), [[N_("max"), "max"], [N_("avg"), "avg"]]],
      ["input", N_("input"), Object.keys(inputs).map((name) => [name, name])]],
    [["window_h", N_("window height"), 1, 4], ["padding_h", N_("padding height (each side)"), 0, 2],
      ["stride_h", N_("stride height"), 1, 4]],
    [["window_w", N_("window width"), 1, 4], ["padding_w", N_("padding width (each side)"), 0, 2],
      ["stride_w", N_("stride width"), 1, 4]],
    // PyTorch's parameter names, shown as they are in every language.
    [["ceil_mode", "ceil_mode"], ["count_include_pad", "count_include_pad"]],
    ["play"],
  ], {
    play: { name: "cell", label: N_("output cell") },  // Python's `cell` keeps its start
    enabled: { count_include_pad: (v) => v.mode === "avg" },
    picture: (tr, v, m) => poolingPicture(tr, v, inputs[v.input], m.get("palettes"), m.get("language")),
  });
  return ex.stop;
}

export default { render };
