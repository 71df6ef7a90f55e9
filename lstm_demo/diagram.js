/* The LSTM cell drawing, live in the browser: no dependencies, no network.
 *
 * Works on an SVG made by lstm_demo/diagram.py. Everything numeric in it carries data attributes
 * (data-field + data-seq + data-step, data-weight, data-edge, data-template); update() rewrites exactly
 * those, and the slot positions of the unrolled steps, so the structure never changes and CSS
 * transitions animate. Numbers print as diagram.py's fmt(): fixed decimals, half-to-even on exact ties,
 * U+2212 for minus, no sign on a zero.
 *
 *   const traces = [LSTMDiagram.forward(weights, [0, 0.5, 0.25, 1]), LSTMDiagram.forward(weights, [1, ...])];
 *   LSTMDiagram.update(svg, weights, traces, 2);        // draw day 2 expanded
 *   const stepper = LSTMDiagram.stepper(svg, {weights, traces});  // buttons, arrow keys, play
 *
 * Usable as a classic script (defines the global LSTMDiagram) or pasted at the top of a Gradio
 * gr.HTML js_on_load (where it is a local constant).
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

  const sigmoid = (z) => 1 / (1 + Math.exp(-z));

  /* The six equations, float64, C_0 = H_0 = 0. Returns arrays like lstm_demo.models.Trace plus the
   * values the drawing also shows (memories before the step, the two products, tanh(C)). */
  function forward(w, sequence, switches) {
    const forced = {};
    for (const name of switches || []) {
      if (!(name in SWITCHES)) throw new Error("unknown switch " + name);
      forced[SWITCHES[name][0]] = SWITCHES[name][1];
    }
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
      if ("forget" in forced) f = forced.forget;
      if ("input" in forced) i = forced.input;
      if ("output" in forced) o = forced.output;
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

  const edgeWidth = (w) => (Number.isFinite(w) ? Math.round(Math.min(8, 1 + 1.5 * Math.abs(w)) * 100) / 100 : 1);

  function windowStart(length, step, window) {
    const n = Math.min(length, window);
    return Math.max(1, Math.min(step - Math.floor((n - 1) / 2), length - n + 1));
  }

  function slotX(geo, slot, current) {
    const x = geo.margin + geo.gap + slot * (geo.compactW + geo.gap);
    return x + (slot > current ? geo.cellW - geo.compactW : 0);
  }

  /* Look up the nodes once per SVG: afterwards an update touches only nodes whose text changed. */
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
        before: row.querySelector('[data-ellipsis="before"]'),
        after: row.querySelector('[data-ellipsis="after"]'),
        fields: Array.from(row.querySelectorAll("[data-field]")).map((el) => ({
          el, field: el.getAttribute("data-field"), slot: slotOf(el), last: el.getAttribute("data-step"),
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

  /* Redraw: weights {w_xf: ...}, traces[seq] from forward() (or the server), step 1-based. */
  function update(svg, weights, traces, step) {
    const ix = index(svg);
    const geo = ix.geo;
    svg.setAttribute("data-step", String(step));
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
      const s = Math.min(step, row.length);
      const n = Math.min(row.length, geo.window);
      const start = windowStart(row.length, s, geo.window);
      const current = s - start;
      const stepOf = (slot) => (slot === "cell" ? s : slot === "row" ? row.length : start + Number(slot));
      row.slots.forEach((g, k) => {
        g.style.transform = `translate(${slotX(geo, k, current)}px, 0px)`;
        g.classList.toggle("is-current", k === current);
      });
      if (row.cell) row.cell.style.transform = `translate(${slotX(geo, current, current)}px, 0px)`;
      if (row.before) row.before.classList.toggle("is-hidden", start <= 1);
      if (row.after) row.after.classList.toggle("is-hidden", start + n - 1 >= row.length);
      for (const f of row.fields) {
        const at = stepOf(f.slot);
        if (f.last !== String(at)) {
          f.el.setAttribute("data-step", String(at));
          f.last = String(at);
        }
        setText(f.el, fmt(trace[f.field][at - 1], VALUE_DIGITS));
      }
      for (const t of row.templates) {
        const at = stepOf(t.slot);
        t.el.setAttribute("data-step", String(at));
        setText(t.el, t.template.replace("{step}", String(at)));
      }
      for (const g of row.gates) {
        g.el.setAttribute("data-step", String(s));
        g.el.setAttribute("aria-label", g.aria.replace("{value}", fmt(trace[GATE_FIELD[g.gate]][s - 1], VALUE_DIGITS)));
      }
    }
  }

  /* Highlight one of the three stages (1, 2, 3) of the expanded cell, or none (0). */
  function setStage(svg, stage) {
    svg.setAttribute("data-stage", String(stage || 0));
  }

  /* Step through the days: back/forward/go/play/pause, and the arrow keys on `keyTarget` (default the
   * SVG). Playing walks each day through its three stages. onStep(step, stage) lets the page follow
   * (its sentence and equations). state.weights / state.traces may be replaced by the caller.
   * `svg` may be several SVGs of the same sequences (a page's laptop and phone drawings): they move as one. */
  function stepper(svg, state, options) {
    const svgs = Array.isArray(svg) ? svg : [svg];
    // shown(svg): whether an SVG is on screen now; hidden ones are redrawn when the page calls redraw().
    const opts = Object.assign({ stageMs: 900, onStep: null, keyTarget: svgs[0], shown: () => true }, options || {});
    const length = Math.max(...Array.from(svgs[0].querySelectorAll("g.row")).map((r) => Number(r.getAttribute("data-length"))));
    let step = Number(svgs[0].getAttribute("data-step")) || length;
    let stage = 0, timer = null;
    const reduced = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
    function show() {
      for (const one of svgs) {
        if (!opts.shown(one)) continue;
        update(one, state.weights, state.traces, step);
        setStage(one, stage);
      }
      if (opts.onStep) opts.onStep(step, stage);
    }
    function go(s) {
      step = Math.max(1, Math.min(length, s));
      stage = 0;
      show();
    }
    function tick() {
      if (stage < 3) stage += 1;
      else if (step < length) { step += 1; stage = 1; }
      else { pause(); stage = 0; }
      show();
    }
    function play() {
      if (timer) return;
      if (step >= length && stage === 0) { step = 1; stage = 0; }
      // Reduced motion: a step at a time, without the stage walk's moving dashes (CSS turns them off).
      timer = setInterval(tick, reduced ? opts.stageMs * 1.5 : opts.stageMs);
      tick();
    }
    function pause() { if (timer) { clearInterval(timer); timer = null; } }
    function onKey(event) {
      if (event.key === "ArrowLeft") { pause(); go(step - 1); event.preventDefault(); }
      else if (event.key === "ArrowRight") { pause(); go(step + 1); event.preventDefault(); }
      else if (event.key === "Home") { pause(); go(1); event.preventDefault(); }
      else if (event.key === "End") { pause(); go(length); event.preventDefault(); }
      else if (event.key === " " && event.target === opts.keyTarget) {
        timer ? pause() : play();
        event.preventDefault();
      }
    }
    opts.keyTarget.addEventListener("keydown", onKey);
    return {
      go, play, pause,
      back: () => { pause(); go(step - 1); },
      forward: () => { pause(); go(step + 1); },
      get step() { return step; },
      get stage() { return stage; },
      get playing() { return timer !== null; },
      get length() { return length; },
      redraw: show,
      destroy: () => { pause(); opts.keyTarget.removeEventListener("keydown", onKey); },
    };
  }

  /* Gates as buttons: onSelect(gate, seq, step) on click, Enter or Space (the page shows its equation
   * and gradient). */
  function onGate(svg, onSelect) {
    const fire = (el) => {
      svg.querySelectorAll(".gate.is-selected").forEach((g) => g.classList.remove("is-selected"));
      el.classList.add("is-selected");
      onSelect(el.getAttribute("data-gate"), Number(el.getAttribute("data-seq")), Number(el.getAttribute("data-step")));
    };
    svg.addEventListener("click", (e) => {
      const el = e.target.closest("[data-gate]");
      if (el) fire(el);
    });
    svg.addEventListener("keydown", (e) => {
      const el = e.target.closest && e.target.closest("[data-gate]");
      if (el && (e.key === "Enter" || e.key === " ")) { fire(el); e.preventDefault(); e.stopPropagation(); }
    });
  }

  return {
    PARAMETERS, SWITCHES, VALUE_DIGITS, WEIGHT_DIGITS, forward, fmt, edgeWidth, windowStart, slotX, update,
    setStage, stepper, onGate,
  };
})();
if (typeof window !== "undefined") window.LSTMDiagram = LSTMDiagram;
