// sweep.js (after core.js): the kernel sweeping its input cell by cell, as sweep.py's sweep_picture.

// Cells shrink to this width, not below 18 px; long numbers widen theirs (minFont): sweep.py.
const MAX_WIDTH = 1000;

// The geometry of both axes and the marks of the padded input (a thrown Error explains an empty output).
export function geometry(tr, v) {
  const axes = [0, 1].map((a) => axisGeometry(tr, a, [v.input_h, v.input_w][a],
    [v.kernel_h, v.kernel_w][a], [v.stride_h, v.stride_w][a], [v.padding_h, v.padding_w][a], v.dilation));
  const padded = axes.map((g) => g.n + 2 * g.p);
  return { axes, padded, ...inputMarks(tr, padded, axes) };
}

// The input and kernel values: a ramp, ones, the edge image (0 in the middle
// columns) or detector, or the corner of the random integers of the seed.
export function inputValues(kind, h, w, pool) {
  const q = Math.floor(w / 4);
  return kind === "edge" ? matrix(h, w, (r, c) => (c >= q && c < w - q ? 0 : 1)) : kernelValues(kind, h, w, pool);
}

export function kernelValues(kind, h, w, pool) {
  if (kind === "random") return pool.slice(0, h).map((r) => r.slice(0, w));
  return matrix(h, w, (r, c) => ({ ones: 1, edge: (c === 0) - (c === w - 1) }[kind] ?? r * w + c));
}

export const flip = (K) => K.slice().reverse().map((r) => r.slice().reverse());

// The padded input, and the output of cross-correlating it with K.
export function correlate(X, K, g) {
  const [gh, gw] = g.axes;
  const padded = matrix(...g.padded, (r, c) => X[r - gh.p]?.[c - gw.p] ?? 0);  // 0 outside X: the padding
  const Y = matrix(gh.out, gw.out, (i, j) =>
    sum(K.flatMap((line, a) => line.map((k, b) => padded[i * gh.s + a * gh.d][j * gw.s + b * gw.d] * k))));
  return { padded, Y };
}

// "output[i, j] = x*k + ... = total", shortened when the kernel is large.
function termsText(tr, window, K, total, i, j) {
  const pairs = window.flat().map((x, n) => `${formatNumber(x)}*${formatNumber(K.flat()[n])}`);
  const body = pairs.length <= 9 ? pairs.join(" + ")
    : tr("{first} + ... ({count} products)", { first: pairs.slice(0, 4).join(" + "), count: pairs.length });
  return tr("output[{i}, {j}] = {terms} = {total}", { i, j, terms: body, total: formatNumber(total) })
    .replaceAll("+ -", "- ");
}

// PyTorch's and the book's output-size formulas for one axis: sweep._formula_lines.
function formulaLines(tr, axis, g, topics) {
  const { n, k, s, out } = g, total = 2 * g.p, name = axisName(tr, axis);
  let formula = g.formula, book;
  if (!topics.includes("stride") && !topics.includes("dilation")) {
    if (!topics.includes("padding")) {
      return [tr("{axis}: {formula}", { axis: name, formula: `n - k + 1 = ${n} - ${k} + 1 = ${out}` })];
    }
    formula = `n + 2p - k + 1 = ${n} + 2*${g.p} - ${k} + 1 = ${out}`;
    book = `n - k + p + 1 = ${n} - ${k} + ${total} + 1`;
  } else if (g.d === 1) {
    book = `floor((n - k + p + s)/s) = floor((${n} - ${k} + ${total} + ${s})/${s})`;
  } else {
    book = tr("dilated kernel k' = d(k-1)+1 = {span}: {formula}", {
      span: g.span, formula: `floor((n - k' + p + s)/s) = floor((${n} - ${g.span} + ${total} + ${s})/${s})`,
    });
  }
  const first = tr("{axis}: {formula}   (PyTorch: padding per side)", { axis: name, formula });
  const indent = " ".repeat(Math.round(textUnits(first.slice(0, first.indexOf(formula)))));
  return [first, tr("{indent}book, total padding p = {total}: {book} = {out}", { indent, total, book, out })];
}

// The nn.Conv2d line, naming the arguments of the topics taught.
export function conv2dCall(g, topics) {
  const [gh, gw] = g.axes;
  const args = { stride: [gh.s, gw.s], padding: [gh.p, gw.p], dilation: [gh.d, gw.d] };
  return `nn.Conv2d(1, 1, kernel_size=${pairText([gh.k, gw.k])}, ` +
    TOPICS.filter((t) => topics.includes(t)).map((t) => `${t}=${pairText(args[t])}, `).join("") +
    `bias=False)  # (1, 1, ${gh.n}, ${gw.n}) -> (1, 1, ${gh.out}, ${gw.out})`;
}

