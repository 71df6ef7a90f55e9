/* The drawn cell on the page (lstm_demo/ui/cell.py): a gr.HTML whose js_on_load calls LSTMCell.mount.
 *
 * The gr.HTML's value holds the day bar, one drawn cell per company (Company A beside Company B on a
 * laptop, the one in focus on a phone), the memory strip and a side column; its props hold what the
 * browser needs to step, explain and redraw without the server: the 12 weights, the sequences, the
 * server's traces (else computed here by LSTMDiagram.forward), gate switches, the story's steps
 * (lstm_demo/story.py, Inside only) and the page's words. A gate's explanation (its equation with the
 * day's numbers, and the gradient of the loss) is computed here too, so it follows the day, the
 * sequence and the weights at once.
 *
 * Events back to Python, named by the caller (`events`): step {step} (Inside's step slider follows the
 * drawing), language {language} (the page's language changed: the server redraws the labels). window.lstmCells[id] is
 * the drawing's handle for the page's other scripts (sliders, switches, replay) and for tests.
 */
const LSTMCell = (function () {
  "use strict";
  let D;  // LSTMDiagram (diagram.js), taken at mount: a drawing mounts once both scripts have run (ui/cell.py)
  const FIELDS = [
    "input", "long_memory_prev", "short_memory_prev", "forget_gate", "kept", "input_gate", "candidate", "added",
    "long_memory", "tanh_long", "output_gate", "short_memory",
  ];
  // A symbol in an equation and the part of the drawing it names (story.py PARTS).
  const TERMS = [
    ["C̃_t", "candidate"], ["C_t−1", "c"], ["H_t−1", "h-feedback"], ["F_t", "forget"], ["I_t", "input"],
    ["O_t", "output"], ["C_t", "c"], ["H_t", "h"], ["X_t", "x"], ["w_x[fico]", "x"], ["w_h[fico]", "h-feedback"],
    ["tanh", "tanh"],
  ];
  const TERM_RE = new RegExp(TERMS.map(([t]) => t).join("|"), "g");
  const partOf = (text) => (TERMS.find(([t]) => new RegExp("^" + t + "$").test(text)) || [null, null])[1];
  const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const phone = matchMedia("(max-width: 720px)");
  const touch = matchMedia("(pointer: coarse)");
  const pageLanguage = () => ((document.documentElement.getAttribute("lang") || "en").toLowerCase().startsWith("zh") ? "zh" : "en");

  /* An equation's text with its symbols marked, so that hovering one lights its part of the drawing. */
  const marked = (text) => esc(text).replace(TERM_RE, (t) => `<span class="term" tabindex="0" data-term="${partOf(t)}">${t}</span>`);

  function mount(element, props, trigger, watch, events) {
    D = window.LSTMDiagram;
    const id = props.cell_id;
    const cells = (window.lstmCells = window.lstmCells || {});
    const state = {
      weights: {}, sequences: [], switches: [], traces: [], local: false, step: 1, stage: 0, focus: 1, story: -1,
      gate: null, timer: null, parts: [],
    };
    let asked = null;  // the language last asked of the server
    const words = () => props.words || {};
    const length = () => Math.max(1, ...state.sequences.map((s) => s.length));
    const svgs = () => Array.from(element.querySelectorAll("svg.lstm-diagram"));
    const story = () => props.story || [];
    const storyStep = () => (state.story >= 0 ? story()[state.story] : null);

    function computeTraces() {
      const switches = storyStep() ? storyStep().switches : state.switches;
      if (props.traces && !state.local && !(switches && switches.length)) state.traces = props.traces;
      else state.traces = state.sequences.map((s) => D.forward(state.weights, s, switches));
    }

    function show(fromServer) {
      const step = Math.min(state.step, length());
      for (const svg of svgs()) {
        // A company's own drawing holds one row (its sequence); the strip holds every sequence's.
        const holder = svg.closest(".cv-cell");
        const traces = holder ? [state.traces[Number(holder.getAttribute("data-seq"))]] : state.traces;
        D.update(svg, state.weights, traces, step);
        D.setStage(svg, state.stage);
        D.highlight(svg, state.parts);
      }
      element.querySelector(".cv")?.setAttribute("data-focus", String(state.focus));
      const w = words();
      const status = element.querySelector(".cv-status");
      if (status) status.textContent = (w.day_of || "Day {step} of {length}").replace("{step}", step).replace("{length}", length());
      const play = element.querySelector('[data-act="play"]');
      if (play) {
        play.querySelector(".long").textContent = state.timer ? w.pause : w.play;
        play.querySelector(".short").textContent = state.timer ? "■" : "▶▶";
        play.setAttribute("aria-pressed", state.timer ? "true" : "false");
      }
      for (const b of element.querySelectorAll("[data-show]")) b.setAttribute("aria-pressed", String(Number(b.getAttribute("data-show")) === state.focus));
      renderStory();
      renderGate();
      renderStages();
      renderPredictions();
      if (id === "inside" && !fromServer && step !== state.reported) {
        state.reported = step;
        trigger(events.step, { step });  // Inside's step slider (and the views under it) follows
      }
    }

    function go(step, keepStory) {
      state.step = Math.max(1, Math.min(length(), step));
      state.stage = 0;
      if (!keepStory) leaveStory();
      show();
    }

    function tick() {
      if (state.stage < 3) state.stage += 1;
      else if (state.step < length()) { state.step += 1; state.stage = 1; }
      else { pause(); state.stage = 0; }
      show();
    }
    function play() {
      if (state.timer) return;
      leaveStory();
      if (state.step >= length() && state.stage === 0) state.step = 1;
      const reduced = matchMedia("(prefers-reduced-motion: reduce)").matches;
      state.timer = setInterval(tick, reduced ? 1350 : 900);
      tick();
    }
    function pause() { if (state.timer) { clearInterval(state.timer); state.timer = null; } }

    // -- the story (Inside): each step moves the drawing to a day and a stage and lights what it says --
    function storyGo(k) {
      const steps = story();
      if (!steps.length) return;
      pause();
      state.story = Math.max(0, Math.min(steps.length - 1, k));
      const s = steps[state.story];
      state.step = s.day; state.stage = s.stage; state.parts = s.parts || [];
      if (s.focus !== null && s.focus !== undefined && s.focus < state.sequences.length) state.focus = s.focus;
      computeTraces();
      show();
    }
    function leaveStory() {
      if (state.story < 0 && !state.parts.length) return;
      const hadSwitches = storyStep() && storyStep().switches.length;
      state.parts = [];
      state.story = state.story >= 0 ? -state.story - 2 : state.story;  // remembered, not shown as current
      if (hadSwitches) computeTraces();
    }
    function renderStory() {
      const box = element.querySelector(".cv-story");
      if (!box) return;
      const steps = story();
      if (!steps.length) { box.hidden = true; return; }
      box.hidden = false;
      const w = words().story || {};
      const at = state.story >= 0 ? state.story : -state.story - 2;
      const s = steps[Math.max(0, at)];
      const current = state.story >= 0;
      const key = `${at}:${current}:${s.text}`;
      if (box.dataset.shown === key) return;
      box.dataset.shown = key;
      const hint = touch.matches ? w.hint_touch : w.hint;
      const back = `<button type="button" data-story="back"${at === 0 ? " disabled" : ""}>${esc(w.back)}</button>`;
      const next = at === steps.length - 1
        ? `<button type="button" class="primary" data-story="restart">${esc(w.restart)}</button>`
        : `<button type="button" class="primary" data-story="next">${esc(w.next)}</button>`;
      const count = esc(D.format(w.step_of || "", { step: at + 1, count: steps.length }));
      // The buttons first: on a phone the text under them may scroll, the buttons stay in view.
      box.innerHTML =
        `<div class="cv-story-nav">${back}<span class="cv-story-count">${count}</span>${next}</div>` +
        `<div aria-live="polite"><h3 class="cv-story-title">${esc(s.title)}</h3><p class="cv-story-text">${esc(s.text)}</p></div>` +
        `<p class="cv-hint">${esc(hint || "")}</p>`;
    }

    // -- a gate's explanation, beside the drawing: equation with the day's numbers, then the gradient --
    function renderGate() {
      const box = element.querySelector(".cv-gate");
      if (!box) return;
      if (!state.gate) { box.hidden = true; box.innerHTML = ""; return; }
      box.hidden = false;
      const w = words(), g = w.gate || {};
      const { gate, seq } = state.gate;
      const trace = state.traces[seq], values = state.sequences[seq];
      const day = Math.min(state.step, values.length);
      let html = `<div class="cv-gate-head"><h3 tabindex="-1">${esc(D.format(g.heading || "", {
        name: (w.gate_names || {})[gate], symbol: (w.symbols || {})[gate], seq: (props.names || [])[seq] || "", step: day,
      }))}</h3><button type="button" class="cv-close" data-act="close" aria-label="${esc(g.close || "Close")}">×</button></div>`;
      html += `<p class="cv-equation">${marked(D.gateEquation(gate, state.weights, trace, day))}</p>`;
      const label = (props.labels || [])[seq];
      html += `<details class="cv-curious"${state.curious ? " open" : ""}><summary>${esc(g.curious || "")}</summary>`;
      if (label === null || label === undefined) {
        html += `<p>${esc(g.no_label || "")}</p>`;
      } else {
        const switches = storyStep() ? storyStep().switches : state.switches;
        const grads = D.gradients(state.weights, values, label, switches);
        const prediction = trace.short_memory[trace.short_memory.length - 1];
        html += `<p>${esc(D.format(g.loss || "", { prediction: D.fmt(prediction, 4), label, loss: (prediction - label) ** 2 }))}</p>`;
        const key = { forget: "f", input: "i", candidate: "c", output: "o" }[gate];
        const names = [`w_x${key}`, `w_h${key}`, `b_${key}`];
        html += `<table><tr>${names.map((n) => `<th>∂L/∂${n}</th>`).join("")}</tr>` +
          `<tr>${names.map((n) => `<td>${D.format("{v:+.4g}", { v: grads[n] }).replace("-", "−")}</td>`).join("")}</tr></table>`;
        html += `<p>${esc(g.sign || "")}</p>` + (props.folded ? `<p>${esc(g.folded || "")}</p>` : "");
      }
      html += "</details>";
      box.innerHTML = html;
      box.querySelector("details").addEventListener("toggle", (e) => { state.curious = e.target.open; });
    }
    function openGate(el) {
      const holder = el.closest(".cv-cell");
      state.gate = { gate: el.getAttribute("data-gate"), seq: Number(holder ? holder.getAttribute("data-seq") : el.getAttribute("data-seq")) };
      for (const g of element.querySelectorAll(".gate.is-selected")) g.classList.remove("is-selected");
      el.classList.add("is-selected");
      renderGate();
      const heading = element.querySelector(".cv-gate h3");
      if (heading) heading.focus({ preventScroll: !phone.matches });
      element.querySelector(".cv-gate")?.scrollIntoView({ block: "nearest" });
    }

    // -- Retrain's replay: a training's snapshots drawn one after another in the browser (about 30 a second),
    //    or the one the scrub bar points at; the epoch, the loss and both predictions with it. --
    const FRAME_MS = 30;  // every second frame of a 60 Hz screen
    function replayFrame(k) {
      const snapshots = props.snapshots || [];
      if (!snapshots.length) return;
      const [epoch, weights] = snapshots[Math.max(0, Math.min(snapshots.length - 1, k))];
      state.replay = Math.max(0, Math.min(snapshots.length - 1, k));
      state.local = true;
      state.weights = Object.assign({}, weights);
      computeTraces();
      show(true);
      const [a, b] = handle.predictions();
      const labels = props.labels || [0, 1];
      const loss = ((a - labels[0]) ** 2 + (b - labels[1]) ** 2) / 2;
      const box = element.querySelector(".cv-replay");
      box.querySelector("input").value = String(state.replay);
      box.querySelector(".cv-replay-text").textContent = D.format(words().replay.text, { epoch, loss, a, b });
      setSource(D.format(words().epoch_source || "", { epoch }));
      state.replayEpoch = epoch;
    }
    function replayPlay() {
      const snapshots = props.snapshots || [];
      const button = element.querySelector('[data-act="replay"]');
      if (state.replaying) { cancelAnimationFrame(state.replaying); state.replaying = null; button.textContent = words().replay.play; return; }
      let k = state.replay >= snapshots.length - 1 ? 0 : state.replay || 0, last = 0;
      button.textContent = words().replay.pause;
      const frame = (now) => {
        if (now - last >= FRAME_MS) { last = now; replayFrame(k); k += 1; }
        if (k < snapshots.length) state.replaying = requestAnimationFrame(frame);
        else { state.replaying = null; button.textContent = words().replay.play; }
      };
      state.replaying = requestAnimationFrame(frame);
    }
    function setSource(text) {
      for (const el of element.querySelectorAll("[data-role=source]")) el.textContent = text;
    }
    function attachReplay() {
      if (props.live) setSource(words().live_source || "");
      const box = element.querySelector(".cv-replay");
      const snapshots = props.snapshots || [];
      if (!box) return;
      box.hidden = !snapshots.length;
      if (!snapshots.length) return;
      const range = box.querySelector("input");
      range.max = String(snapshots.length - 1);
      if (!range.dataset.wired) {
        range.dataset.wired = "1";
        range.addEventListener("input", () => replayFrame(Number(range.value)));
      }
      replayFrame(snapshots.length - 1);
    }

    // -- the playground's predictions: the companies and the visitor's own sequence, computed here --
    function renderPredictions() {
      const box = element.querySelector(".cv-predictions");
      if (!box) return;
      const w = words().predictions || {};
      const switches = state.switches;
      const rows = state.sequences.map((values, seq) => [(props.names || [])[seq], values, (props.labels || [])[seq], state.traces[seq]]);
      if ((props.own || []).length) rows.push([w.yours, props.own, null, D.forward(state.weights, props.own, switches)]);
      let html = `<table aria-label="${esc(w.title || "")}"><thead><tr><th scope="col">${esc(w.sequence)}</th>` +
        `<th scope="col" class="cv-values">${esc(w.values)}</th><th scope="col">${esc(w.label)}</th>` +
        `<th scope="col">${esc(w.prediction)}</th></tr></thead><tbody>`;
      for (const [name, values, label, trace] of rows) {
        const shown = values.slice(0, 12).join(", ") + (values.length > 12 ? ", …" : "");
        const prediction = trace.short_memory[trace.short_memory.length - 1];
        html += `<tr><th scope="row">${esc(name)}</th><td class="cv-values">${esc(shown)}</td>` +
          `<td>${label === null || label === undefined ? "" : label}</td><td class="cv-prediction">${D.fmt(prediction, 6)}</td></tr>`;
      }
      box.innerHTML = `<h3>${esc(w.title || "")}</h3>${html}</tbody></table>`;
    }

    // -- the three stages of the day shown, with their numbers; and every number as a table --
    function renderStages() {
      const box = element.querySelector(".cv-stages");
      if (!box) return;
      const w = words(), step = Math.min(state.step, length());
      const summary = `<summary>${esc((w.stages_summary || "").replace("{step}", step))}</summary>`;
      if (!box.open) { if (box.innerHTML !== summary) box.innerHTML = summary; return; }
      let html = summary + `<div class="cv-stage-grid">`;
      state.sequences.forEach((values, seq) => {
        if (step > values.length) return;
        const t = state.traces[seq], at = step - 1, v = (f) => D.fmt(t[f][at], 4);
        const equations = D.stageEquations(state.weights, t, step);
        const fills = { forget: t.forget_gate[at], input: t.input_gate[at], output: t.output_gate[at], c_prev: v("long_memory_prev"),
          kept: v("kept"), candidate: v("candidate"), c: v("long_memory"), h: v("short_memory") };
        html += `<section class="cv-seq" data-seq="${seq}"><h4>${esc((props.names || [])[seq] || "")}</h4>`;
        for (let k = 0; k < 3; k++) {
          const template = k === 0 && step === 1 ? w.stage_first : (w.stage_sentences || [])[k];
          html += `<div class="cv-card s${k + 1}"><p><span class="cv-badge">${k + 1}</span> <b>${esc((w.stages || [])[k])}</b>: ` +
            `${esc(D.format(template || "", fills))}</p>${equations[k].map((e) => `<code>${marked(e)}</code>`).join("")}</div>`;
        }
        html += "</section>";
      });
      html += `</div>${numbersTable(step)}`;
      box.innerHTML = html;
    }
    function numbersTable(step) {
      const w = words(), fields = w.fields || {};
      let table = `<table class="cv-numbers"><thead><tr><th scope="col"></th>`;
      state.sequences.forEach((_, seq) => { table += `<th scope="col">${esc((props.names || [])[seq] || "")}</th>`; });
      table += "</tr></thead><tbody>";
      for (const field of [...FIELDS, "prediction"]) {
        table += `<tr><th scope="row">${esc(fields[field] || field)}</th>`;
        state.traces.forEach((t, seq) => {
          const at = Math.min(step, state.sequences[seq].length) - 1;
          const value = field === "prediction" ? t.short_memory[t.short_memory.length - 1] : t[field][at];
          table += `<td>${D.fmt(value, D.VALUE_DIGITS)}</td>`;
        });
        table += "</tr>";
      }
      return table + "</tbody></table>";
    }

    function attach() {
      if (!props.weights || !svgs().length) return;  // nothing drawn yet (Retrain before a training)
      if (!state.local) {
        state.weights = Object.assign({}, props.weights);
        state.switches = (props.switches || []).slice();
      }
      if (state.replaying) { cancelAnimationFrame(state.replaying); state.replaying = null; }
      state.sequences = props.sequences || [];
      state.focus = Math.min(state.focus, state.sequences.length - 1);
      for (const svg of svgs()) delete svg.__lstm;  // Gradio patched or replaced its nodes: index again
      const kept = props.keep_step && state.step <= length();
      if (!kept) state.step = Number(props.step) || length();
      if (state.story >= story().length) state.story = -1;
      if (story().length && !kept && props.story_start) { computeTraces(); storyGo(0); }
      else { computeTraces(); show(true); }
      attachReplay();
      askLanguage();
    }

    /* Labels drawn by the server in another language than the page's are redrawn once. */
    function askLanguage() {
      const language = pageLanguage();
      if (props.language && language !== props.language && asked !== language) {
        asked = language;
        trigger(events.language, { language });
      }
    }

    element.addEventListener("click", (e) => {
      const act = e.target.closest("[data-act]");
      if (act) {
        const a = act.getAttribute("data-act");
        if (a === "close") { state.gate = null; renderGate(); return; }
        if (a === "replay") { replayPlay(); return; }
        if (a === "open") { trigger(events.open, { epoch: state.replayEpoch }); return; }
        pause();
        ({ first: () => go(1), back: () => go(state.step - 1), forward: () => go(state.step + 1), play: () => (state.timer ? (pause(), show()) : play()) })[a]?.();
        return;
      }
      const shown = e.target.closest("[data-show]");
      if (shown) { state.focus = Number(shown.getAttribute("data-show")); show(); return; }
      const s = e.target.closest("[data-story]");
      if (s) {
        const at = state.story >= 0 ? state.story : -state.story - 2;
        const k = { back: at - 1, next: at + 1, restart: 0 }[s.getAttribute("data-story")];
        storyGo(state.story >= 0 || s.getAttribute("data-story") !== "next" ? k : at);
        element.querySelector(".cv-story [data-story='next'], .cv-story [data-story='restart']")?.focus({ preventScroll: true });
        return;
      }
      const gate = e.target.closest("[data-gate]");
      if (gate) { openGate(gate); return; }
      const chip = e.target.closest('svg[data-layout="strip"] .slot');
      if (chip) go(Number(chip.getAttribute("data-day")));
    });
    element.addEventListener("keydown", (e) => {
      const gate = e.target.closest && e.target.closest("[data-gate]");
      if (gate && (e.key === "Enter" || e.key === " ")) { openGate(gate); e.preventDefault(); return; }
      if (e.target.closest("input, textarea, select")) return;
      const inStory = state.story >= 0 && story().length;
      if (e.key === "ArrowRight") { inStory ? storyGo(state.story + 1) : go(state.step + 1); e.preventDefault(); }
      else if (e.key === "ArrowLeft") { inStory ? storyGo(state.story - 1) : go(state.step - 1); e.preventDefault(); }
      else if (e.key === "Escape" && state.gate) { state.gate = null; renderGate(); }
    });
    // Hovering or focusing a symbol lights its part of the drawing; hovering the drawing, its symbols.
    const lightTerms = (part) => {
      for (const t of element.querySelectorAll(".term")) t.classList.toggle("is-lit", part !== null && t.getAttribute("data-term") === part);
    };
    const onTerm = (e) => {
      const t = e.target.closest && e.target.closest(".term");
      if (t) { for (const svg of svgs()) D.highlight(svg, [t.getAttribute("data-term")]); lightTerms(t.getAttribute("data-term")); return; }
      const part = e.target.closest && e.target.closest("svg [data-part]");
      lightTerms(part ? part.getAttribute("data-part").split(" ")[0] : null);
    };
    const offTerm = (e) => {
      if (e.target.closest && e.target.closest(".term")) { for (const svg of svgs()) D.highlight(svg, state.parts); lightTerms(null); }
    };
    element.addEventListener("mouseover", onTerm);
    element.addEventListener("focusin", onTerm);
    element.addEventListener("mouseout", offTerm);
    element.addEventListener("focusout", offTerm);
    element.addEventListener("toggle", (e) => { if (e.target.classList.contains("cv-stages")) renderStages(); }, true);
    new MutationObserver(askLanguage).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });

    const handle = {
      state,
      go(step) { if (Number(step) !== state.step) { pause(); state.reported = Number(step); go(Number(step)); } },
      storyGo,
      /* The playground: one of the 12 sliders, or the gate switches; redrawn here, no server. */
      setWeight(name, value) { state.local = true; state.weights[name] = Number(value); handle.redraw(); },
      setSwitches(list) { state.local = true; state.switches = (list || []).slice(); handle.redraw(); },
      /* Retrain's live drawing and its replay: a whole set of weights at once. */
      setWeights(weights) { state.local = true; state.weights = Object.assign({}, weights); handle.redraw(); },
      redraw() { computeTraces(); show(true); },
      predictions() { return state.traces.map((t) => t.short_memory[t.short_memory.length - 1]); },
    };
    cells[id] = handle;
    attach();
    watch("own", () => renderPredictions());
    watch(["value", "weights", "sequences", "traces", "story", "step", "snapshots"], () => {
      if (id !== "play") state.local = false;  // the server drew new weights: they win (the sliders do in the playground)
      attach();
    });
    return handle;
  }

  return { mount };
})();
if (typeof window !== "undefined") {
  window.LSTMCell = LSTMCell;
  window.dispatchEvent(new Event("lstm-script"));  // a drawing waiting for this script mounts (ui/cell.py)
}
