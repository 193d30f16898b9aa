// training.js (after core.js): gradient descent learning the edge kernel
// [1, -1]. PyTorch trains (train_kernel) and sends the whole run; the page
// draws any step as training.draw_training does for history[:step + 1].

// training.LEARNING_RATES (a test checks that the two lists agree).
const LEARNING_RATES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.1];
const LOSS_RANGE = [1e-8, 1e4], KERNEL_RANGE = 3;

// Python sends a number that is not finite (a diverging run) as a string;
// its other strings (the start's line) are texts.
const NOT_FINITE = ["Infinity", "-Infinity", "NaN"];
const numbers = (x) => (Array.isArray(x) ? x.map(numbers) : NOT_FINITE.includes(x) ? Number(x) : x);
export const decode = (run) => Object.fromEntries(Object.entries(run).map(([k, v]) => [k, numbers(v)]));

// training._fmt2: two decimals; a diverging run's values shown as out of range.
export function fmt2(value) {
  if (Number.isNaN(value)) return "nan";
  if (Math.abs(value) >= 100) return value > 0 ? ">99" : "<-99";
  return fixed(value, 2).replace(/^-0\.00$/, "0.00");
}
const vector = (values) => `[${values.map(fmt2).join(", ")}]`;
const clip = (v, lo, hi) => (Number.isNaN(v) ? v : Math.min(Math.max(v, lo), hi));

// The status lines at step t (the step's numbers; lr against its limit): training._status.
export function statusText(tr, run, t) {
  const finite = Number.isFinite(run.loss[t]), kernel = vector(run.kernel[t]);
  let text = finite
    ? tr("step {step}/{steps}: loss {loss:.3g}, kernel {kernel}", { step: t, steps: run.steps, loss: run.loss[t], kernel })
    : tr("stopped at step {step}: the loss overflowed, kernel {kernel}", { step: t, kernel });
  // A gradient of an overflowed loss says nothing: it is left out.
  if (finite) text = tr("{status} (gradient {gradient})", { status: text, gradient: vector(run.grad[t]) });
  if (run.bias) {
    text = tr("{status}, bias {bias}", { status: text, bias: fmt2(run.bias[t]) });
    if (finite) text = tr("{status} (gradient {gradient})", { status: text, gradient: fmt2(run.bias_grad[t]) });
  }
  const converges = run.lr < run.limit;
  return [text, tr("lr {lr} {rule} largest stable rate 2/lambda_max = {limit:.4f}: {verdict}", {
    lr: run.lr, rule: converges ? "<" : ">=", limit: run.limit, verdict: converges ? tr("converges") : tr("diverges") })];
}

// The picture of the run at step t: training.draw_training(history[:t + 1]).
export function trainingPicture(tr, run, t, palettes, language = "en") {
  const xs = range(t + 1), upTo = (values) => values.slice(0, t + 1), logRange = LOSS_RANGE.map(Math.log10);
  const losses = upTo(run.loss).map((v) => clip(Math.log10(Math.max(v, LOSS_RANGE[0])), ...logRange));
  const axes = { width: 260, height: 170, xlabel: tr("step"), xlim: [0, Math.max(1, run.steps)], tr };
  const loss = plot([[xs, losses, "#1f77b4", tr("loss")]], { ...axes, title: tr("loss: sum of squared errors"),
    ylabel: tr("log10(loss)"), ylim: logRange, label: tr("loss per step") });
  const kernelClip = (v) => clip(v, -KERNEL_RANGE, KERNEL_RANGE);
  const series = [
    [[0, run.steps, NaN, 0, run.steps], [1, 1, NaN, -1, -1], "#999999", "[1, -1]"],
    [xs, upTo(run.kernel).map((k) => kernelClip(k[0])), "#d62728", "K[0, 0]"],
    [xs, upTo(run.kernel).map((k) => kernelClip(k[1])), "#1f77b4", "K[0, 1]"],
  ];
  if (run.bias) series.push([xs, upTo(run.bias).map(kernelClip), "#2ca02c", tr("bias")]);
  const values = plot(series, { ...axes, title: tr("kernel values (grey: the edge detector)"),
    ylim: [-KERNEL_RANGE, KERNEL_RANGE], label: tr("kernel values per step") });
  const colours = { cmap: "RdBu_r", vmin: -1.5, vmax: 1.5, cell: 30, palettes, tr };
  const grids = [
    grid(run.output[t], { ...colours, title: tr("output at step {step}", { step: t }), fmt: fmt2 }),
    grid(run.target, { ...colours, title: tr("target Y = corr2d(X, [1, -1])") }),
  ];
  // A clipped curve says so: a flat line at the edge is not a plateau.
  const notes = [], raw = upTo(run.loss), shown = [...upTo(run.kernel).flat(), ...(run.bias ? upTo(run.bias) : [])];
  if (raw.some((v) => v < LOSS_RANGE[0])) notes.push(tr("loss below 1e-8 is drawn at the bottom: off the scale"));
  if (raw.some((v) => v > LOSS_RANGE[1])) notes.push(tr("loss above 1e4 is drawn at the top: off the scale"));
  if (shown.some((v) => Math.abs(v) > KERNEL_RANGE)) notes.push(tr("values beyond ±3 are drawn at the edge: off the scale"));
  // Python's line of the start (training.start_text): the kernel it gave, and why.
  const text = lines([...statusText(tr, run, t), ...(run.start ? [run.start] : []), ...notes],
    { bold: [0, 1], label: tr("text") });
  text.y = row(grids, MARGIN, row([loss, values]) + GAP) + GAP;  // plots over grids: a lesson's column
  const title = tr("learning the edge kernel: step {step} of {steps}", { step: t, steps: run.steps });
  return { svg: toSvg([loss, values, ...grids, text], title, language) };
}

// The settings PyTorch trains with: their controls ask Python.
const ASKS = ["lr", "steps", "seed", "init", "bias", "image"];
const CONTROLS = [
  [["lr", N_("learning rate"), LEARNING_RATES.map((r) => [String(r), r])],
    ["steps", N_("steps"), 1, 100], ["seed", N_("seed"), 0, 20]],
  [["init", N_("initialisation"), [[N_("random from N(0, 1)"), "random"],
    [N_("uniform random (nn.Conv2d's default)"), "uniform"], [N_("zeros"), "zeros"],
    [N_("[-1, 1], the detector's opposite"), "opposite"]]],
  ["bias", N_("learn a bias")],
  ["image", N_("input image"), [[N_("vertical"), "vertical"], [N_("diagonal"), "diagonal"]]]],
  ["play"],
  ["note"],
];

// The step slider and Train play the run in the page.
function render({ model, el }) {
  const ex = explorer({ model, el }, CONTROLS, {
    asks: ASKS,
    play: { name: "step", label: N_("step shown"), fastest: 50, speed: 20, button: N_("Train"), keep: true },
    picture(tr, v, m) {
      const run = decode(m.get("run"));
      const t = Math.min(v.step, run.loss.length - 1);
      const picture = trainingPicture(tr, run, t, m.get("palettes"), m.get("language"));
      return { ...picture, cells: run.loss.length };
    },
  });
  // Python's answer: a new run, shown at its last step, as training ends.
  model.on("change:run", () => {
    ex.stop();
    for (const name of ASKS) ex.controls[name].set(model.get(name));
    ex.v.step = Infinity;
    ex.draw();
  });
  return ex.stop;
}

export default { render };
