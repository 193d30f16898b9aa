// channels.js (after core.js): several input and output channels, as
// channels.py's draw_channels draws them; the page computes every
// cross-correlation and sum (small integers, exact in float32 too).

const VALUES = [N_("small random integers"), N_("book example")];
const VIEWS = [N_("sum of cross-correlations"), N_("1x1 as a matrix product")];
const CHANNEL_CELL = 26, LONG_CELL = 22;

// X (c_i, n, n) and K (c_o, c_i, k, k): the book's (channels.book_example) or
// the leading part of the seed's random integers (channels.channel_data).
export function channelData(tr, v, pools) {
  const { in_channels: ci, out_channels: co, kernel_size: k, size: n } = v;
  if (v.values === "book example") {
    if (v.mode === VIEWS[1]) {
      throw new Error(tr("The matrix-product view is for 1x1 kernels and the book's example has 2x2 kernels; got values 'book example', kernel size {k}. Choose 'small random integers' with kernel size 1.", { k }));
    }
    if (ci !== 2 || k !== 2 || n !== 3) {
      throw new Error(tr("The book's example has c_i = 2 input channels, 2x2 kernels and a 3x3 input; got c_i = {c_i}, kernel size {k}, input {n}x{n}. Choose 'small random integers' to try other sizes.",
        { c_i: ci, k, n }));
    }
    const X = [0, 1].map((i) => matrix(3, 3, (r, c) => 3 * r + c + i));
    const K = range(co).map((o) => [0, 1].map((i) => matrix(2, 2, (r, c) => 2 * r + c + i + o)));
    return [X, K];
  }
  const corner = (m, size) => m.slice(0, size).map((line) => line.slice(0, size));  // the leading part
  return [pools.x.slice(0, ci).map((x) => corner(x, n)),
    pools.k.slice(0, co).map((ko) => ko.slice(0, ci).map((kk) => corner(kk, k)))];
}

// The cross-correlation of one channel with one kernel (no padding, stride 1).
export const corr2d = (x, kernel) => matrix(x.length - kernel.length + 1, x.length - kernel.length + 1,
  (i, j) => sum(kernel.flatMap((line, a) => line.map((k, b) => x[i + a][j + b] * k))));

// parts[o][i] = X[i] cross-correlated with K[o][i]; Y[o] is the sum over i.
export function channelParts(X, K) {
  const parts = K.map((ko) => ko.map((kernel, i) => corr2d(X[i], kernel)));
  const Y = parts.map((po) => po.reduce((total, part) => total.map((line, r) => line.map((t, c) => t + part[r][c]))));
  return { parts, Y };
}

// The layer as PyTorch code, its parameters and multiply-adds: channels._costs_lines.
export function costsLines(tr, ci, co, k, n) {
  const m = n - k + 1, weights = co * ci * k * k;
  return [
    `nn.Conv2d(${ci}, ${co}, kernel_size=${k}, bias=False)  # (${ci}, ${n}, ${n}) -> (${co}, ${m}, ${m})`,
    tr("parameters c_o*c_i*k_h*k_w = {product} = {weights} weights (+ {c_o} biases = {total} with bias=True; bias not drawn)",
      { product: `${co}*${ci}*${k}*${k}`, weights, c_o: co, total: weights + co }),
    tr("multiply-adds for one {h}x{w} image: c_i*c_o*k_h*k_w*m_h*m_w = {product} = {flops}",
      { h: n, w: n, product: `${ci}*${co}*${k}*${k}*${m}*${m}`, flops: ci * co * k * k * m * m }),
  ];
}

// A "+", "=" or "@" between two panels, and its place beside a panel.
const sign = (symbol, label) => Object.assign(lines([symbol], { mono: false, size: 20, label }), { sign: true });
const centre = (s, beside) => { s.y = beside.y + beside.height / 2 - s.height / 2; };

