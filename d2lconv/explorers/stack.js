// stack.js (after core.js): equal square convolution layers stacked, sizes
// shrinking and the field growing, as stack.py's draw_stack draws them.

const BAR_COLOR = "#c6dbef", BAR_EDGE = "#6baed6", SEEN_COLOR = "#fd8d3c";
const FIELD_COLOR = "#e6550d", SIZE_COLOR = "#1f77b4";

// One layer's output size, or an Error explaining an empty output as
// receptive.py and shapes.py do (the layer named as the table names it).
function outputSize(tr, index, n, v) {
  const { kernel_size: k, padding: p, stride: s, dilation: d } = v;
  try {
    return axisGeometry(tr, 0, n, k, s, p, d).out;
  } catch (err) {
    const layer = `${tr("conv")} ${k}x${k}${s !== 1 ? ` s=${s}` : ""}${p !== 0 ? ` p=${p}` : ""}${d !== 1 ? ` d=${d}` : ""}`;
    throw new Error(tr("layer {index}: {layer}: {reason}", { index, layer, reason: err.message }));
  }
}

// Every level, input first: size, receptive field and jump (receptive.py: r' =
// r + d(k-1)j, j' = js), and the rows the last layer's centre output sees
// (stack.centre_windows), in BigInts: 60 layers of stride 3 jump 3^60.
export function stackTable(tr, v) {
  const { kernel_size: k, padding: p, stride: s, dilation: d } = v;
  const levels = [{ size: v.input_size, field: 1n, jump: 1n }];
  for (let i = 1; i <= v.count; i++) {
    const below = levels[i - 1];
    levels.push({ size: outputSize(tr, i, below.size, v),
      field: below.field + BigInt(d * (k - 1)) * below.jump, jump: below.jump * BigInt(s) });
  }
  const centre = BigInt((levels[v.count].size - 1) >> 1);
  let window = [centre, centre];
  for (let i = v.count; i >= 0; i--) {
    levels[i].window = window;
    const [r0, r1] = window;
    window = [r0 * BigInt(s) - BigInt(p), r1 * BigInt(s) - BigInt(p) + BigInt(d * (k - 1))];
  }
  return levels;
}

// One bar per level, as wide as its height in pixels; orange: what is seen (stack.Bars).
function bars(tr, levels, title, width = 420) {
  const count = levels.length, bar = Math.min(18.0, Math.max(5.0, 480 / count));
  const widest = Math.max(...levels.map((l) => l.size)), scale = width / widest;
  const panel = makePanel(tr("size per layer ({count}-layer stack)", { count: count - 1 }),
    width + 120, bar * count, 2 * 13 * 1.25 + 8);
  panel.primitives = () => {
    const out = [], right = widest * scale;
    levels.forEach(({ size: h, window: [r0, r1] }, level) => {
      const y = panel.y + level * bar, left = panel.x + (right - h * scale) / 2;
      const english = level === 0 ? "input" : `layer ${level}`; // data-seen
      const name = level === 0 ? tr("input") : tr("layer {level}", { level });
      out.push(rect(left, y + 1, h * scale, bar - 2, BAR_COLOR, { stroke: BAR_EDGE, strokeWidth: 0.5 }));
      // What the centre output sees, clipped to the level (beyond: padding).
      const lo = r0 > 0n ? Number(r0) : 0, hi = r1 < BigInt(h - 1) ? Number(r1) : h - 1;
      if (lo <= hi) out.push(rect(left + lo * scale, y + 1, (hi - lo + 1) * scale, bar - 2, SEEN_COLOR,
        { data: { seen: `${english}: rows ${lo}..${hi} of ${h}` } }));
      if (count <= 24 || level === 0 || level === count - 1 || level % 5 === 0) {
        const size = count <= 24 ? Math.min(11.0, bar * 0.8) : 9.0;
        out.push(text(panel.x + right + 8, y + bar / 2 + 0.36 * size, tr("{name}: {h}x{w}", { name, h, w: h }),
          size, "black", "start", { data: { level } }));
      }
    });
    return out.concat(titleTexts(title, panel.x + panel.width / 2, panel.y - 8, 12));
  };
  return panel;
}

// The picture: stack.draw_stack. Throws an Error explaining an empty layer.
export function stackPicture(tr, v, language = "en") {
  const levels = stackTable(tr, v);
  const left = bars(tr, levels, tr("size per layer (height axis)\norange: what the centre output of the last layer sees"));
  const xs = range(levels.length), sizes = levels.map((l) => l.size), fields = levels.map((l) => l.field);
  const widest = fields.reduce((a, b) => (b > a ? b : a), BigInt(Math.max(...sizes)));
  const last = levels[v.count], field = String(last.field), jump = String(last.jump);
  const right = plot([
    [xs, sizes, SIZE_COLOR, tr("output height")],
    [xs, fields.map(Number), FIELD_COLOR, tr("receptive field (rows)")],
  ], {
    width: 300, height: Math.max(160, Math.min(left.height, 300)), xlim: [0, v.count], ylim: [0, 1.05 * Number(widest)],
    title: tr("after layer {count}: {h}x{w}, field {field_h}x{field_w}, jump {jump_h}x{jump_w}", {
      count: v.count, h: last.size, w: last.size, field_h: field, field_w: field, jump_h: jump, jump_w: jump,
    }),
    xlabel: tr("layer (0 = input)"), ylabel: tr("pixels"), label: tr("output height and receptive field per layer"), tr,
  });
  row([right], MARGIN, row([left]) + GAP);  // the plot under the bars, within a lesson's column
  const title = tr("a {count}-layer stack on a {input} input",
    { count: v.count, input: tupleText([v.input_size, v.input_size]) });
  return { svg: toSvg([left, right], title, language), levels };
}

// The sliders, those of `TOPICS` shown once the lesson has taught them.
const CONTROLS = [
  [["count", N_("layers"), 1, 60], ["input_size", N_("input size"), 1, 256],
    ["kernel_size", N_("kernel size"), 1, 7]],
  [["padding", N_("padding (each side)"), 0, 3], ["stride", N_("stride"), 1, 3],
    ["dilation", N_("dilation"), 1, 3]],
  ["note"],
];

function render({ model, el }) {
  explorer({ model, el }, CONTROLS, { names: ["topics"], picture: (tr, v, m) => stackPicture(tr, v, m.get("language")) });
}

export default { render };