// The picture of the sweep at `v.step`: sweep.sweep_picture. Returns
// {svg, cells, Y}; throws an Error whose message explains an empty output.
export function sweepPicture(tr, v, pools, palettes, language = "en") {
  const g = geometry(tr, v), [gh, gw] = g.axes, [H, W] = g.padded;
  const K0 = kernelValues(v.kernel, v.kernel_h, v.kernel_w, pools.k), K = v.flip ? flip(K0) : K0;
  const { padded, Y } = correlate(inputValues(v.values, v.input_h, v.input_w, pools.x), K, g);
  const cells = gh.out * gw.out, step = Math.min(v.step, cells - 1), i = Math.floor(step / gw.out), j = step % gw.out;
  const rows = range(gh.k).map((a) => i * gh.s + a * gh.d), cols = range(gw.k).map((b) => j * gw.s + b * gw.d);
  const window = rows.map((r) => cols.map((c) => padded[r][c]));
  const products = window.map((line, a) => line.map((x, b) => x * K[a][b]));
  const cell = Math.min(30, Math.max(18, (MAX_WIDTH - 260) / (W + 2 * gw.k + gw.out)));
  const title = H !== gh.n || W !== gw.n
    ? tr("input {h}x{w}, padded to {ph}x{pw}", { h: gh.n, w: gw.n, ph: H, pw: W })
    : tr("input {h}x{w}", { h: gh.n, w: gw.n });
  const kernel = v.flip ? tr("kernel {h}x{w}, flipped", { h: gh.k, w: gw.k }) : tr("kernel {h}x{w}", { h: gh.k, w: gw.k });
  const total = sum(products.flat()), output = tr("output {h}x{w}", { h: gh.out, w: gw.out });
  const inWindow = matrix(H, W, (r, c) => rows.includes(r) && cols.includes(c)), common = { palettes, tr, cell, minFont: 8 };
  const panels = [
    grid(padded, { ...common, title, label: title, cmap: "Blues", hatched: g.hatched, outlined: inWindow,
      dropped: g.dropped, indices: [-gh.p, -gw.p], dimmed: g.unread }),
    grid(K, { ...common, title: kernel, label: kernel, cmap: "PuOr_r" }),
    grid(products, { ...common, title: tr("window times kernel, element-wise\nsum = {total}", { total: formatNumber(total) }),
      label: tr("products {h}x{w}", { h: gh.k, w: gw.k }), cmap: "RdBu_r" }),
    grid(Y, { ...common, title: output, cmap: "RdBu_r",
      outlined: Y.map((line, r) => line.map((_, c) => r === i && c === j)),
      dimmed: Y.map((line, r) => line.map((_, c) => r * gw.out + c > step)) }),
  ];
  const off = { stride: gh.s * gw.s > 1, padding: gh.p + gw.p > 0, dilation: gh.d * gw.d > 1 }; // formulas for these too
  const bottom = row(panels), topics = TOPICS.filter((t) => v.topics.includes(t) || off[t]);
  const what = v.flip ? tr("convolution (kernel flipped)") : tr("cross-correlation");
  const settings = {
    stride: tr("stride {stride}", { stride: tupleText([gh.s, gw.s]) }),
    dilation: tr("dilation {dilation}", { dilation: tupleText([gh.d, gw.d]) }),
    padding: tr("padding (top, bottom, left, right) = ({top}, {bottom}, {left}, {right})",
      { top: gh.p, bottom: gh.p, left: gw.p, right: gw.p }),
  };
  const text = lines([
    tr("{what}, step {step} of {steps}: {terms}", { what, step: step + 1, steps: cells,
      terms: termsText(tr, window, K, Y[i][j], i, j) }),
    ...(topics.length ? [topics.map((t) => settings[t]).join(tr(", "))] : []),
    ...formulaLines(tr, 0, gh, topics),
    ...formulaLines(tr, 1, gw, topics),
    ...(topics.includes("stride") ? [droppedText(tr, g.dropped)] : []),
    ...g.skippedText,
    tr("PyTorch: {code}", { code: conv2dCall(g, topics) }),
    ...(v.flip ? [tr("# its weight is the flipped kernel: nn.Conv2d does not flip")] : []),
  ], { bold: [0], label: tr("formulas") });
  text.y = bottom + 14;
  const name = tr("{what}: {input}, {kernel}, {output}", { what, input: title, kernel, output });
  return { svg: toSvg([...panels, text], name, language), cells, Y };
}

// The controls, the sliders of `TOPICS` shown once the lesson has taught them.
const CONTROLS = [
  [["input_h", N_("input height"), 1, 16], ["input_w", N_("input width"), 1, 16],
    ["kernel_h", N_("kernel height"), 1, 7], ["kernel_w", N_("kernel width"), 1, 7]],
  [["stride_h", N_("stride height"), 1, 4], ["stride_w", N_("stride width"), 1, 4],
    ["padding_h", N_("padding height (each side)"), 0, 4],
    ["padding_w", N_("padding width (each side)"), 0, 4], ["dilation", N_("dilation"), 1, 3]],
  [["values", N_("input"), [[N_("0, 1, 2, ... (row by row)"), "ramp"], [N_("small random integers"), "random"],
    [N_("edge image (6x8)"), "edge"]]],
  ["kernel", N_("kernel"), [[N_("0, 1, 2, ... (row by row)"), "ramp"], [N_("all ones"), "ones"],
    [N_("small random integers"), "random"], [N_("edge detector [1, -1]"), "edge"]]],
  ["seed", N_("seed"), 0, 20], ["flip", N_("true convolution (flip K)")]],
  ["play"],
  ["note"],
];
// The edge image and the edge detector come with their sizes.
const EDGE = { values: { input_h: 6, input_w: 8 }, kernel: { kernel_h: 1, kernel_w: 2 } };

function render({ model, el }) {
  const ex = explorer({ model, el }, CONTROLS, {
    names: ["topics"], asks: ["seed"], enabled: { seed: (v) => v.values === "random" || v.kernel === "random" },
    play: { name: "step", label: N_("output cell"), keep: true },
    changes: (name, x) => (x === "edge" ? { [name]: x, ...EDGE[name] } : { [name]: x }),
    picture: (tr, v, m) => sweepPicture(tr, v, m.get("pools"), m.get("palettes"), m.get("language")),
  });
  model.on("change:pools", ex.draw);  // Python's answer to a new seed
  return ex.stop;
}

export default { render };
