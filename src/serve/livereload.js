// radcase serve: live reload and the build-error overlay. Only `radcase serve` adds this
// script to pages; `radcase build` output never has it.
(() => {
  "use strict";
  const here = decodeURIComponent(location.pathname);
  const scrollKey = "radcase-serve-scroll:" + here;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const [x, y] = saved.split(",").map(Number);
    const restore = () => scrollTo(x, y);
    restore();
    addEventListener("load", restore, { once: true });
  }

  const reload = () => {
    sessionStorage.setItem(scrollKey, `${scrollX},${scrollY}`);
    location.reload();
  };

  const source = new EventSource("/__radcase/events");
  // Lets a test (or a curious author) see that the page is listening.
  source.addEventListener("open", () => {
    document.documentElement.dataset.radcaseServe = "connected";
  });
  source.addEventListener("reload", (e) => {
    const { urls } = JSON.parse(e.data);
    if (urls.includes("*") || urls.includes(here) || document.title.startsWith("radcase:")) {
      reload();
    }
  });
  source.addEventListener("css", () => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("radcase-reload", Date.now());
      link.href = url.href;
    }
  });
  source.addEventListener("build-error", (e) => show(JSON.parse(e.data)));
  source.addEventListener("build-ok", () => {
    const overlay = document.getElementById("radcase-serve-error");
    if (overlay) overlay.remove();
  });

  function show(report) {
    let overlay = document.getElementById("radcase-serve-error");
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "radcase-serve-error";
      overlay.setAttribute("role", "alertdialog");
      overlay.setAttribute("aria-label", "Build error");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,24,.94);color:#f4f4f5;font:14px/1.5 ui-monospace,monospace";
      document.body.append(overlay);
    }
    overlay.replaceChildren();
    const head = document.createElement("h2");
    head.textContent = "The site did not build: still showing the last good version";
    head.style.cssText = "font:600 18px/1.3 system-ui,sans-serif;margin:0 0 1rem;color:#fca5a5";
    overlay.append(head);
    for (const d of report.errors) {
      const item = document.createElement("pre");
      item.style.cssText = "white-space:pre-wrap;margin:0 0 1rem;padding:1rem;background:#27272a;border-radius:6px";
      const where = [d.path, d.line, d.column].filter((v) => v != null).join(":");
      item.textContent = (where ? where + ": " : "") + d.message + (d.hint ? "\n  hint: " + d.hint : "");
      overlay.append(item);
    }
    const note = document.createElement("p");
    note.textContent = "Fix the file and save: this message goes away by itself.";
    note.style.cssText = "font-family:system-ui,sans-serif;color:#a1a1aa";
    overlay.append(note);
  }
})();
