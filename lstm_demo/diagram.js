/* The LSTM cell drawing, live in the browser: no dependencies, no network.
 *
 * Works on an SVG made by lstm_demo/diagram.py (the cell) or lstm_demo/strip.py (the memory strip).
 * Everything numeric in it carries data attributes (data-field + data-seq + data-step, data-weight,
 * data-edge, data-bar, data-template); update() rewrites exactly those and the places of the days shown,
 * so the structure never changes and CSS transitions animate. Numbers print as lstm_demo/values.py's
 * fmt(): fixed decimals, half-to-even on exact ties, U+2212 for minus, no sign on a zero.
 *
 *   const traces = [LSTMDiagram.forward(weights, [0, 0.5, 0.25, 1]), LSTMDiagram.forward(weights, [1, ...])];
 *   LSTMDiagram.update(svg, weights, traces, 2);            // draw day 2
 *   LSTMDiagram.gradients(weights, [1, 0.5, 0.25, 1], 1);  // d loss / d each of the 12 parameters
 *
 * A classic script: it defines the global LSTMDiagram.
 */
const LSTMDiagram = (function () {
  "use strict";
  const PARAMETERS = [
    "w_xf", "w_hf", "b_f", "w_xi", "w_hi", "b_i", "w_xc", "w_hc", "b_c", "w_xo", "w_ho", "b_o",
  ];
  const VALUE_DIGITS = 4;
  const WEIGHT_DIGITS = 2;
  const MINUS = "\u2212";
  // lstm_demo/explore.py SWITCHES: force a gate to a constant.
  const SWITCHES = {
    "forget=1": ["forget", 1.0],
    "forget=0": ["forget", 0.0],
    "input=0": ["input", 0.0],
    "output=1": ["output", 1.0],
  };
  const GATE_FIELD = {
    forget: "forget_gate", input: "input_gate", candidate: "candidate", output: "output_gate",
  };
  const GATE_KEY = { forget: "f", input: "i", candidate: "c", output: "o" };

  const sigmoid = (z) => 1 / (1 + Math.exp(-z));

  function forced(switches) {
    const out = {};
    for (const name of switches || []) {
      if (!(name in SWITCHES)) throw new Error("unknown switch " + name);
      out[SWITCHES[name][0]] = SWITCHES[name][1];
    }
    return out;
  }

  /* The six equations, float64, C_0 = H_0 = 0. Returns arrays like lstm_demo.models.Trace plus the
   * values the drawing also shows (memories before the step, the two products, tanh(C)). */
  function forward(w, sequence, switches) {
    const force = forced(switches);
    const t = {
      input: [], forget_gate: [], input_gate: [], candidate: [], output_gate: [], long_memory: [],
      short_memory: [], long_memory_prev: [], short_memory_prev: [], kept: [], added: [], tanh_long: [],
    };
    let c = 0, h = 0;
    for (const x of sequence) {
      let f = sigmoid(x * w.w_xf + h * w.w_hf + w.b_f);  // F_t
      let i = sigmoid(x * w.w_xi + h * w.w_hi + w.b_i);  // I_t
      const g = Math.tanh(x * w.w_xc + h * w.w_hc + w.b_c);  // C~_t
      let o = sigmoid(x * w.w_xo + h * w.w_ho + w.b_o);  // O_t
      if ("forget" in force) f = force.forget;
      if ("input" in force) i = force.input;
      if ("output" in force) o = force.output;
      const kept = f * c, added = i * g;
      const cNew = kept + added;  // C_t = F_t * C_{t-1} + I_t * C~_t
      const th = Math.tanh(cNew);
      const hNew = o * th;  // H_t = O_t * tanh(C_t)
      t.input.push(x); t.forget_gate.push(f); t.input_gate.push(i); t.candidate.push(g);
      t.output_gate.push(o); t.long_memory_prev.push(c); t.short_memory_prev.push(h);
      t.kept.push(kept); t.added.push(added); t.tanh_long.push(th);
      t.long_memory.push(cNew); t.short_memory.push(hNew);
      c = cNew; h = hNew;
    }
    return t;
  }

  /* The gradient of L = (H_T - label)^2 with respect to each of the 12 parameters, by name: the
   * backward pass through time of lstm_demo/backward.py, for one sequence. A gate forced by a
   * switch is a constant: nothing flows into its parameters. */
  function gradients(w, sequence, label, switches) {
    const force = forced(switches);
    const t = forward(w, sequence, switches);
    const T = sequence.length;
    const d = {};
    for (const name of PARAMETERS) d[name] = 0;
    let dH = 2 * (t.short_memory[T - 1] - label);
    let dCnext = 0, fNext = 0;
    for (let k = T - 1; k >= 0; k--) {
      const x = t.input[k], hPrev = t.short_memory_prev[k], cPrev = t.long_memory_prev[k];
      const f = t.forget_gate[k], i = t.input_gate[k], g = t.candidate[k], o = t.output_gate[k], th = t.tanh_long[k];
      const dO = dH * th;
      const dC = dH * o * (1 - th * th) + dCnext * fNext;
      const dZ = {
        f: "forget" in force ? 0 : dC * cPrev * f * (1 - f),
        i: "input" in force ? 0 : dC * g * i * (1 - i),
        c: dC * i * (1 - g * g),
        o: "output" in force ? 0 : dO * o * (1 - o),
      };
      for (const key of "fico") {
        d["w_x" + key] += dZ[key] * x;
        d["w_h" + key] += dZ[key] * hPrev;
        d["b_" + key] += dZ[key];
      }
      dH = dZ.f * w.w_hf + dZ.i * w.w_hi + dZ.c * w.w_hc + dZ.o * w.w_ho;  // dH_{t-1}
      dCnext = dC; fNext = f;
    }
    return d;
  }

  /* Python's f"{abs(x):.{d}f}" (correctly rounded, ties to even) with U+2212 and no "-0". */
  function fmt(x, digits) {
    if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : (x > 0 ? "∞" : MINUS + "∞");
    const a = Math.abs(x);
    let s = a.toFixed(digits);  // exact, but ties go away from zero
    const exact = a.toFixed(Math.min(100, digits + 60));
    const cut = exact.indexOf(".") + (digits > 0 ? digits + 1 : 0);
    const rest = exact.slice(digits > 0 ? cut : exact.indexOf(".") + 1);
    if (/^50*$/.test(rest)) {  // an exact tie: round half to even, like Python
      const head = digits > 0 ? exact.slice(0, cut) : exact.slice(0, exact.indexOf("."));
      const last = Number(head[head.length - 1]);
      if (last % 2 === 0) s = head;
    }
    return x < 0 && /[1-9]/.test(s) ? MINUS + s : s;
  }

  /* A short number for an equation (lstm_demo/explain.py _plain): at most 4 decimals, no trailing zeros. */
  function plain(x) {
    let text = fmt(x, VALUE_DIGITS);
    if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
    return text === "" || text === MINUS ? "0" : text;
  }

  /* "a · b" inside a sum, signs printed properly (explain.py _term). */
  function term(a, b, first) {
    const fa = plain(a);
    let fb = plain(b);
    if (b < 0 && fb.startsWith(MINUS)) fb = "(" + fb + ")";
    if (first) return fa + " · " + fb;
    return fa.startsWith(MINUS) ? "− " + fa.slice(1) + " · " + fb : "+ " + fa + " · " + fb;
  }

  function bias(b) {
    const text = plain(b);
    return text.startsWith(MINUS) ? "− " + text.slice(1) : "+ " + text;
  }

  /* A gate's equation with one day's numbers (explain.py: the same text). */
  function gateEquation(gate, w, trace, day) {
    const k = GATE_KEY[gate], at = day - 1;
    const head = { forget: "F_t", input: "I_t", candidate: "C̃_t", output: "O_t" }[gate];
    const fn = gate === "candidate" ? "tanh" : "σ";
    const x = trace.input[at], hPrev = trace.short_memory_prev[at];
    const terms = `${term(x, w["w_x" + k], true)} ${term(hPrev, w["w_h" + k], false)} ${bias(w["b_" + k])}`;
    return `${head} = ${fn}(X_t · w_x${k} + H_t−1 · w_h${k} + b_${k}) = ${fn}(${terms}) = ` +
      fmt(trace[GATE_FIELD[gate]][at], VALUE_DIGITS);
  }

  /* The three stages' equations of one day (explain.py _explain's equations). */
  function stageEquations(w, trace, day) {
    const at = day - 1, v = (name) => fmt(trace[name][at], VALUE_DIGITS);
    return [
      [gateEquation("forget", w, trace, day),
        `F_t · C_t−1 = ${term(trace.forget_gate[at], trace.long_memory_prev[at], true)} = ${v("kept")}`],
      [gateEquation("input", w, trace, day), gateEquation("candidate", w, trace, day),
        `C_t = F_t · C_t−1 + I_t · C̃_t = ${v("kept")} ${bias(trace.added[at])} = ${v("long_memory")}`],
      [gateEquation("output", w, trace, day),
        `H_t = O_t · tanh(C_t) = ${term(trace.output_gate[at], Math.tanh(trace.long_memory[at]), true)} = ` +
        v("short_memory")],
    ];
  }

  /* A Python format string's subset that the catalogue uses: {name}, {name:.0%}, {name:+.3f},
   * {name:.2e}, {name:.4g}, {name:g}, {name:,}, {{ and }}. */
  function format(template, params) {
    return template.replace(/\{\{|\}\}|\{([a-z_0-9]+)(?::([^{}]*))?\}/g, (all, name, spec) => {
      if (all === "{{") return "{";
      if (all === "}}") return "}";
      const value = params[name];
      if (!spec || typeof value !== "number") return String(value);
      const m = /^(\+)?(,)?(?:\.(\d+))?([efg%])?$/.exec(spec);
      if (!m) return String(value);
      const [, plus, comma, digits, kind] = m;
      let text;
      if (kind === "%") text = pyFixed(value * 100, Number(digits || 6)) + "%";
      else if (kind === "f") text = pyFixed(value, Number(digits || 6));
      else if (kind === "g") text = pyGeneral(value, digits === undefined ? 6 : Number(digits));
      else if (kind === "e") text = pyExponent(value, Number(digits || 6));
      else text = String(value);
      if (comma) text = text.replace(/^(-?)(\d+)/, (_, sign, whole) => sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
      if (plus && !text.startsWith("-")) text = "+" + text;
      return text;
    });
  }

  /* Python's f"{x:.{digits}f}": a negative number keeps its sign even when it prints as zero. */
  function pyFixed(x, digits) {
    return (x < 0 || Object.is(x, -0) ? "-" : "") + fmt(Math.abs(x), digits);
  }

  function pyExponent(x, digits) {
    const [mantissa, exp] = x.toExponential(digits).split("e");
    const e = Number(exp);
    return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }

  function pyGeneral(x, precision) {
    if (x === 0) return "0";
    const p = precision === 0 ? 1 : precision;
    const exponent = Math.floor(Math.log10(Math.abs(x)));
    if (exponent < -4 || exponent >= p) {
      let [mantissa, exp] = x.toExponential(p - 1).split("e");
      if (mantissa.includes(".")) mantissa = mantissa.replace(/0+$/, "").replace(/\.$/, "");
      const e = Number(exp);
      return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
    }
    let text = pyFixed(x, Math.max(0, p - 1 - exponent));
    if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
    return text;
  }

  const edgeWidth = (w) => (Number.isFinite(w) ? Math.round(Math.min(8, 1 + 1.5 * Math.abs(w)) * 100) / 100 : 1);

  /* The days a row of `window` slots shows for `step`: day 1 always, then the days around `step`
   * (lstm_demo/svg.py window_days). */
  function windowDays(length, step, window) {
    if (length <= window) return Array.from({ length }, (_, k) => k + 1);
    if (window === 1) return [step];
    const first = Math.max(2, Math.min(step - Math.floor((window - 2) / 2), length - window + 2));
    return [1, ...Array.from({ length: window - 1 }, (_, k) => first + k)];
  }

  const gapBefore = (days, slot) => slot > 0 && slot < days.length && days[slot] - days[slot - 1] > 1;

  function slotX(geo, slot, current) {
    const x = geo.margin + geo.gap + slot * (geo.compactW + geo.gap);
    return x + (slot > current ? geo.cellW - geo.compactW : 0);
  }

  /* Look up the nodes once per SVG: afterwards an update touches only what changed. */
  function index(svg) {
    if (svg.__lstm) return svg.__lstm;
    const num = (name) => Number(svg.getAttribute(name));
    const geo = {
      window: num("data-window"), cellW: num("data-cell-w"), compactW: num("data-compact-w"),
      gap: num("data-gap"), margin: num("data-margin"),
    };
    const rows = Array.from(svg.querySelectorAll("g.row")).map((row) => {
      const slotOf = (el) => {
        const holder = el.closest("[data-slot]");
        return holder && holder.closest("g.row") === row ? holder.getAttribute("data-slot") : "row";
      };
      return {
        seq: Number(row.getAttribute("data-seq")),
        length: Number(row.getAttribute("data-length")),
        slots: Array.from(row.querySelectorAll("g.slot")),
        cell: row.querySelector("g.cell"),
        gap: row.querySelector('[data-ellipsis="gap"]'),
        after: row.querySelector('[data-ellipsis="after"]'),
        fields: Array.from(row.querySelectorAll("[data-field]")).map((el) => ({
          el, field: el.getAttribute("data-field"), slot: slotOf(el), last: el.getAttribute("data-step"),
        })),
        bars: Array.from(row.querySelectorAll("[data-bar]")).map((el) => ({
          el, field: el.getAttribute("data-bar"), slot: slotOf(el), max: Number(el.getAttribute("data-bar-max")),
        })),
        templates: Array.from(row.querySelectorAll("[data-template]")).map((el) => ({
          el, template: el.getAttribute("data-template"), slot: slotOf(el),
        })),
        gates: Array.from(row.querySelectorAll("[data-gate]")).map((el) => ({
          el, gate: el.getAttribute("data-gate"), aria: el.getAttribute("data-aria"),
        })),
      };
    });
    svg.__lstm = {
      geo, rows,
      desc: svg.querySelector("desc[data-template]"),
      weights: Array.from(svg.querySelectorAll("[data-weight]")),
      edges: Array.from(svg.querySelectorAll("[data-edge]")),
    };
    return svg.__lstm;
  }

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function setSign(el, w) {
    const neg = w < 0;
    el.classList.toggle("neg", neg);
    el.classList.toggle("pos", !neg);
  }

  function place(el, x) {
    const transform = `translate(${x}px, 0px)`;
    if (el.style.transform !== transform) el.style.transform = transform;
  }

  /* Redraw: weights {w_xf: ...}, traces[seq] from forward() (or the server), step 1-based. */
  function update(svg, weights, traces, step) {
    const ix = index(svg);
    const geo = ix.geo;
    svg.setAttribute("data-step", String(step));
    if (ix.desc) setText(ix.desc, ix.desc.getAttribute("data-template").replace("{step}", String(step)));
    for (const el of ix.weights) {
      const w = weights[el.getAttribute("data-weight")];
      setText(el, fmt(w, WEIGHT_DIGITS));
      setSign(el, w);
    }
    for (const el of ix.edges) {
      const w = weights[el.getAttribute("data-edge")];
      setSign(el, w);
      const width = edgeWidth(w) + "px";
      if (el.style.strokeWidth !== width) el.style.strokeWidth = width;
    }
    for (const row of ix.rows) {
      const trace = traces[row.seq];
      if (!trace) continue;
      const s = Math.min(step, row.length);
      const days = windowDays(row.length, s, geo.window);
      const current = Math.max(0, days.indexOf(s));
      const dayOf = (slot) => (slot === "cell" ? s : slot === "row" ? row.length : days[Number(slot)]);
      row.slots.forEach((g, k) => {
        place(g, slotX(geo, k, current));
        g.classList.toggle("is-current", k === current);
        g.classList.toggle("after-gap", gapBefore(days, k));
        if (g.hasAttribute("data-day")) g.setAttribute("data-day", String(days[k]));
      });
      if (row.cell) {
        place(row.cell, slotX(geo, current, current));
        row.cell.classList.toggle("after-gap", gapBefore(days, current));
      }
      if (row.gap) {
        row.gap.classList.toggle("is-hidden", !gapBefore(days, 1));
        if (row.cell && days.length > 1) place(row.gap, slotX(geo, 1, current) - geo.gap / 2);
      }
      if (row.after) row.after.classList.toggle("is-hidden", days[days.length - 1] >= row.length);
      for (const f of row.fields) {
        const at = dayOf(f.slot);
        if (f.last !== String(at)) {
          f.el.setAttribute("data-step", String(at));
          f.last = String(at);
        }
        setText(f.el, fmt(trace[f.field][at - 1], VALUE_DIGITS));
      }
      const largest = {};
      for (const b of row.bars) {
        if (!(b.field in largest)) largest[b.field] = Math.max(...trace[b.field].map(Math.abs)) || 1;
        const value = trace[b.field][dayOf(b.slot) - 1];
        b.el.setAttribute("width", String(Math.max(1, (b.max * Math.abs(value)) / largest[b.field])));
        b.el.setAttribute("data-step", String(dayOf(b.slot)));
        setSign(b.el, value);
      }
      for (const t of row.templates) {
        const at = dayOf(t.slot);
        t.el.setAttribute("data-step", String(at));
        setText(t.el, t.template.replace("{step}", String(at)));
      }
      for (const g of row.gates) {
        g.el.setAttribute("data-step", String(s));
        const value = fmt(trace[GATE_FIELD[g.gate]][s - 1], VALUE_DIGITS);
        g.el.setAttribute("aria-label", g.aria.replace("{value}", value).replace("{step}", String(s)));
      }
    }
  }

  /* Highlight one of the three stages (1, 2, 3) of the drawn cell, or none (0). */
  function setStage(svg, stage) {
    svg.setAttribute("data-stage", String(stage || 0));
  }

  /* Light up the drawing's parts (lstm_demo/story.py PARTS: "c", "forget", "h-feedback", ...) and dim
   * the rest; no parts: nothing dimmed. */
  function highlight(svg, parts) {
    const wanted = new Set(parts || []);
    svg.classList.toggle("is-focus", wanted.size > 0);
    for (const el of svg.querySelectorAll("[data-part]")) {
      const lit = el.getAttribute("data-part").split(" ").some((p) => wanted.has(p));
      el.classList.toggle("is-lit", lit);
    }
  }

  return {
    PARAMETERS, SWITCHES, VALUE_DIGITS, WEIGHT_DIGITS, GATE_FIELD, forward, gradients, fmt, format, plain,
    gateEquation, stageEquations, edgeWidth, windowDays, gapBefore, slotX, update, setStage, highlight,
  };
})();
if (typeof window !== "undefined") {
  window.LSTMDiagram = LSTMDiagram;
  window.dispatchEvent(new Event("lstm-script"));  // a drawing waiting for this script mounts (ui/cell.py)
}
