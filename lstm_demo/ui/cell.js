/* The page's side of a drawn cell (lstm_demo/ui/cell.py): runs in a gr.HTML's js_on_load after
 * diagram.js, once per drawing on the page ("inside", "play", "travel").
 *
 * The gr.HTML's value holds the step buttons, the drawing twice (laptop: unrolled; phone: one cell;
 * CSS shows one by the viewport) and an empty panel; its props hold what the browser needs to step
 * and redraw without the server: weights (the cell's 12), sequences, the server's traces (Inside:
 * the same Trace as its table) or none (the playground computes them here), switches, explanations
 * (diagram.explain_steps, in the page's language), snapshots (time-travel) and the page's words.
 *
 * Events back to Python: cell_step {step} (Inside's step slider follows the drawing), cell_gate
 * {gate, seq, step} (a gate's equation and gradient), cell_language {language} (the visitor switched
 * the page's language: the server redraws the labels). window.lstmCells[id] is the drawing's handle
 * for the page's other client-side events (sliders, switches, the epoch slider) and for tests.
 */
const LSTMCell = (function () {
  "use strict";
  const FIELDS = [
    "input", "long_memory_prev", "short_memory_prev", "forget_gate", "kept", "input_gate", "candidate", "added",
    "long_memory", "tanh_long", "output_gate", "short_memory",
  ];

  const pageLanguage = () => ((document.documentElement.getAttribute("lang") || "en").toLowerCase().startsWith("zh") ? "zh" : "en");

  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  function mount(element, props, trigger, watch) {
    const id = props.cell_id;
    const cells = (window.lstmCells = window.lstmCells || {});
    const state = { weights: {}, sequences: [], switches: [], traces: [], local: false, stepper: null, step: 0 };
    let fromSlider = false;
    const phone = matchMedia("(max-width: 720px)");
    phone.addEventListener("change", () => state.stepper && state.stepper.redraw());
    let asked = null;  // the language last asked of the server, so a slow answer is not asked twice

    const words = () => props.words || {};
    const svgs = () => Array.from(element.querySelectorAll("svg.lstm-diagram"));

    function computeTraces() {
      if (props.traces && !state.local) state.traces = props.traces;
      else state.traces = state.sequences.map((s) => LSTMDiagram.forward(state.weights, s, state.switches));
    }

    function explanation(seq, step) {
      const ex = props.explain;
      if (!ex || !ex.seqs || !ex.seqs[seq]) return null;
      return ex.seqs[seq][step - ex.first] || null;
    }

    function renderPanel(step, stage) {
      const panel = element.querySelector(".cell-explain");
      const status = element.querySelector(".cell-status");
      const w = words();
      const length = state.stepper ? state.stepper.length : 1;
      if (status) status.textContent = (w.day_of || "Day {step} of {length}").replace("{step}", step).replace("{length}", length);
      const play = element.querySelector('[data-act="play"]');
      if (play && state.stepper) {
        const playing = state.stepper.playing;
        play.textContent = playing ? w.pause || "Pause" : w.play || "Play";
        play.setAttribute("aria-pressed", playing ? "true" : "false");
      }
      if (!panel) return;
      const names = props.names || [];
      let html = "";
      state.sequences.forEach((_, seq) => {
        // No explanations (the playground, time-travel): their weights move in the browser.
        if (!props.explain || step > state.sequences[seq].length) return;
        const stages = explanation(seq, step);
        html += `<section class="cell-seq"><h4>${escapeHtml(names[seq] || "")} · ${escapeHtml((w.day || "Day {step}").replace("{step}", step))}</h4>`;
        if (!stages) {
          html += `<p class="cell-wait">${escapeHtml(w.wait || "")}</p>`;
        } else {
          for (const s of stages) {
            const cls = stage === 0 ? "" : s.stage === stage ? " is-current" : " is-dim";
            html += `<div class="cell-stage s${s.stage}${cls}"><p><span class="cell-badge">${s.stage}</span> <b>${escapeHtml(s.title)}</b>: ${escapeHtml(s.sentence)}</p>`;
            html += s.equations.map((e) => `<code>${escapeHtml(e)}</code>`).join("");
            html += "</div>";
          }
        }
        html += "</section>";
      });
      const details = panel.querySelector("details.cell-numbers");
      if (!details) {
        panel.innerHTML = html + `<details class="cell-numbers"><summary></summary><div></div></details>`;
        panel.querySelector("details").addEventListener("toggle", () => renderNumbers(state.step));
      } else {
        // Keep the numbers' <details> (and whether it is open) and replace the explanations before it.
        while (panel.firstChild !== details) panel.removeChild(panel.firstChild);
        details.insertAdjacentHTML("beforebegin", html);
      }
      renderNumbers(step);
    }

    /* Every number the drawing shows, as a table (screen readers; and to copy); built only while open. */
    function renderNumbers(step) {
      const details = element.querySelector(".cell-explain details.cell-numbers");
      if (!details) return;
      const w = words();
      const names = props.names || [];
      details.querySelector("summary").textContent = (w.numbers || "Numbers of day {step}").replace("{step}", step);
      if (!details.open) return;
      const fields = w.fields || {};
      let table = `<table><thead><tr><th scope="col"></th>`;
      state.sequences.forEach((_, seq) => { table += `<th scope="col">${escapeHtml(names[seq] || "")}</th>`; });
      table += "</tr></thead><tbody>";
      for (const field of FIELDS) {
        table += `<tr><th scope="row">${escapeHtml(fields[field] || field)}</th>`;
        state.traces.forEach((t, seq) => {
          const at = Math.min(step, state.sequences[seq].length);
          table += `<td>${LSTMDiagram.fmt(t[field][at - 1], LSTMDiagram.VALUE_DIGITS)}</td>`;
        });
        table += "</tr>";
      }
      table += `<tr><th scope="row">${escapeHtml(fields.prediction || "prediction")}</th>`;
      state.traces.forEach((t) => { table += `<td>${LSTMDiagram.fmt(t.short_memory[t.short_memory.length - 1], LSTMDiagram.VALUE_DIGITS)}</td>`; });
      table += "</tr></tbody></table><table><tbody>";
      for (const name of LSTMDiagram.PARAMETERS) {
        table += `<tr><th scope="row">${name}</th><td>${LSTMDiagram.fmt(state.weights[name], LSTMDiagram.WEIGHT_DIGITS)}</td></tr>`;
      }
      table += "</tbody></table>";
      details.querySelector("div").innerHTML = table;
    }

    function onStep(step, stage) {
      const changed = step !== state.step;
      state.step = step;
      renderPanel(step, stage);
      // Inside's step slider (and the chart, table and equations below) follows the drawing.
      if (changed && id === "inside" && !fromSlider) trigger("cell_step", { step });
    }

    function attach() {
      if (!props.weights || !svgs().length) return;  // no drawing yet (time-travel before a training)
      if (!state.local) {
        state.weights = Object.assign({}, props.weights);
        state.switches = (props.switches || []).slice();
      }
      state.sequences = props.sequences || [];
      computeTraces();
      const keep = state.stepper ? state.stepper.step : null;
      if (state.stepper) state.stepper.destroy();
      for (const svg of svgs()) delete svg.__lstm;  // Gradio patched or replaced its nodes: index again
      state.stepper = LSTMDiagram.stepper(svgs(), state, {
        keyTarget: element.querySelector(".cell-frame") || element, onStep,
        // Only the drawing the viewport shows is redrawn (cell.py's CSS: the phone's at <= 720 px).
        shown: (svg) => svg.closest(".cell-narrow") ? phone.matches : !phone.matches,
      });
      const lengthKept = keep !== null && keep <= state.stepper.length && props.keep_step;
      fromSlider = true;
      state.step = 0;
      state.stepper.go(lengthKept ? keep : Number(props.step) || state.stepper.length);
      fromSlider = false;
      askLanguage();
    }

    /* The page's language is Gradio's (navigator.language or the Settings switch): labels drawn by
     * the server in another language are redrawn once. */
    function askLanguage() {
      const language = pageLanguage();
      if (props.language && language !== props.language && asked !== language) {
        asked = language;
        trigger("cell_language", { language });
      }
    }

    element.addEventListener("click", (e) => {
      const act = e.target.closest("[data-act]");
      if (act && state.stepper) {
        const s = state.stepper;
        ({ first: () => { s.pause(); s.go(1); }, back: s.back, forward: s.forward,
           play: () => (s.playing ? s.pause() : s.play()) })[act.getAttribute("data-act")]();
        renderPanel(s.step, s.stage);
        return;
      }
      const gate = e.target.closest("[data-gate]");
      if (gate) pick(gate);
    });
    element.addEventListener("keydown", (e) => {
      const gate = e.target.closest && e.target.closest("[data-gate]");
      if (gate && (e.key === "Enter" || e.key === " ")) {
        pick(gate);
        e.preventDefault();
        e.stopPropagation();
      }
    });
    function pick(gate) {
      element.querySelectorAll(".gate.is-selected").forEach((g) => g.classList.remove("is-selected"));
      gate.classList.add("is-selected");
      trigger("cell_gate", {
        gate: gate.getAttribute("data-gate"),
        seq: Number(gate.getAttribute("data-seq")),
        step: Number(gate.getAttribute("data-step")),
      });
    }
    new MutationObserver(askLanguage).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });

    const handle = {
      state,
      /* Inside's step slider moved (by the visitor or the server). */
      go(step) {
        step = Number(step);
        if (!state.stepper || step === state.stepper.step) return;
        fromSlider = true;
        state.stepper.pause();
        state.stepper.go(step);
        fromSlider = false;
      },
      /* The playground: one of the 12 sliders, or the gate switches; redrawn here, no server. */
      setWeight(name, value) {
        state.local = true;
        state.weights[name] = Number(value);
        handle.redraw();
      },
      setSwitches(list) {
        state.local = true;
        state.switches = (list || []).slice();
        handle.redraw();
      },
      /* Time-travel: the snapshot nearest `epoch` (the server sent them all: 12 numbers each). */
      setEpoch(epoch) {
        const snapshots = props.snapshots || [];
        if (!snapshots.length) return;
        const best = snapshots.reduce((a, b) => (Math.abs(b[0] - epoch) < Math.abs(a[0] - epoch) ? b : a));
        state.local = true;
        state.weights = Object.assign({}, best[1]);
        state.epoch = best[0];
        for (const el of element.querySelectorAll("[data-role=source]")) {
          el.textContent = (words().epoch_source || "Weights: after {epoch} epochs").replace("{epoch}", best[0]);
        }
        handle.redraw();
      },
      redraw() {
        if (!state.stepper) return;
        computeTraces();
        state.stepper.redraw();
      },
      predictions() {
        return state.traces.map((t) => t.short_memory[t.short_memory.length - 1]);
      },
    };
    cells[id] = handle;

    attach();
    watch(["value", "weights", "sequences", "traces"], () => {
      // The server drew new weights: they win, except in the playground, where the sliders do.
      if (id !== "play") state.local = false;
      attach();
    });
    watch("explain", () => { if (state.stepper) renderPanel(state.stepper.step, state.stepper.stage); });
    return handle;
  }

  return { mount };
})();
