/* radcase presenter: a playlist's cases full screen, one at a time, for teaching conferences.
   Without this script the playlist page shows the cases one after another, each answer behind
   its stages. Keys: → / PageDown / N next case, ← / PageUp / P previous, Space / Enter the next
   part of the answer (then the next case), ↓ / ↑ the case's next and previous image, H hides
   the answer again, Home / End, F full screen, Esc leaves. */
(function () {
  "use strict";
  const doc = document;

  function init() {
    const box = doc.querySelector("[data-presenter]");
    const start = doc.querySelector(".present-start");
    const button = doc.querySelector("[data-present]");
    if (!box || !start || !button) return;
    const slides = Array.from(box.querySelectorAll("[data-slide]"));
    if (!slides.length) return;
    start.hidden = false;

    const bar = doc.createElement("div");
    bar.className = "present-bar";
    bar.innerHTML =
      '<button type="button" class="present-prev" aria-label="Previous case">←</button>' +
      '<output class="present-count" aria-live="polite"></output>' +
      '<button type="button" class="present-next" aria-label="Next case">→</button>' +
      '<button type="button" class="present-reveal"></button>' +
      '<span class="present-views"></span>' +
      '<button type="button" class="present-leave" aria-label="Leave the presenter">Esc</button>';
    box.appendChild(bar);
    const q = (s) => bar.querySelector(s);
    const count = q(".present-count");
    const revealBtn = q(".present-reveal");
    const viewsBox = q(".present-views");

    let on = false;
    let cur = 0;
    let view = 0;
    const stages = (s) => Array.from(s.querySelectorAll("details[data-stage]"));
    const views = (s) => Array.from(s.querySelectorAll("[data-view]"));
    const NAMES = { findings: "Show findings", diagnosis: "Show diagnosis", discussion: "Show discussion" };

    function label() {
      const s = slides[cur];
      s.classList.toggle("is-answered", !!s.querySelector("details[data-stage=diagnosis][open]"));
      const next = stages(s).find((d) => !d.open);
      revealBtn.hidden = !next;
      revealBtn.textContent = next ? NAMES[next.dataset.stage] || "Show answer" : "";
    }

    function showView(i) {
      const list = views(slides[cur]);
      if (!list.length) {
        viewsBox.replaceChildren();
        return;
      }
      view = Math.max(0, Math.min(list.length - 1, i));
      list.forEach((v, j) => v.classList.toggle("is-shown", j === view));
      viewsBox.replaceChildren();
      if (list.length > 1) {
        list.forEach((_, j) => {
          const b = doc.createElement("button");
          b.type = "button";
          b.textContent = String(j + 1);
          b.setAttribute("aria-label", `Image ${j + 1} of ${list.length}`);
          b.setAttribute("aria-pressed", String(j === view));
          b.addEventListener("click", () => showView(j));
          viewsBox.appendChild(b);
        });
      }
    }

    function show(i) {
      cur = Math.max(0, Math.min(slides.length - 1, i));
      slides.forEach((s, j) => s.classList.toggle("is-current", j === cur));
      count.textContent = `${cur + 1} / ${slides.length}`;
      q(".present-prev").disabled = cur === 0;
      q(".present-next").disabled = cur === slides.length - 1;
      slides[cur].querySelectorAll("img[loading=lazy]").forEach((img) => { img.loading = "eager"; });
      const text = slides[cur].querySelector(".slide-text");
      if (text) text.scrollTop = 0;
      history.replaceState(null, "", `#case-${cur + 1}`);
      showView(0);
      label();
    }

    // The next closed stage of the answer opens; with none left, the next case.
    function reveal() {
      const next = stages(slides[cur]).find((d) => !d.open);
      if (!next) {
        if (cur < slides.length - 1) show(cur + 1);
        return;
      }
      next.open = true;
      next.scrollIntoView({ block: "nearest" });
      label();
    }

    function hide() {
      stages(slides[cur]).forEach((d) => { d.open = false; });
      label();
    }

    const native = () => !!(box.requestFullscreen && doc.fullscreenEnabled !== false);
    function enter(i) {
      on = true;
      doc.documentElement.classList.add("presenting");
      show(i);
      full();
      box.focus({ preventScroll: true });
    }
    function leave() {
      if (!on) return;
      on = false;
      doc.documentElement.classList.remove("presenting");
      slides.forEach((s) => s.classList.remove("is-current"));
      if (doc.fullscreenElement) doc.exitFullscreen().catch(() => {});
      history.replaceState(null, "", location.pathname + location.search);
      slides[cur].scrollIntoView({ block: "start" });
      button.focus({ preventScroll: true });
    }
    // Back to full screen after leaving it some other way (the presenter stays laid over the page).
    function full() {
      if (native() && !doc.fullscreenElement) box.requestFullscreen().catch(() => {});
    }

    box.tabIndex = -1;
    button.addEventListener("click", () => enter(0));
    q(".present-prev").addEventListener("click", () => show(cur - 1));
    q(".present-next").addEventListener("click", () => show(cur + 1));
    revealBtn.addEventListener("click", reveal);
    q(".present-leave").addEventListener("click", leave);
    // Opening a stage by its own summary keeps the reveal button's label right.
    box.addEventListener("toggle", () => { if (on) label(); }, true);

    doc.addEventListener("keydown", (e) => {
      if (!on || e.altKey || e.ctrlKey || e.metaKey) return;
      // A stack viewer with the focus has its own arrow keys (slices) and +/- (zoom).
      const inStack = e.target.closest && e.target.closest(".stack-viewport");
      const inControl = e.target.closest && e.target.closest("summary, button, input, a");
      let handled = true;
      switch (e.key) {
        case "ArrowRight": if (inStack) handled = false; else show(cur + 1); break;
        case "ArrowLeft": if (inStack) handled = false; else show(cur - 1); break;
        case "PageDown": case "n": case "N": show(cur + 1); break;
        case "PageUp": case "p": case "P": show(cur - 1); break;
        case " ": case "Enter": if (inControl) handled = false; else reveal(); break;
        case "ArrowDown": if (inStack) handled = false; else showView(view + 1); break;
        case "ArrowUp": if (inStack) handled = false; else showView(view - 1); break;
        case "h": case "H": hide(); break;
        case "Home": show(0); break;
        case "End": show(slides.length - 1); break;
        case "f": case "F": full(); break;
        case "Escape": leave(); break;
        default: handled = false;
      }
      if (handled) e.preventDefault();
    });
    // Esc in native full screen leaves full screen first: that leaves the presenter too.
    doc.addEventListener("fullscreenchange", () => {
      if (!doc.fullscreenElement && on) leave();
    });

    // A link to `#present` (or to one case, `#present-3`) opens the presenter.
    const m = /^#present(?:-(\d+))?$/.exec(location.hash);
    if (m) enter(m[1] ? Number(m[1]) - 1 : 0);
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
