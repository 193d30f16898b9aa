// core.js: what every explorer's front end shares. Plain JavaScript, no build.
// An explorer's ES module is this file followed by its own (sweep.js, ...),
// joined by d2lconv/explorers/__init__.py (and by the course website). The
// pictures are those of d2lconv/picture.py, drawn in the page so that a
// control redraws with no message to Python.

// ---- numbers as Python writes them ----------------------------------------

// Python's f"{x:.{digits}f}": the nearest decimal, ties to even. A tie is an
// odd multiple of 2^-(digits + 1), exact in binary; toFixed rounds those up.
export function fixed(x, digits) {
  const t = Math.abs(x) * 2 ** (digits + 1), down = Math.floor(Math.abs(x) * 10 ** digits);
  if (!Number.isInteger(t) || t % 2 !== 1) return x.toFixed(digits);
  return (x < 0 ? "-" : "") + ((down + (down % 2)) / 10 ** digits).toFixed(digits);  // the even one
}

// Python's f"{x:.{p}g}" (and f"{x:g}" for p = 6): p significant digits, in
// fixed notation unless the exponent (after rounding) is < -4 or >= p.
export function general(x, p = 6) {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mantissa, exponent] = x.toExponential(p - 1).split("e");
  const e = Number(exponent), strip = (t) => (t.includes(".") ? t.replace(/\.?0+$/, "") : t);
  if (e >= -4 && e < p) return strip(fixed(x, p - 1 - e));
  return `${strip(mantissa)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

// picture.format_number: integers without a point, others with up to 2 decimals.
export function formatNumber(v) {
  if (Number.isNaN(v)) return "";
  if (!Number.isFinite(v)) return v < 0 ? "\u2212\u221e" : "\u221e";
  if (Number.isInteger(v)) return Math.abs(v) < 1e6 ? String(v) : general(v, 2);
  const text = fixed(v, 2).replace(/0+$/, "").replace(/\.$/, "");
  return text === "-0" || text === "" ? "0" : text;
}

// shapes.pair_text: "3" for (3, 3), else "(3, 1)".
export const pairText = ([a, b]) => (a === b ? String(a) : `(${a}, ${b})`);
// A Python tuple as str() writes it.
export const tupleText = (t) => (t.length === 1 ? `(${t[0]},)` : `(${t.join(", ")})`);

// ---- the reader's language --------------------------------------------------

// tr(english, values): the text from the catalog `text` (English -> the
// reader's language, sent by Python), fields {name}, {name:.3g}, {name:.4f}
// filled in as Python's format does.
export const translator = (text) => (english, values = {}) => (text[english] ?? english)
  .replace(/\{(\w+)(?::\.?(\d*)([fg]))?\}/g, (_, name, digits, kind) => (kind
    ? (kind === "f" ? fixed : general)(values[name], Number(digits || 6)) : String(values[name])));

// Marks a text shown elsewhere through tr (Python's catalog finds it).
export const N_ = (english) => english;

// Latin characters count 1, wide (Chinese) ones 5/3: picture.text_units.
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;
export const textUnits = (text) => text.length + ((text.match(WIDE) || []).length * 2) / 3;

// ---- the picture ------------------------------------------------------------

export const range = (n) => Array.from({ length: n }, (_, i) => i);
export const sum = (values) => values.reduce((a, b) => a + b, 0);
// An h x w matrix of f(r, c).
export const matrix = (h, w, f) => range(h).map((r) => range(w).map((c) => f(r, c)));
export const axisName = (tr, axis) => (axis ? tr("width") : tr("height"));

export const CELL = 30, GAP = 36, MARGIN = 12, TITLE_SIZE = 13, LINE_SIZE = 12;
const MASK = "#e9e9e9", MASK_TEXT = "#8a8a8a", DIM_TEXT = "#333333", HATCH = "#b5b5b5";  // DIM_TEXT: grid.py
const HIGHLIGHT = "#d62728", DROPPED = "#9467bd", INDEX = "#666666";
const CJK = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei";
const FONTS = {
  en: ["DejaVu Sans, Arial, Helvetica, sans-serif", "DejaVu Sans Mono, Menlo, Consolas, monospace"],
  zh: [`DejaVu Sans, Arial, Helvetica, ${CJK}, sans-serif`,
    `DejaVu Sans Mono, Menlo, Consolas, Noto Sans Mono CJK SC, ${CJK}, monospace`],
};

// Fill and ink colours of a matrix from a colormap (`palettes[name]`: [hex
// colours, dark flags], sent by Python), as picture.colors does.
export function colors(values, palettes, cmap, vmin, vmax, ignore) {
  const shown = values.flatMap((row, r) => row.filter((v, c) => Number.isFinite(v) && !ignore?.[r][c]));
  let lo = vmin ?? (shown.length ? Math.min(...shown) : 0), hi = vmax ?? (shown.length ? Math.max(...shown) : 1);
  // All zeros: [-1, 1], so zero is the middle colour, not the bottom one.
  if (/^(RdBu|PuOr)/.test(cmap)) [lo, hi] = [-(Math.max(-lo, hi) || 1), Math.max(-lo, hi) || 1];
  if (hi <= lo) hi = lo + 1;
  const [hexes, dark] = palettes[cmap], n = hexes.length;
  return values.map((row) => row.map((v) => {
    if (Number.isNaN(v)) return [MASK, "black"];
    const i = Math.min(Math.floor(Math.min(Math.max((v - lo) / (hi - lo), 0), 1) * n), n - 1);
    return [hexes[i], dark[i] ? "white" : "black"];
  }));
}

// Primitives: {type: "rect" | "text" | "path", ...}, drawn by toSvg below.
export const rect = (x, y, width, height, fill = "none", extra = {}) =>
  ({ type: "rect", x, y, width, height, fill, stroke: "none", strokeWidth: 0, opacity: 1, ...extra });
export const text = (x, y, value, size = LINE_SIZE, color = "black", anchor = "middle", extra = {}) =>
  ({ type: "text", x, y, text: value, size, color, anchor, bold: false, mono: false, ...extra });
export const path = (lines, stroke = "black", strokeWidth = 1, data = null) =>
  ({ type: "path", lines, stroke, strokeWidth, data });

export function titleTexts(title, x, bottom, size = TITLE_SIZE) {
  const lines = title ? title.split("\n") : [];
  return lines.map((line, k) => text(x, bottom - (lines.length - 1 - k) * size * 1.25, line, size));
}

// A panel: its label, its body's size, the room above it (titles) and left and
// right of it (span); row() places it (x, y), its primitives() draw it there.
export const makePanel = (label, width, height, top = 0, span = [0, 0]) =>
  ({ label, x: MARGIN, y: MARGIN, width, height, top, span });

// A matrix as coloured cells with their numbers: grid.Grid. Options: title,
// label, cell (wider for minFont px numbers), fmt, palettes, cmap, vmin, vmax, tr; the masks hatched
// (padding), outlined, dimmed (not computed yet); dropped [rows, columns] at the end,
// read by no window: tinted and dimmed; indices: the numbers of the first row and column.
export function grid(values, o = {}) {
  const rows = values.length, cols = values[0].length;
  const title = o.title ?? "", titles = title ? title.split("\n") : [], above = o.indices ? 18 : 6;
  const texts = values.map((row) => row.map(o.fmt ?? formatNumber));
  const longest = Math.max(2, ...texts.flat().map((t) => t.length));
  const cell = Math.max(o.cell ?? CELL, o.minFont ? Math.ceil((o.minFont * 0.62 * longest) / 0.85) : 0);
  const fontsize = Math.round(Math.min(0.45 * cell, (cell * 0.85) / (0.62 * longest)) * 10) / 10;
  const first = titles[0] ?? o.tr("grid"), size = `${rows}x${cols}`;
  const spare = Math.max(0, (Math.max(0, ...titles.map(textUnits)) * 7.8 - cols * cell) / 2);
  const panel = makePanel(o.label ?? (first.endsWith(size) ? first : `${first} ${size}`), cols * cell, rows * cell,
    titles.length * TITLE_SIZE * 1.25 + above, [spare + (o.indices ? 18 : 0), spare]);
  panel.primitives = () => {
    const { x: x0, y: y0 } = panel, none = values.map((row) => row.map(() => false));
    const [hatched, outlined, dimmed] = [o.hatched, o.outlined, o.dimmed].map((m) => m ?? none);
    const paint = colors(values, o.palettes, o.cmap, o.vmin, o.vmax, hatched);
    const box = (r, c, fill, extra) => rect(x0 + c * cell, y0 + r * cell, cell, cell, fill, extra);
    const cells = (m) => values.flatMap((row, r) => row.map((_, c) => [r, c])).filter(([r, c]) => m(r, c));
    const padding = cells((r, c) => hatched[r][c]);
    const out = padding.map(([r, c]) => box(r, c, MASK, { data: { padding: `${r},${c}` } }));
    if (padding.length) {
      const [r0, r1, c0, c1] = [0, 1].flatMap((a) => [Math.min(...padding.map((p) => p[a])),
        Math.max(...padding.map((p) => p[a])) + 1]);
      out.push(path(hatch(x0 + c0 * cell, y0 + r0 * cell, (c1 - c0) * cell, (r1 - r0) * cell), HATCH));
    }
    // A dimmed or dropped cell: faded towards white, its number dark grey over any tint (as grid.py).
    const [dropRows, dropCols] = o.dropped ?? [0, 0];
    const dim = (r, c) => (dimmed[r][c] || r >= rows - dropRows || c >= cols - dropCols) && !hatched[r][c];
    out.push(...cells((r, c) => !hatched[r][c]).map(([r, c]) => (dim(r, c)
      ? box(r, c, faded(paint[r][c][0]), { data: { dimmed: `${r},${c}` } }) : box(r, c, paint[r][c][0]))));
    const right = x0 + cols * cell, bottom = y0 + rows * cell;
    out.push(path([...range(cols - 1).map((c) => [[x0 + (c + 1) * cell, y0], [x0 + (c + 1) * cell, bottom]]),
      ...range(rows - 1).map((r) => [[x0, y0 + (r + 1) * cell], [right, y0 + (r + 1) * cell]])], "white"));
    const tint = (x, y, w, h, what) => rect(x, y, w, h, DROPPED, { opacity: 0.25, data: { dropped: what } });
    if (dropRows) out.push(tint(x0, y0 + (rows - dropRows) * cell, cols * cell, dropRows * cell, `${dropRows} rows`));
    if (dropCols) out.push(tint(right - dropCols * cell, y0, dropCols * cell, (rows - dropRows) * cell, `${dropCols} columns`));
    texts.forEach((line, r) => line.forEach((t, c) => t && out.push(text(x0 + (c + 0.5) * cell, y0 + (r + 0.5) * cell
      + 0.36 * fontsize, t, fontsize, hatched[r][c] ? MASK_TEXT : dim(r, c) ? DIM_TEXT : paint[r][c][1],
      "middle", { data: { cell: `${r},${c}` } }))));
    out.push(...cells((r, c) => outlined[r][c]).map(([r, c]) =>
      box(r, c, "none", { stroke: HIGHLIGHT, strokeWidth: 2.5, data: { outline: `${r},${c}` } })));
    if (o.indices) {  // 10 px: the sweep's cells (18 px or more) keep them apart
      const [ri, ci] = o.indices;
      out.push(...range(cols).map((c) => text(x0 + (c + 0.5) * cell, y0 - 5, String(ci + c), 10, INDEX)),
        ...range(rows).map((r) => text(x0 - 5, y0 + 0.5 * cell + 3.6 + r * cell, String(ri + r), 10, INDEX, "end")));
    }
    return out.concat(titleTexts(title, x0 + panel.width / 2, y0 - above - 2));
  };
  return panel;
}

// The caption of the rows and columns no window reaches: grid.dropped_text.
export function droppedText(tr, [rows, cols], ceil = false) {
  if (!rows && !cols) return tr("the floor drops nothing: the last window ends on the last row and column");
  const parts = [];
  if (rows) parts.push(rows === 1 ? tr("{count} row at the bottom", { count: rows }) : tr("{count} rows at the bottom", { count: rows }));
  if (cols) parts.push(cols === 1 ? tr("{count} column at the right", { count: cols }) : tr("{count} columns at the right", { count: cols }));
  const what = parts.length === 2 ? tr("{first} and {second}", { first: parts[0], second: parts[1] }) : parts[0];
  if (ceil) return tr("{what} unread (tinted purple): no window may start past the input", { what });
  return tr("the floor drops {what} of the padded input (tinted purple): the next stride would run off the edge", { what });
}

// The marks of a padded input (`shape`) under windows (per axis: n input rows after
// p of padding, `out` windows `span` long every s, reading every d-th row): padding
// hatched, the rows and columns the floor drops, and those a stride larger than the
// window, or a dilation, skips (faded and named: grid.unread).
export function inputMarks(tr, shape, axes) {
  const skipped = axes.map(({ n, p, out, s, span, d = 1 }) => {
    const read = range(out).flatMap((i) => range(span).filter((t) => t % d === 0).map((t) => i * s + t - p));
    return range(Math.min(n, Math.max(...read))).filter((r) => !read.includes(r));
  });
  const cells = (f) => matrix(...shape, (r, c) => [r, c].some((x, a) => f(x - axes[a].p, a)));
  const [rows, columns] = skipped.map((xs) => xs.join(", ") || tr("none"));
  const text = tr("skipped by every window (faded): rows {rows}; columns {columns}", { rows, columns });
  return { hatched: cells((x, a) => x < 0 || x >= axes[a].n), unread: cells((x, a) => skipped[a].includes(x)),
    dropped: axes.map(({ n, p, out, s, span }) => Math.max(0, n + 2 * p - (out - 1) * s - span)),
    skipped, skippedText: skipped.flat().length ? [text] : [] };
}

// A colour ("#rrggbb") 65% of the way to white, each channel rounded half up.
export const faded = (color) => "#" + [1, 3, 5].map((k) => parseInt(color.slice(k, k + 2), 16))
  .map((v) => Math.floor((7 * v + 13 * 255 + 10) / 20).toString(16).padStart(2, "0")).join("");

// Rising diagonal lines across a box, as segments: grid._hatch.
function hatch(x, y, w, h, spacing = 7) {
  const lines = [];
  for (let t = spacing / 2; t < w + h; t += spacing) {
    const u0 = Math.max(0, t - h), u1 = Math.min(w, t);
    lines.push([[x + u0, y + h - t + u0], [x + u1, y + h - t + u1]]);
  }
  return lines;
}

// Lines of text, left-aligned: picture.Lines.
export function lines(strings, o = {}) {
  const size = o.size ?? LINE_SIZE, mono = o.mono ?? true, bold = new Set(o.bold ?? []), step = size * 1.35;
  const panel = makePanel(o.label, Math.max(0, ...strings.map(textUnits)) * size * 0.61, strings.length * step);
  panel.primitives = () => strings.flatMap((line, k) => (line ? [text(panel.x,
    panel.y + (k + 1) * step - 0.35 * size, line, size, "black", "start", { bold: bold.has(k), mono })] : []));
  return panel;
}

// A small line plot: series of [xs, ys, colour, name] in the box xlim x
// ylim; a non-finite point breaks its line (as NaN does); the legend right of
// the box; whole x ticks when every x is whole: plot.Plot.
export function plot(series, o) {
  const { width, height, xlim, ylim, title } = o;
  const names = Math.max(0, ...series.map((s) => textUnits(s[3])));
  const integerX = series.every(([xs]) => xs.every((v) => !Number.isFinite(v) || v % 1 === 0));
  const panel = makePanel(o.label, width, height, title.split("\n").length * TITLE_SIZE * 1.25 + 20, [46, 36 + 6 * names]);
  const px = (v) => panel.x + ((v - xlim[0]) / (xlim[1] - xlim[0])) * width;
  const py = (v) => panel.y + height - ((v - ylim[0]) / (ylim[1] - ylim[0])) * height;
  panel.primitives = () => {
    const { x, y } = panel, grey = "#444444";
    const out = [rect(x, y, width, height, "white", { stroke: grey, strokeWidth: 1 })];
    for (const v of ticks(...xlim, 5, integerX)) out.push(path([[[px(v), y + height], [px(v), y + height + 4]]], grey),
      text(px(v), y + height + 15, general(v), 10, INDEX));
    for (const v of ticks(...ylim)) out.push(path([[[x - 4, py(v)], [x, py(v)]]], grey),
      text(x - 6, py(v) + 3.5, general(v), 10, INDEX, "end"));
    series.forEach(([xs, ys, color, name], k) => {
      const pieces = [[]];
      xs.forEach((v, i) => {
        const [a, b] = [px(v), py(ys[i])];
        if (Number.isFinite(a) && Number.isFinite(b)) pieces[pieces.length - 1].push([a, b]);
        else pieces.push([]);
      });
      out.push(path(pieces.filter((line) => line.length), color, 2, { series: name }),
        rect(x + width + 8, y + 8 + 15 * k, 14, 3, color), text(x + width + 26, y + 13 + 15 * k, name, 10, "black", "start"));
    });
    out.push(text(x + width / 2, y + height + 30, o.xlabel, 11));
    if (o.ylabel) out.push(text(x, y - 6, o.ylabel, 11, "black", "start"));
    return out.concat(titleTexts(title, x + width / 2, y - 22));
  };
  return panel;
}

// Round tick values between lo and hi (whole numbers if integer): plot._ticks.
export function ticks(lo, hi, count = 5, integer = false) {
  let step = 10 ** Math.floor(Math.log10((hi - lo) / count)), factor = 1;
  for (factor of [1, 2, 5, 10]) if ((hi - lo) / (step * factor) <= count) break;
  step = integer ? Math.max(step * factor, 1) : step * factor;
  const first = Math.ceil(lo / step - 1e-9) * step;
  return range(Math.floor((hi - first) / step + 1e-9) + 1).map((k) => Math.round((first + k * step) * 1e10) / 1e10);
}

// Place panels side by side, bodies aligned under the tallest title: picture.row.
export function row(panels, x = MARGIN, y = MARGIN, gap = GAP) {
  const top = Math.max(0, ...panels.map((p) => p.top));
  for (const p of panels) {
    [p.x, p.y] = [x + p.span[0], y + top];
    x += p.span[0] + p.width + p.span[1] + gap;
  }
  return y + top + Math.max(0, ...panels.map((p) => p.height));
}

// Coordinates as Python's f"{v:.5g}" writes them: the common case (an
// integer) fast, a picture has thousands of numbers.
const g5 = (v) => (Number.isInteger(v) && Math.abs(v) < 1e5 ? String(v) : general(v, 5));
const escapeXml = (s, quote = true) => {
  s = String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return quote ? s.replace(/"/g, "&quot;").replace(/'/g, "&#x27;") : s;
};
const dataAttributes = (data) => Object.entries(data ?? {}).map(([k, v]) => ` data-${k}="${escapeXml(v)}"`).join("");

// The box [x0, y0, x1, y1] a primitive covers (text: an estimate).
function extent(p) {
  if (p.type === "text") {
    const width = textUnits(p.text) * p.size * (p.mono ? 0.61 : 0.6);
    const left = p.x - { start: 0, middle: width / 2, end: width }[p.anchor];
    return [left, p.y - p.size, left + width, p.y + 0.3 * p.size];
  }
  const half = p.strokeWidth / 2;
  if (p.type === "rect") return [p.x - half, p.y - half, p.x + p.width + half, p.y + p.height + half];
  const xs = p.lines.flat().map((q) => q[0]), ys = p.lines.flat().map((q) => q[1]);
  return xs.length ? [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] : null;
}

function primitiveSvg(p, mono) {
  const data = dataAttributes(p.data);
  if (p.type === "rect") {
    let extra = p.strokeWidth ? ` stroke="${p.stroke}" stroke-width="${g5(p.strokeWidth)}"` : "";
    if (p.opacity !== 1) extra += ` fill-opacity="${p.opacity}"`;
    return `<rect x="${g5(p.x)}" y="${g5(p.y)}" width="${g5(p.width)}" height="${g5(p.height)}" fill="${p.fill}"${extra}${data}/>`;
  }
  if (p.type === "text") {
    let extra = p.anchor === "start" ? "" : ` text-anchor="${p.anchor}"`;
    if (p.bold) extra += ' font-weight="bold"';
    if (p.mono) extra += ` font-family="${mono}" xml:space="preserve"`;
    if (p.color !== "black") extra += ` fill="${p.color}"`;
    return `<text x="${g5(p.x)}" y="${g5(p.y)}" font-size="${g5(p.size)}"${extra}${data}>${escapeXml(p.text, false)}</text>`;
  }
  const d = p.lines.map((line) => "M" + line.map(([x, y]) => `${g5(x)} ${g5(y)}`).join(" L")).join(" ");
  return `<path d="${d}" fill="none" stroke="${p.stroke}" stroke-width="${g5(p.strokeWidth)}"${data}/>`;
}

// The SVG text of placed panels, one element a line: picture.Picture.svg.
export function toSvg(panels, title, language = "en") {
  const groups = panels.map((p) => [escapeXml(p.label), p.primitives()]);
  const boxes = groups.flatMap(([, items]) => items.map(extent)).filter(Boolean);
  const [x0, y0, x1, y1] = [0, 1, 2, 3].map((k) => (k < 2 ? Math.min(...boxes.map((b) => b[k])) - MARGIN
    : Math.max(...boxes.map((b) => b[k])) + MARGIN));
  const w = Math.ceil(x1 - x0), h = Math.ceil(y1 - y0), [x, y] = [Math.floor(x0), Math.floor(y0)];
  const [sans, mono] = FONTS[language] ?? FONTS.en, name = escapeXml(title);
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${x} ${y} ${w} ${h}" ` +
    `font-family="${sans}" role="group" aria-label="${name}">`, `<title>${name}</title>`,
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="white"/>`,
  ...groups.flatMap(([label, items]) => [`<g role="group" aria-label="${label}"><title>${label}</title>`,
    ...items.map((item) => primitiveSvg(item, mono)), "</g>"]), "</svg>"].join("\n");
}

// ---- convolution sizes -----------------------------------------------------

// One axis of nn.Conv2d: n input, k kernel, s stride, p padding per side, d
// dilation. An empty output throws the explanation shapes.py gives.
export function axisGeometry(tr, axis, n, k, s, p, d) {
  const out = Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1, span = d * (k - 1) + 1;
  const formula = `floor((n + 2p - d(k-1) - 1)/s) + 1 = floor((${n} + 2*${p} - ${d}*(${k}-1) - 1)/${s}) + 1 = ${out}`;
  const name = axisName(tr, axis);
  if (out < 1 && s === 1 && d === 1 && p === 0) {
    throw new Error(tr("output {axis} = n - k + 1 = {n} - {k} + 1 = {out} < 1: kernel_size {k} is larger than the input {n}", { axis: name, n, k, out }));
  }
  if (out < 1) {
    throw new Error(tr("output {axis} = {formula} < 1: kernel_size {k} (effective size d(k-1) + 1 = {span}) is larger than the padded input {n} + {padding} = {padded}",
      { axis: name, formula, k, span, n, padding: `2*${p}`, padded: n + 2 * p }));
  }
  return { n, k, s, d, p, out, span, formula };
}

// ---- the page: the model, the controls, the picture -------------------------

// A model for a page with no kernel (the course website, the tests' pages):
// the state the notebook run saved, with anywidget's get, set and on.
export function pageModel(state) {
  const handlers = {}, on = (event, f) => { (handlers[event] ??= []).push(f); };
  const set = (name, value) => { state[name] = value; (handlers[`change:${name}`] ?? []).forEach((f) => f()); };
  return { d2lconvStatic: true, get: (name) => state[name], set, on, save_changes() {} };
}

// Draw an explorer in `el` from a saved state (its module's render).
export const mount = (el, state) => render({ model: pageModel(state), el });

const box = (tag, className, css = "") => Object.assign(document.createElement(tag), { className, style: css });

// A control: `input`, named as its setting (tests find it so), with its label;
// `read` gives its value to `onChange` on each `event`, `set` writes it.
function labelled(name, labelText, input, event, read, set, onChange) {
  globalThis.d2lconvControls = (globalThis.d2lconvControls ?? 0) + 1;
  Object.assign(input, { id: `d2lconv-control-${globalThis.d2lconvControls}`, name });
  const el = box("span", "d2lconv-control",
    "display:inline-flex;align-items:center;gap:6px;margin:2px 14px 2px 0;font:13px sans-serif");
  el.append(Object.assign(document.createElement("label"), { htmlFor: input.id, textContent: labelText }), input);
  // JupyterLab takes arrow keys for its own shortcuts unless they stop here.
  input.addEventListener("keydown", (e) => e.stopPropagation());
  input.addEventListener(event, () => onChange(read()));
  return { el, input, set, get value() { return read(); } };
}

// A slider: `input` events while it moves (drag, arrow keys), value shown;
// `set(v, high)` also moves its end.
export function slider(name, labelText, min, max, value, onInput) {
  const input = Object.assign(document.createElement("input"), { type: "range", min, step: 1 });
  const shown = document.createElement("output");
  const set = (x, high = Number(input.max)) => {  // wider for a long range: 120 to 320 px
    input.max = high;
    input.style.width = `${Math.min(320, Math.max(120, 3 * (high - min)))}px`;
    input.value = Math.min(Math.max(x, Number(input.min)), high);
    shown.textContent = input.value;
  };
  const control = labelled(name, labelText, input, "input", () => Number(input.value), set,
    (x) => { shown.textContent = x; onInput(x); });
  control.el.append(shown);
  set(value, max);
  return control;
}

// Play: steps `control` (a slider) to its end, at the speed (steps per second,
// 1 to `fastest`) of its own slider; `name`: the button's text until it plays.
export function player(tr, control, onStep, fastest = 10, speed = 2, name = tr("Play")) {
  const button = Object.assign(box("button", "", "margin:2px 14px 2px 0;font:13px sans-serif;min-width:5em"), { type: "button", name: "play" });
  const pace = slider("speed", tr("speed (steps per second)"), 1, fastest, speed, () => {});
  let timer = null;
  const label = () => { button.textContent = timer ? tr("Pause") : name; };
  const stop = () => { clearInterval(timer); timer = null; label(); };
  const next = (x) => { control.set(x); onStep(x); };
  button.addEventListener("click", () => {
    if (timer) return stop();
    if (control.value >= Number(control.input.max)) next(0);
    timer = setInterval(() => (control.value < Number(control.input.max) ? next(control.value + 1) : stop()),
      1000 / pace.value);
    label();
  });
  label();
  return { el: button, speed: pace, stop };
}

// Redraw a picture in place when only some of its elements changed (a step
// of the sweep moves an outline and a few numbers): toSvg writes one element
// per line, so the lines that differ name the elements to replace. Returns
// false, and changes nothing, when the panels themselves changed.
function patch(picture, before, lines) {
  if (!before || before.length !== lines.length) return false;
  const changed = [];
  let element = 0;  // the element of `before`'s line i, in document order
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== before[i]) {
      if (/^<\/?(g|svg)\b/.test(lines[i])) return false;
      changed.push([element, lines[i]]);
    }
    if (lines[i].startsWith("<g")) element += 2;  // the group and its <title>
    else if (!lines[i].startsWith("</")) element += 1;
  }
  const fresh = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  fresh.innerHTML = changed.map(([, line]) => line).join("");
  const elements = picture.querySelectorAll("*");
  for (const [index] of changed) elements[index].replaceWith(fresh.children[0]);
  return true;
}

// ---- an explorer: its settings, controls and picture ------------------------

// The topics a lesson may teach, in nn.Conv2d's argument order: a topic's
// sliders (padding, stride_h, ...) show once taught (`topics`).
export const TOPICS = ["stride", "padding", "dilation"];

// A control of a table: [name, label, low, high] a slider, [name, label,
// [[label, value], ...]] a choice (a number stays a number), [name, label] a
// checkbox. Labels are English, shown through tr.
function control(tr, [name, label, a, b], value, onChange) {
  if (b !== undefined) return slider(name, tr(label), a, b, value, onChange);
  const input = document.createElement(a ? "select" : "input");
  if (!a) {
    Object.assign(input, { type: "checkbox", checked: value });
    return labelled(name, tr(label), input, "change", () => input.checked, (x) => { input.checked = x; }, onChange);
  }
  for (const [text, x] of a) input.add(new Option(tr(text), x, false, x === value));
  return labelled(name, tr(label), input, "change", () => a[input.selectedIndex][1], (x) => { input.value = x; }, onChange);
}

// What every explorer does: `v` holds its settings (the model's values of the
// table's names and `o.names`); a control changes `v`, redraws and saves.
// `o.picture(tr, v, model)` gives {svg, cells} or throws an Error whose
// message is shown instead. `table`: lines of controls, specs (see `control`),
// "note" (says when a control needs Python) and "play" (Play, the slider of
// the picture's `cells` steps and its speed; `o.play`: {name, label, fastest,
// speed, button, keep: the model keeps the step too}). `o.asks`: settings only
// Python answers (off on a page with no kernel); `o.changes(name, value)`: the
// settings a choice changes; `o.enabled`: name -> when, of `v`, its control is enabled.
export function explorer({ model, el }, table, o) {
  const tr = translator(model.get("text"));
  const step = o.play?.name;
  const names = [...table.flat().filter(Array.isArray).map((s) => s[0]), ...(o.names ?? []), ...(step ? [step] : [])];
  const v = Object.fromEntries(names.map((name) => [name, model.get(name)]));
  const topic = ([name]) => name.split("_")[0];
  const taught = (s) => !v.topics || !TOPICS.includes(topic(s)) || v.topics.includes(topic(s));
  const note = box("div", "d2lconv-kernel-note", "min-height:1.3em;font:13px sans-serif;color:#8a4b00");
  note.setAttribute("role", "status");
  const controls = {}, offline = model.d2lconvStatic ? o.asks ?? [] : [];
  let play = null, shown = null, sending, waiting;
  const build = (item) => {
    if (item === "note") return [note];
    if (item === "play") {
      const { label, fastest, speed, button } = o.play;
      const show = (x) => { v[step] = x; draw(); };
      controls[step] = slider(step, tr(label), 0, 0, v[step], show);
      play = player(tr, controls[step], show, fastest, speed, button && tr(button));
      return [play, controls[step], play.speed];
    }
    if (!taught(item)) return [];
    const [name] = item, asks = o.asks?.includes(name);
    controls[name] = control(tr, item, v[name], (x) => (asks ? ask(name, x) : change(name, x)));
    // A control whose changes only Python can answer (the tests find it).
    if (asks) controls[name].input.dataset.needsPython = "true";
    controls[name].input.disabled = offline.includes(name);
    return [controls[name]];
  };
  const top = box("div", "d2lconv-controls");
  for (const items of table) {
    const line = box("div", "", "display:flex;flex-wrap:wrap;align-items:center");
    line.append(...items.flatMap(build).map((c) => c.el ?? c));
    top.append(line);
  }
  // With no kernel, the note says once which controls need one, by their labels.
  const off = offline.map((name) => controls[name].el.querySelector("label").textContent).join(tr(", "));
  if (off) note.textContent = tr("These controls need Python (PyTorch computes their results), so they are off on this page: {controls}. To use them, open the notebook in Jupyter or Colab and run it.", { controls: off });
  const picture = box("div", "d2lconv-picture", "overflow-x:auto;contain:content");
  const explanation = box("div", "d2lconv-explanation", "display:none;padding:8px;" +
    "border-left:4px solid #d62728;background:#fff5f5;white-space:pre-wrap;font-family:monospace");
  explanation.setAttribute("role", "alert");
  el.classList.add("d2lconv-explorer");
  el.replaceChildren(top, explanation, picture);

  // Settings go to the model at once; unless `send` is false (a step of
  // Play), Python hears of them once a drag or a run of keys pauses: the
  // picture does not wait, and Python gets the last setting once (a saved
  // page has no kernel to send them to).
  const send = () => {
    try { model.save_changes(); } catch (e) { /* no kernel: keep drawing (ask says so) */ }
  };
  function save(changes, later = true) {
    for (const [k, x] of Object.entries(changes)) model.set(k, x);
    if (!later) return;
    clearTimeout(sending);
    sending = setTimeout(send, 100);
  }
  // A setting only Python answers (a new seed, a training run): the note
  // says so until Python has answered, or that the kernel is missing.
  function ask(name, x) {
    const before = model.get("answered");
    v[name] = x;
    save({ [name]: x }, false);
    send();
    note.textContent = tr("asking Python...");
    clearTimeout(waiting);
    waiting = setTimeout(() => {
      if (model.get("answered") === before) note.textContent = tr("No answer from Python: this control needs a running kernel. Run the notebook's cells (Run All) to use it.");
    }, 3000);
  }
  model.on("change:answered", () => { clearTimeout(waiting); note.textContent = ""; });
  function change(name, x) {
    const changes = o.changes?.(name, x) ?? { [name]: x };
    Object.assign(v, changes);
    for (const [other, value] of Object.entries(changes)) controls[other]?.set(value);
    draw();
    save(changes);
  }
  function draw() {
    for (const [name, when] of Object.entries(o.enabled ?? {})) controls[name].input.disabled = offline.includes(name) || !when(v);
    let cells = 1;
    try {
      const p = o.picture(tr, v, model), lines = p.svg.split("\n");
      cells = p.cells;
      if (!patch(picture, shown, lines)) picture.innerHTML = p.svg;
      shown = lines;
      [picture.style.display, explanation.style.display] = ["", "none"];
    } catch (err) {
      explanation.textContent = err.message;
      [picture.style.display, explanation.style.display] = ["none", ""];
    }
    if (!step) return;
    v[step] = Math.min(v[step], cells - 1);
    if (o.play.keep) save({ [step]: v[step] }, false);
    controls[step].set(v[step], cells - 1);
    controls[step].input.disabled = play.el.disabled = cells === 1;
  }
  draw();
  return { v, controls, draw, stop: () => play?.stop() };
}
