/* The page's own behaviour (lstm_demo/ui/layout.py): the Share button, the error toast's title and the
 * Share label in the page's language, and a link's `part=` opening that part of Explore.
 *
 * The words come from the page's <head> (window.lstmPageWords, from the catalogue). What this reads of
 * Gradio's page that Gradio does not document (the session's hash, which the Share button's link needs,
 * and the sub-tabs' buttons) is named in GRADIO below and checked once the page has loaded: a missing
 * one is said in one line on the console, and its feature turns itself off.
 */
(function () {
  "use strict";
  const words = () => window.lstmPageWords || { share: {}, error: {}, tabs: [] };
  const language = () => ((document.documentElement.lang || "en").toLowerCase().startsWith("zh") ? "zh" : "en");
  const GRADIO = {
    sessionHash: () => window.__gradio_session_hash__,
    subTab: (part) => document.querySelector(`#explore-parts [role=tab][data-tab-id=${part}]`),
  };

  function check() {
    if (typeof GRADIO.sessionHash() !== "string") {
      console.warn("lstm-demo: Gradio's page has no window.__gradio_session_hash__: the Share button cannot save a link.");
      return false;
    }
    return true;
  }

  /* Save the session's values through Gradio's deep-link route (as gr.DeepLinkButton's script does),
   * add what a deep link does not hold (the tab shown, Inside's step, the visitor's own weights in
   * use), copy the link, and answer the button's new label. */
  async function share() {
    const [label, copied] = words().share[language()] || ["Share", "Copied"];
    if (!check()) return label;
    const url = new URL(window.location.href);
    const response = await fetch(`gradio_api/deep_link?session_hash=${GRADIO.sessionHash()}`);
    if (!response.ok) return label;
    const saved = (await response.text()).replace(/^"|"$/g, "");
    for (const name of ["deep_link", "tab", "step", "weights", "sequence", "model"]) url.searchParams.delete(name);
    if (saved) url.searchParams.set("deep_link", saved);
    const names = words().tabs;
    const tabs = [...document.querySelectorAll("#main-tabs [role=tab]")].slice(0, names.length);
    const shown = tabs.findIndex((tab) => tab.getAttribute("aria-selected") === "true");
    if (shown >= 0) url.searchParams.set("tab", names[shown]);
    const step = document.querySelector("#inside-step input[type=number]")?.value;
    if (step) url.searchParams.set("step", step);
    const weights = document.querySelector("#weights-link textarea, #weights-link input")?.value;
    if (weights) url.searchParams.set("weights", weights);
    await navigator.clipboard.writeText(url.toString());
    return copied;
  }

  async function shareReset() {
    await new Promise((done) => setTimeout(done, 1000));
    return (words().share[language()] || ["Share"])[0];
  }

  /* Gradio's error toast titles itself with its type ("Error"), which no i18n key reaches; the Share
   * button's label is set by a script. Both follow the page's language. */
  function translate() {
    const w = words();
    if (language() === "zh") {
      for (const title of document.querySelectorAll(".toast-title.error")) {
        const text = title.firstChild;
        if (text && text.nodeType === 3 && /^\s*Error\s*$/.test(text.nodeValue)) text.nodeValue = w.error.zh + " ";
      }
    }
    const button = document.querySelector("#share-button");
    const label = button && [...button.childNodes].find((n) => n.nodeType === 3 && n.nodeValue.trim());
    const labels = Object.values(w.share).map((pair) => pair[0]);
    const wanted = (w.share[language()] || [])[0];
    if (label && wanted && labels.includes(label.nodeValue.trim()) && label.nodeValue.trim() !== wanted) label.nodeValue = wanted;
  }

  /* ?tab=explore&part=race opens that part of Explore once Explore is shown (within 30 s of loading). */
  function openPart() {
    const part = (new URLSearchParams(window.location.search).get("part") || "").trim().toLowerCase();
    if (!/^[a-z]+$/.test(part)) return;
    const started = performance.now();
    const open = () => {
      const tab = GRADIO.subTab(part);
      if (tab && tab.getAttribute("aria-selected") === "true") return;
      if (tab && tab.offsetParent !== null) tab.click();  // shown: Explore is the open tab
      if (performance.now() - started < 30000) setTimeout(open, 200);
    };
    open();
  }

  function start() {
    new MutationObserver(translate).observe(document.body, { childList: true, subtree: true });
    new MutationObserver(translate).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
    translate();
    openPart();
  }

  window.lstmPage = { share, shareReset, translate };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
