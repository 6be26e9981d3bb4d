/* radcase: a lightbox for image galleries and a scrollable image stack (with window presets).
   Progressive enhancement: without JavaScript a gallery link opens the large image and a stack
   shows every slice as a list (one per window). No dependencies, no network requests of its own. */
(function () {
  "use strict";

  const doc = document;
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const q = (root, sel) => root.querySelector(sel);

  const ICONS = {
    prev: '<path d="M15 5l-7 7 7 7"/>',
    next: '<path d="M9 5l7 7-7 7"/>',
    close: '<path d="M6 6l12 12M18 6L6 18"/>',
    zoom: '<circle cx="10.5" cy="10.5" r="6.5"/><path d="M15.5 15.5L20 20M7.5 10.5h6"/><path class="lb-plus" d="M10.5 7.5v6"/>',
  };
  const button = (cls, label, icon) =>
    `<button type="button" class="lb-btn ${cls}" aria-label="${label}">` +
    `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICONS[icon]}</svg></button>`;

  /* ---------------------------------------------------------------- lightbox */

  let lb = null; // the <dialog> and its parts, built on first use
  const S = { links: [], i: 0, scale: 1, tx: 0, ty: 0, fitW: 0, fitH: 0, natW: 0, natH: 0, max: 4, token: 0 };

  function build() {
    const d = doc.createElement("dialog");
    d.className = "lightbox";
    d.setAttribute("aria-label", "Image viewer");
    d.innerHTML =
      '<div class="lb-tools">' + button("lb-zoom", "Zoom in", "zoom") + button("lb-close", "Close", "close") + "</div>" +
      '<div class="lb-stage"><div class="lb-frame"><img class="lb-image" alt="" draggable="false"></div>' +
      button("lb-prev", "Previous image", "prev") + button("lb-next", "Next image", "next") + "</div>" +
      '<div class="lb-bar"><p class="lb-caption"></p><p class="lb-count" aria-live="polite"></p></div>';
    doc.body.appendChild(d);
    const parts = { dialog: d };
    for (const k of ["stage", "frame", "image", "caption", "count", "prev", "next", "zoom", "close"]) parts[k] = q(d, ".lb-" + k);
    parts.prev.addEventListener("click", () => go(-1));
    parts.next.addEventListener("click", () => go(1));
    parts.zoom.addEventListener("click", () => toggleZoom(0, 0));
    parts.close.addEventListener("click", () => d.close());
    d.addEventListener("close", onClose);
    d.addEventListener("keydown", onKey);
    gestures(parts);
    window.addEventListener("resize", () => { if (d.open) { reset(); layout(); } });
    return parts;
  }

  function open(link) {
    if (!lb) lb = build();
    const group = link.getAttribute("data-lightbox");
    S.links = Array.from(doc.querySelectorAll("a[data-lightbox]")).filter((a) => a.getAttribute("data-lightbox") === group);
    const root = doc.documentElement;
    root.style.setProperty("--lb-scrollbar", Math.max(0, window.innerWidth - root.clientWidth) + "px");
    root.classList.add("lb-lock");
    lb.dialog.showModal();
    show(Math.max(0, S.links.indexOf(link)));
    lb.close.focus();
  }

  function onClose() {
    if (lb.dialog.open) return; // opened again before this event came
    S.token++;
    doc.documentElement.classList.remove("lb-lock");
    const a = S.links[S.i];
    if (a && a.isConnected) a.focus();
  }

  function go(step) {
    if (S.links.length > 1) show(S.i + step);
  }

  function show(i) {
    const n = S.links.length;
    S.i = ((i % n) + n) % n;
    const a = S.links[S.i];
    const thumb = q(a, "img");
    const fig = a.closest("figure");
    const cap = fig && q(fig, "figcaption");
    const alt = thumb ? thumb.alt : "";
    const text = (cap && cap.textContent.trim()) || alt;
    lb.caption.textContent = text;
    lb.caption.hidden = !text;
    lb.count.textContent = n > 1 ? `${S.i + 1} / ${n}` : "";
    lb.prev.hidden = lb.next.hidden = n < 2;
    const img = lb.image;
    img.alt = alt;
    S.natW = +a.dataset.width || 0;
    S.natH = +a.dataset.height || 0;
    if (!(S.natW && S.natH) && thumb) {
      S.natW = thumb.naturalWidth || +thumb.getAttribute("width") || 0;
      S.natH = thumb.naturalHeight || +thumb.getAttribute("height") || 0;
    }
    reset();
    layout();

    // Show the thumbnail, already loaded, stretched to the final size until the large image is ready.
    const href = a.href;
    const token = ++S.token;
    if (img.src !== href) {
      const ph = thumb && thumb.complete && thumb.naturalWidth ? thumb.currentSrc || thumb.src : "";
      if (ph) img.src = ph;
      else img.removeAttribute("src");
      lb.dialog.classList.add("is-loading");
      const full = new Image();
      full.src = href;
      const done = () => {
        if (token !== S.token) return;
        if (full.naturalWidth && !(a.dataset.width && a.dataset.height)) {
          S.natW = full.naturalWidth;
          S.natH = full.naturalHeight;
          layout();
        }
        img.src = href;
        lb.dialog.classList.remove("is-loading");
      };
      full.decode().then(done, done);
    } else {
      lb.dialog.classList.remove("is-loading");
    }
    if (n > 1) for (const k of [1, -1]) new Image().src = S.links[(S.i + k + n) % n].href;
  }

  // Fit the image into the frame (upscaling a small image at most 2x), then apply the zoom.
  function layout() {
    const f = lb.frame;
    const w = S.natW || f.clientWidth;
    const h = S.natH || f.clientHeight;
    const k = Math.min(f.clientWidth / w, f.clientHeight / h, 2) || 1;
    S.fitW = w * k;
    S.fitH = h * k;
    lb.image.style.width = S.fitW + "px";
    lb.image.style.height = S.fitH + "px";
    // "Actual size" zoom, kept between 2x and 4x; the wheel may go up to twice actual size.
    S.actual = clamp(S.natW / S.fitW || 2, 2, 4);
    S.max = Math.max(4, (2 * S.natW) / S.fitW || 0);
    apply();
  }

  function apply() {
    lb.image.style.transform = `translate(-50%, -50%) translate(${S.tx}px, ${S.ty}px) scale(${S.scale})`;
    const zoomed = S.scale > 1.001;
    lb.dialog.classList.toggle("is-zoomed", zoomed);
    lb.zoom.setAttribute("aria-label", zoomed ? "Zoom out" : "Zoom in");
    lb.zoom.setAttribute("aria-pressed", String(zoomed));
  }

  function reset() {
    S.scale = 1;
    S.tx = S.ty = 0;
  }

  function clampPan() {
    const r = lb.stage.getBoundingClientRect();
    const mx = Math.max(0, (S.fitW * S.scale - r.width) / 2);
    const my = Math.max(0, (S.fitH * S.scale - r.height) / 2);
    S.tx = clamp(S.tx, -mx, mx);
    S.ty = clamp(S.ty, -my, my);
  }

  // Zoom to scale s keeping the point (x, y), in px from the stage's centre, where it is.
  function zoomTo(s, x, y) {
    s = clamp(s, 1, S.max);
    const k = s / S.scale;
    S.tx = x - k * (x - S.tx);
    S.ty = y - k * (y - S.ty);
    S.scale = s;
    if (s === 1) S.tx = S.ty = 0;
    clampPan();
    apply();
  }

  function toggleZoom(x, y) {
    zoomTo(S.scale > 1.001 ? 1 : S.actual, x, y);
  }

  // A point of the viewport, in px from the centre of the stage.
  function fromCentre(px, py) {
    const r = lb.stage.getBoundingClientRect();
    return [px - r.left - r.width / 2, py - r.top - r.height / 2];
  }

  function onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const k = e.key;
    if (k === "ArrowRight" || k === "ArrowLeft") go(k === "ArrowRight" ? 1 : -1);
    else if (k === "Home" || k === "End") show(k === "Home" ? 0 : S.links.length - 1);
    else if (k === "+" || k === "=") zoomTo(S.scale * 1.5, 0, 0);
    else if (k === "-") zoomTo(S.scale / 1.5, 0, 0);
    else if (k === "0") zoomTo(1, 0, 0);
    else if (k === "Tab") {
      // showModal() already keeps focus in the dialog; also wrap around instead of leaving for the browser's UI.
      const f = Array.from(lb.dialog.querySelectorAll("button")).filter((b) => !b.hidden);
      const at = f.indexOf(doc.activeElement);
      if (e.shiftKey ? at <= 0 : at === f.length - 1) f[e.shiftKey ? f.length - 1 : 0].focus();
      else return;
    } else return;
    e.preventDefault();
  }

  // Pointer gestures on the stage: drag pans when zoomed, swipes otherwise; pinch and double tap zoom;
  // a click beside the image closes.
  function gestures(p) {
    const stage = p.stage;
    const pts = new Map();
    let g = null; // the gesture in progress
    let lastTap = null;
    let suppressClick = false;
    let downOn = null; // where the last press began: with the pointer captured, later events target the stage
    let lastType = "mouse";

    const startPan = (x, y) => ({ x0: x, y0: y, tx0: S.tx, ty0: S.ty, moved: false });
    const spread = () => {
      const [a, b] = Array.from(pts.values());
      return { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    };

    stage.addEventListener("pointerdown", (e) => {
      lastType = e.pointerType;
      downOn = e.target;
      suppressClick = false; // a touch drag ends without a click
      if ((e.pointerType === "mouse" && e.button !== 0) || e.target.closest("button")) return;
      stage.setPointerCapture(e.pointerId);
      pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pts.size === 1) g = startPan(e.clientX, e.clientY);
      else if (pts.size === 2) {
        const s = spread();
        g = { pinch: true, d0: s.d, s0: S.scale, moved: true };
      }
      p.dialog.classList.add("is-dragging");
    });

    stage.addEventListener("pointermove", (e) => {
      if (!pts.has(e.pointerId) || !g) return;
      pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (g.pinch) {
        if (pts.size < 2) return;
        const s = spread();
        const [x, y] = fromCentre(s.x, s.y);
        zoomTo((g.s0 * s.d) / g.d0, x, y);
        return;
      }
      const dx = e.clientX - g.x0;
      const dy = e.clientY - g.y0;
      if (!g.moved && Math.hypot(dx, dy) < 6) return;
      g.moved = true;
      if (S.scale > 1.001) {
        S.tx = g.tx0 + dx;
        S.ty = g.ty0 + dy;
        clampPan();
      } else if (S.links.length > 1) {
        S.tx = dx; // the image follows a horizontal swipe
      }
      apply();
    });

    const end = (e) => {
      if (!pts.delete(e.pointerId) || !g) return;
      if (pts.size) {
        // Pinch ended with a finger still down: go on panning from there.
        const [pt] = Array.from(pts.values());
        g = startPan(pt.x, pt.y);
        g.moved = true;
        return;
      }
      p.dialog.classList.remove("is-dragging");
      const done = g;
      g = null;
      if (done.moved) suppressClick = true;
      if (done.pinch) {
        if (S.scale < 1.05) zoomTo(1, 0, 0);
        return;
      }
      const dx = e.clientX - done.x0;
      const dy = e.clientY - done.y0;
      if (done.moved && S.scale <= 1.001) {
        S.tx = 0;
        if (e.type === "pointerup" && Math.abs(dx) > 50 && Math.abs(dx) > Math.abs(dy)) go(dx < 0 ? 1 : -1);
        else apply();
      }
      // Double tap on the image (touch and pen; the mouse has dblclick).
      if (!done.moved && e.pointerType !== "mouse" && downOn === p.image) {
        if (lastTap && e.timeStamp - lastTap.t < 320 && Math.hypot(e.clientX - lastTap.x, e.clientY - lastTap.y) < 30) {
          toggleZoom(...fromCentre(e.clientX, e.clientY));
          lastTap = null;
        } else lastTap = { t: e.timeStamp, x: e.clientX, y: e.clientY };
      }
    };
    stage.addEventListener("pointerup", end);
    stage.addEventListener("pointercancel", end);

    stage.addEventListener("click", (e) => {
      if (suppressClick) {
        suppressClick = false;
        return;
      }
      if (downOn === stage || downOn === p.frame) p.dialog.close(); // beside the image
    });

    stage.addEventListener("dblclick", (e) => {
      if (lastType === "mouse" && downOn === p.image) toggleZoom(...fromCentre(e.clientX, e.clientY));
    });

    stage.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
        if (e.ctrlKey) {
          // ctrl + wheel, and a trackpad pinch, zoom around the pointer.
          zoomTo(S.scale * Math.exp(-e.deltaY * unit * 0.004), ...fromCentre(e.clientX, e.clientY));
        } else if (S.scale > 1.001) {
          S.tx -= e.deltaX * unit;
          S.ty -= e.deltaY * unit;
          clampPan();
          apply();
        }
      },
      { passive: false }
    );
  }

  function onDocClick(e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest && e.target.closest("a[data-lightbox]");
    if (!a) return;
    e.preventDefault();
    open(a);
  }

  /* ------------------------------------------------------------- image stack */

  function stack(fig) {
    const viewer = q(fig, ".stack-viewer");
    const vp = q(fig, ".stack-viewport");
    const img = vp && q(vp, ".stack-image");
    const lists = fig.querySelectorAll(".stack-fallback");
    const slider = q(fig, ".stack-slider");
    const counter = q(fig, ".stack-counter");
    if (!viewer || !img || !lists.length || fig.dataset.stackReady) return;
    // One list of slice URLs per window (the default first); a window with another slice
    // count than the default is left out rather than shown out of step.
    const sets = Array.from(lists, (l) => Array.from(l.querySelectorAll("img"), (i) => i.src).filter(Boolean));
    const n = sets[0].length;
    if (!n) return;
    const buttons = Array.from(fig.querySelectorAll(".stack-window"));
    let w = 0; // the window shown
    let frames = sets[0];
    fig.dataset.stackReady = "";
    viewer.hidden = false;
    // Kept: they hold the frame URLs, and are the no-JS view.
    fig.querySelectorAll(".stack-fallback, .stack-fallback-window").forEach((el) => { el.hidden = true; });
    img.draggable = false;
    vp.setAttribute("aria-valuemin", "1");
    vp.setAttribute("aria-valuemax", String(n));
    if (slider) {
      slider.min = "1";
      slider.max = String(n);
    }

    const bar = doc.createElement("div");
    bar.className = "stack-progress";
    bar.setAttribute("aria-hidden", "true");
    vp.appendChild(bar);

    let cur = -1;
    const caches = sets.map(() => new Array(n));
    const loaded = sets.map(() => 0);
    let active = 0;
    const progress = () => {
      bar.style.transform = `scaleX(${loaded[w] / n})`;
      fig.classList.toggle("stack-loaded", loaded[w] === n);
    };

    function set(i, user = true) {
      i = clamp(Math.round(i), 0, n - 1);
      if (i === cur) return;
      cur = i;
      if (img.src !== frames[i]) img.src = frames[i];
      if (counter) counter.textContent = `${i + 1} / ${n}`;
      const text = `Slice ${i + 1} of ${n}`;
      if (slider) {
        slider.value = String(i + 1);
        slider.setAttribute("aria-valuetext", text);
      }
      vp.setAttribute("aria-valuenow", String(i + 1));
      vp.setAttribute("aria-valuetext", text);
      if (user) pump();
    }

    // Preload every frame, nearest to the current slice first, four at a time: once the stack is
    // near the viewport and the page has loaded, or as soon as someone scrolls it.
    // Only the window shown is preloaded; another one starts when it is chosen.
    function pump() {
      const cache = caches[w];
      const k = w;
      while (active < 4) {
        let next = -1;
        for (let d = 0; d < n && next < 0; d++) {
          if (cur + d < n && !cache[cur + d]) next = cur + d;
          else if (cur - d >= 0 && !cache[cur - d]) next = cur - d;
        }
        if (next < 0) return;
        const im = (cache[next] = new Image());
        active++;
        im.onload = im.onerror = () => {
          active--;
          loaded[k]++;
          progress();
          pump();
        };
        im.src = sets[k][next];
      }
    }

    // Window presets: the same slice in another window.
    buttons.forEach((b, k) => {
      if (!sets[k] || sets[k].length !== n) {
        b.disabled = true;
        return;
      }
      b.addEventListener("click", () => {
        if (k === w) return;
        w = k;
        frames = sets[k];
        img.src = frames[cur];
        buttons.forEach((o, j) => o.setAttribute("aria-pressed", String(j === k)));
        progress();
        pump();
      });
    });

    const start = slider ? +slider.value : +vp.getAttribute("aria-valuenow");
    set((start || 1) - 1, false);
    const later = () => {
      if (doc.readyState === "complete") pump();
      else window.addEventListener("load", pump, { once: true });
    };
    if ("IntersectionObserver" in window) {
      const io = new IntersectionObserver(
        (entries) => {
          if (entries.some((en) => en.isIntersecting)) {
            io.disconnect();
            later();
          }
        },
        { rootMargin: "400px" }
      );
      io.observe(vp);
    } else later();

    // Zoom and pan: the slice scaled by Z.s about its centre, then moved by (Z.tx, Z.ty) px.
    // Every slice of the stack is shown with the same zoom, so scrolling keeps the region.
    const Z = { s: 1, tx: 0, ty: 0, max: 8 };
    const zoomIn = q(fig, ".stack-zoom-in");
    const zoomOut = q(fig, ".stack-zoom-out");
    const fullBtn = q(fig, ".stack-full");
    const zoomed = () => Z.s > 1.001;
    function applyZoom() {
      img.style.transform = zoomed() ? `translate(${Z.tx}px, ${Z.ty}px) scale(${Z.s})` : "";
      fig.classList.toggle("is-zoomed", zoomed());
      if (zoomOut) zoomOut.disabled = !zoomed();
      if (zoomIn) zoomIn.disabled = Z.s >= Z.max - 0.001;
    }
    // Never so far that the slice's edge comes inside the viewport.
    function clampPan() {
      const mx = Math.max(0, (img.offsetWidth * Z.s - vp.clientWidth) / 2);
      const my = Math.max(0, (img.offsetHeight * Z.s - vp.clientHeight) / 2);
      Z.tx = clamp(Z.tx, -mx, mx);
      Z.ty = clamp(Z.ty, -my, my);
    }
    // Zoom to s keeping the point (x, y), in px from the viewport's centre, where it is.
    function zoomTo(s, x = 0, y = 0) {
      s = clamp(s, 1, Z.max);
      const k = s / Z.s;
      Z.tx = x - k * (x - Z.tx);
      Z.ty = y - k * (y - Z.ty);
      Z.s = s;
      if (!zoomed()) {
        Z.s = 1;
        Z.tx = Z.ty = 0;
      }
      clampPan();
      applyZoom();
    }
    const fromCentre = (cx, cy) => {
      const r = vp.getBoundingClientRect();
      return [cx - (r.left + r.width / 2), cy - (r.top + r.height / 2)];
    };
    if (zoomIn) zoomIn.addEventListener("click", () => zoomTo(Z.s * 1.5));
    if (zoomOut) zoomOut.addEventListener("click", () => zoomTo(Z.s / 1.5));
    applyZoom();

    // Full screen: the Fullscreen API where there is one; else (iPhone Safari) the figure is
    // laid over the page. Either way `is-full` is what the stylesheet lays out.
    const native = !!(fig.requestFullscreen && doc.fullscreenEnabled !== false);
    const isFull = () => fig.classList.contains("is-full");
    function showFull(on) {
      fig.classList.toggle("is-full", on);
      doc.documentElement.classList.toggle("stack-lock", on);
      if (fullBtn) {
        fullBtn.setAttribute("aria-pressed", String(on));
        fullBtn.setAttribute("aria-label", on ? "Leave full screen" : "Full screen");
      }
      zoomTo(1);
      vp.focus({ preventScroll: true });
    }
    function toggleFull() {
      if (native) {
        if (doc.fullscreenElement === fig) doc.exitFullscreen().catch(() => showFull(false));
        else fig.requestFullscreen().catch(() => showFull(!isFull()));
      } else showFull(!isFull());
    }
    if (native) {
      doc.addEventListener("fullscreenchange", () => {
        const on = doc.fullscreenElement === fig;
        if (on !== isFull()) showFull(on);
      });
    }
    if (fullBtn) fullBtn.addEventListener("click", toggleFull);

    // Mouse wheel: one slice per notch; a trackpad's small deltas add up (one slice per 25 px).
    // With ctrl (and a trackpad pinch, which arrives as one) it zooms about the pointer.
    let acc = 0;
    vp.addEventListener(
      "wheel",
      (e) => {
        const unit = e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? 800 : 1;
        if (e.ctrlKey) {
          e.preventDefault();
          zoomTo(Z.s * Math.exp(-e.deltaY * unit * 0.004), ...fromCentre(e.clientX, e.clientY));
          return;
        }
        const d = (Math.abs(e.deltaY) >= Math.abs(e.deltaX) ? e.deltaY : e.deltaX) * unit;
        if (!d) return;
        e.preventDefault();
        if (Math.abs(d) >= 40) {
          acc = 0;
          set(cur + Math.sign(d));
        } else {
          acc += d;
          const steps = Math.trunc(acc / 25);
          acc -= steps * 25;
          if (steps) set(cur + steps);
        }
      },
      { passive: false }
    );

    // Drag: with a mouse up/down or left/right, on touch left/right (up/down scrolls the page):
    // through the slices, or, zoomed in, moves the image. Two fingers pinch to zoom.
    // Pixels per slice grow with the viewer and shrink with the stack's length, so a drag across
    // the whole viewer passes every slice once at most (never less than 4 px a slice).
    const pts = new Map();
    let drag = null;
    const pinch = () => {
      const [a, b] = Array.from(pts.values());
      return { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    };
    const begin = (e) => ({ id: e.pointerId, x: e.clientX, y: e.clientY, i: cur, tx: Z.tx, ty: Z.ty, touch: e.pointerType !== "mouse" });
    vp.addEventListener("pointerdown", (e) => {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      vp.focus({ preventScroll: true });
      pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pts.size === 2) {
        const p = pinch();
        drag = { pinch: true, d0: p.d, s0: Z.s };
      } else if (pts.size === 1) drag = begin(e);
      if (e.pointerType === "mouse" || zoomed() || pts.size === 2) {
        try { vp.setPointerCapture(e.pointerId); } catch (_) { /* already released */ }
      }
      fig.classList.add("is-dragging");
    });
    vp.addEventListener("pointermove", (e) => {
      if (!drag || !pts.has(e.pointerId)) return;
      pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (drag.pinch) {
        if (pts.size < 2) return;
        const p = pinch();
        zoomTo((drag.s0 * p.d) / drag.d0, ...fromCentre(p.x, p.y));
        return;
      }
      if (e.pointerId !== drag.id) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (zoomed()) {
        Z.tx = drag.tx + dx;
        Z.ty = drag.ty + dy;
        clampPan();
        applyZoom();
        return;
      }
      const horizontal = drag.touch || Math.abs(dx) > Math.abs(dy);
      const size = horizontal ? vp.clientWidth : vp.clientHeight;
      const step = Math.max(size / n, 4);
      set(drag.i + Math.trunc((horizontal ? dx : dy) / step));
    });
    const stop = (e) => {
      if (!pts.delete(e.pointerId)) return;
      if (pts.size === 1 && drag && drag.pinch) {
        // A pinch ended with a finger still down: go on moving from there.
        const [[id, p]] = Array.from(pts.entries());
        drag = { id, x: p.x, y: p.y, i: cur, tx: Z.tx, ty: Z.ty, touch: true };
        return;
      }
      if (!pts.size) {
        drag = null;
        fig.classList.remove("is-dragging");
      }
    };
    vp.addEventListener("pointerup", stop);
    vp.addEventListener("pointercancel", stop);

    vp.addEventListener("keydown", (e) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const page = Math.max(1, Math.round(n / 10));
      const by = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: page, PageUp: -page }[e.key];
      if (by) set(cur + by);
      else if (e.key === "Home") set(0);
      else if (e.key === "End") set(n - 1);
      else if (e.key === "+" || e.key === "=") zoomTo(Z.s * 1.5);
      else if (e.key === "-") zoomTo(Z.s / 1.5);
      else if (e.key === "0") zoomTo(1);
      else if (e.key === "f" || e.key === "F") toggleFull();
      else if (e.key === "Escape" && isFull() && !native) showFull(false);
      else return;
      e.preventDefault();
    });
    window.addEventListener("resize", () => zoomTo(Z.s));

    if (slider) slider.addEventListener("input", () => set(+slider.value - 1));
  }

  /* ---------------------------------------------------------------- share: copy link */

  // The button is hidden in the page: it only appears where the clipboard can be written.
  function copyButton(btn) {
    if (!navigator.clipboard) return;
    btn.hidden = false;
    btn.addEventListener("click", () => {
      navigator.clipboard.writeText(btn.dataset.copy).then(
        () => { btn.textContent = "Link copied"; setTimeout(() => { btn.textContent = "Copy link"; }, 2000); },
        () => { btn.textContent = "Copy failed"; }
      );
    });
  }

  /* ---------------------------------------------------------------- Mastodon */

  // Every reader is on a server of their own: the button asks which (remembered in this
  // browser only) and opens that server's share page. No third party sees anything.
  const INSTANCE_KEY = "radcase-mastodon-instance";
  function instanceHost(text) {
    const host = text.trim().replace(/^https?:\/\//i, "").replace(/^@?[^@\s/]*@/, "").split(/[/?#]/)[0].toLowerCase();
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/.test(host) ? host : null;
  }
  function mastodonButton(btn) {
    const nav = btn.closest(".share");
    const form = nav && q(nav, ".share-instance");
    if (!form) return;
    const input = q(form, "input");
    btn.hidden = false;
    btn.addEventListener("click", () => {
      const open = form.hidden;
      form.hidden = !open;
      btn.setAttribute("aria-expanded", String(open));
      if (open) {
        try { input.value = localStorage.getItem(INSTANCE_KEY) || ""; } catch (e) { /* private mode */ }
        input.focus();
      }
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const host = instanceHost(input.value);
      if (!host) {
        input.setCustomValidity("Write the server's name, such as mastodon.social");
        input.reportValidity();
        return;
      }
      input.setCustomValidity("");
      try { localStorage.setItem(INSTANCE_KEY, host); } catch (err) { /* private mode */ }
      window.open(`https://${host}/share?text=${encodeURIComponent(btn.dataset.shareText)}`, "_blank", "noopener");
      form.hidden = true;
      btn.setAttribute("aria-expanded", "false");
    });
    input.addEventListener("input", () => input.setCustomValidity(""));
  }

  /* ---------------------------------------------------------------- e-mail addresses */

  // The protected_email filter writes the two halves of an address in spans, with no "@" and no
  // "mailto:" in the HTML for harvesters to find; here they become a real link.
  function email(span) {
    const part = (cls) => { const e = q(span, "." + cls); return e ? e.textContent.trim() : ""; };
    const user = part("email-user");
    const host = part("email-host");
    if (!user || !host) return;
    const a = doc.createElement("a");
    a.className = "email";
    a.href = "mailto:" + user + "@" + host;
    a.textContent = user + "@" + host;
    span.replaceWith(a);
  }

  /* ---------------------------------------------------------------- header menu */

  // On narrow screens the stylesheet shows the menu button and hides the list until it is
  // opened; Escape, a click outside or leaving it with Tab closes it again.
  function menu(nav) {
    const btn = q(nav, ".menu-button");
    const list = q(nav, "#" + (btn && btn.getAttribute("aria-controls")));
    if (!btn || !list) return;
    const set = (open) => {
      btn.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    };
    btn.addEventListener("click", () => set(btn.getAttribute("aria-expanded") !== "true"));
    nav.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && nav.classList.contains("is-open")) {
        set(false);
        btn.focus();
      }
    });
    doc.addEventListener("click", (e) => { if (!nav.contains(e.target)) set(false); });
    nav.addEventListener("focusout", (e) => { if (e.relatedTarget && !nav.contains(e.relatedTarget)) set(false); });
  }

  /* ---------------------------------------------------------------- wide tables */

  // A table wider than its column scrolls in its box; a line above it says so, while it does.
  function wideTable(box) {
    const hint = doc.createElement("p");
    hint.className = "table-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = "Scroll sideways to see the whole table \u2192";
    box.before(hint);
    const check = () => { hint.hidden = box.scrollWidth <= box.clientWidth + 1; };
    check();
    window.addEventListener("resize", check);
  }

  /* ---------------------------------------------------------------- citation: date accessed */

  function accessed(el) {
    const d = new Date();
    const iso = [d.getFullYear(), String(d.getMonth() + 1).padStart(2, "0"), String(d.getDate()).padStart(2, "0")].join("-");
    el.dateTime = iso;
    el.textContent = iso;
  }

  function init() {
    if (typeof HTMLDialogElement === "function" && "showModal" in HTMLDialogElement.prototype) {
      doc.addEventListener("click", onDocClick);
    }
    doc.querySelectorAll("[data-stack]").forEach(stack);
    doc.querySelectorAll("[data-copy]").forEach(copyButton);
    doc.querySelectorAll(".share-mastodon").forEach(mastodonButton);
    doc.querySelectorAll("time[data-accessed]").forEach(accessed);
    doc.querySelectorAll("span[data-email]").forEach(email);
    doc.querySelectorAll(".site-nav").forEach(menu);
    doc.querySelectorAll(".table-scroll").forEach(wideTable);
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