// The picture of the settings: channels.draw_channels. Returns {svg, Y};
// throws an Error whose message explains settings with no picture.
export function channelsPicture(tr, v, pools, palettes, language = "en") {
  const [X, K] = channelData(tr, v, pools);
  const ci = X.length, co = K.length, k = K[0][0].length, n = X[0].length;
  axisGeometry(tr, 0, n, k, 1, 0, 1);  // a kernel larger than the input: "n - k + 1 = 3 - 4 + 1 = 0 < 1"
  const matmul = v.mode === VIEWS[1];
  if (matmul && k !== 1) {
    throw new Error(tr("The matrix-product view is for 1x1 kernels, got kernel_size {k_h}x{k_w}. Set the kernel size to 1: then every output pixel mixes only the channels of the same input pixel. (Larger kernels can be written as a matrix product too, after unfolding every window into a column: im2col, F.unfold.)",
      { k_h: k, k_w: k }));
  }
  const common = { palettes, tr, cell: CHANNEL_CELL };
  const kernelGrid = (values, title) => grid(values, { ...common, title, cmap: "RdBu_r", vmin: -3, vmax: 3 });
  const panels = X.map((x, i) => grid(x, { ...common, title: tr("input X[{i}]", { i }), cmap: "Greys" }));
  let bottom = row(panels);
  const { parts, Y } = channelParts(X, K);
  if (matmul) {
    // W (c_o, c_i) @ X as (c_i, h*w) = Y as (c_o, h*w): channels._matmul.
    const sizes = { c_i: ci, c_o: co, pixels: n * n };
    const W = kernelGrid(K.map((ko) => ko.map((kernel) => kernel[0][0])), "W (c_o, c_i)");
    const Xr = grid(X.map((x) => x.flat()), { ...common, cell: LONG_CELL, cmap: "Greys",
      title: tr("X reshaped to (c_i, h*w) = ({c_i}, {pixels})", sizes), label: tr("X reshaped {c_i}x{pixels}", sizes) });
    const Yr = grid(Y.map((y) => y.flat()), { ...common, cell: LONG_CELL, cmap: "RdBu_r",
      title: tr("Y as (c_o, h*w) = ({c_o}, {pixels})\nrow o is output channel o", sizes),
      label: tr("Y reshaped {c_o}x{pixels}", sizes) });
    const times = sign("@", tr("matrix product")), equals = sign("=", tr("equals"));
    bottom = row([W, times, Xr], MARGIN, bottom + GAP / 2);
    // The product is long: Y goes under X reshaped, the "=" under the "@".
    [Yr.x, Yr.y, equals.x] = [Xr.x, bottom + GAP / 2 + Yr.top, times.x];
    centre(times, W);
    centre(equals, Yr);
    bottom = Yr.y + Yr.height;
    panels.push(W, times, Xr, equals, Yr);
  } else {
    for (let o = 0; o < co; o++) {
      const line = [];
      for (let i = 0; i < ci; i++) {
        if (i) line.push(sign("+", tr("plus")));
        line.push(kernelGrid(K[o][i], `K[${o},${i}]`),
          grid(parts[o][i], { ...common, title: `corr2d(X[${i}], K[${o},${i}])`, cmap: "RdBu_r" }));
      }
      line.push(sign("=", tr("equals")), grid(Y[o], { ...common, title: tr("output Y[{o}]", { o }), cmap: "RdBu_r" }));
      bottom = row(line, MARGIN, bottom + GAP / 2);
      line.forEach((panel, t) => { if (panel.sign) centre(panel, line[t + 1]); });
      panels.push(...line);
    }
  }
  const check = matmul ? tr("the matrix product equals F.conv2d (checked in Python)")
    : tr("each output channel sums c_i = {c_i} cross-correlations; the sums equal F.conv2d (checked in Python)", { c_i: ci });
  const caption = lines([...costsLines(tr, ci, co, k, n), check], { bold: [0], label: tr("text") });
  caption.y = bottom + GAP / 2;
  const title = tr("{c_i} input and {c_o} output channels, {k_h}x{k_w} kernels: {mode}",
    { c_i: ci, c_o: co, k_h: k, k_w: k, mode: tr(v.mode) });
  return { svg: toSvg([...panels, caption], title, language), Y };
}

function render({ model, el }) {  // Python answers a new seed with new pools
  const ex = explorer({ model, el }, [
    [["in_channels", N_("input channels c_i"), 1, 4],
      ["out_channels", N_("output channels c_o"), 1, 4]],
    [["kernel_size", N_("kernel size k"), 1, 4], ["size", N_("input size n"), 2, 6]],
    [["values", N_("values"), VALUES.map((x) => [x, x])], ["seed", N_("seed"), 0, 20]],
    [["mode", N_("view"), VIEWS.map((x) => [x, x])]],
    ["note"],
  ], {
    asks: ["seed"], enabled: { seed: (v) => v.values === VALUES[0] },  // the seed picks random integers only
    picture: (tr, v, m) => channelsPicture(tr, v, m.get("pools"), m.get("palettes"), m.get("language")),
  });
  model.on("change:pools", ex.draw);
}

export default { render };
