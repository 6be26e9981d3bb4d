/* radcase search: reads the index the build wrote under /search/ (no service, no library).
   A query fetches the manifest, one shard per word (terms sharing their first three letters
   share a shard) and the metadata chunks of the results it shows; a facet's file only when
   the facet is chosen. The cases page's filter uses the same files when its cases span
   several pages, and hides the cards of its one page otherwise. */
(function () {
  "use strict";

  const doc = document;
  const SHOW = 20;

  function Index(base) {
    const files = new Map();
    const get = (path) => {
      if (!files.has(path)) {
        files.set(path, fetch(base + path).then((r) => {
          if (!r.ok) throw new Error(path + ": " + r.status);
          return r.json();
        }));
      }
      return files.get(path);
    };
    const manifest = get("index.json");

    const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    // As the build splits text: letters and digits, two to 32 of them, no stop words.
    const words = (m, q) => {
      const stop = new Set(m.stop);
      const out = [];
      for (const w of fold(q).split(/[^a-z0-9]+/)) {
        if (w.length >= 2 && w.length <= 32 && !stop.has(w) && !out.includes(w)) out.push(w);
      }
      return out;
    };
    // FNV-1a of the first three characters, as `SearchLayout::shard_of`.
    const shardOf = (m, w) => {
      let h = 0x811c9dc5;
      for (const b of new TextEncoder().encode(Array.from(w).slice(0, 3).join(""))) {
        h ^= b;
        h = Math.imul(h, 0x01000193) >>> 0;
      }
      return h % m.shards;
    };
    const undelta = (list, step) => {
      const out = [];
      let doc = 0;
      for (let i = 0; i < list.length; i += step) {
        doc += list[i];
        out.push(step === 2 ? [doc, list[i + 1]] : doc);
      }
      return out;
    };

    // doc → score for one word: exact terms count double, longer ones (prefixes) once.
    async function scores(m, w) {
      const shard = await get("t/" + shardOf(m, w) + ".json");
      const out = new Map();
      for (const term in shard) {
        const exact = term === w;
        if (!exact && (w.length < 3 || !term.startsWith(w))) continue;
        for (const [d, bits] of undelta(shard[term], 2)) {
          let s = 0;
          for (const bit in m.weights) if (bits & bit) s += m.weights[bit];
          if (exact) s *= 2;
          out.set(d, Math.max(out.get(d) || 0, s));
        }
      }
      return out;
    }

    async function facetDocs(name, value) {
      const f = await get("f/" + name + ".json");
      return new Set(undelta(f[value] || [], 1));
    }

    /* The ranked documents of a query and chosen facets ({name: value}); null when there is
       nothing to search for. Best first, ties in site order. */
    async function search(q, facets) {
      const m = await manifest;
      const ws = words(m, q);
      const chosen = Object.entries(facets).filter(([, v]) => v);
      if (!ws.length && !chosen.length) return null;
      let ranked = null;
      if (ws.length) {
        const all = await Promise.all(ws.map((w) => scores(m, w)));
        ranked = new Map();
        for (const d of all[0].keys()) {
          if (all.every((x) => x.has(d))) ranked.set(d, all.reduce((t, x) => t + x.get(d), 0));
        }
      }
      let allowed = null;
      for (const [name, value] of chosen) {
        const set = await facetDocs(name, value);
        allowed = allowed ? new Set([...allowed].filter((d) => set.has(d))) : set;
      }
      let docs;
      if (ranked) {
        docs = [...ranked.entries()].filter(([d]) => !allowed || allowed.has(d));
        docs.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
        docs = docs.map(([d]) => d);
      } else {
        docs = [...allowed].sort((a, b) => a - b);
      }
      return { docs, words: ws };
    }

    async function meta(d) {
      const m = await manifest;
      const chunk = await get("m/" + Math.floor(d / m.chunk) + ".json");
      return chunk[d % m.chunk];
    }

    return { manifest, search, meta };
  }

  const el = (tag, cls, text) => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  };

  function thumb(r) {
    if (!r.i) return el("span", "sr-thumb sr-thumb-none");
    const img = el("img", "sr-thumb");
    img.src = r.i.src;
    if (r.i.srcset) {
      img.srcset = r.i.srcset;
      img.sizes = "8rem";
    }
    img.width = r.i.w;
    img.height = r.i.h;
    img.alt = "";
    img.loading = "lazy";
    img.decoding = "async";
    return img;
  }

  const KINDS = { case: "Case", post: "Post", person: "Person", event: "Event", page: "Page" };

  /* ---------------------------------------------------------------- search page */

  function searchPage(root) {
    const index = Index(root.getAttribute("data-search"));
    const form = root.querySelector(".search-form");
    const input = root.querySelector(".search-input");
    const status = root.querySelector(".search-status");
    const list = root.querySelector(".search-results");
    const more = root.querySelector(".search-more");
    const facetBox = root.querySelector(".search-facets");
    form.hidden = false;
    let active = -1;
    let found = [];
    let shown = 0;
    let run = 0;
    const selects = {};

    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";

    index.manifest.then((m) => {
      for (const f of m.facets) {
        if (!f.values.length) continue;
        const label = el("label", "search-facet");
        label.appendChild(el("span", "", f.title));
        const s = el("select");
        s.name = f.name;
        s.appendChild(new Option("Any", ""));
        for (const [value, text, count] of f.values) s.appendChild(new Option(text + " (" + count + ")", value));
        s.value = params.get(f.name) || "";
        s.addEventListener("change", update);
        selects[f.name] = s;
        label.appendChild(s);
        facetBox.appendChild(label);
      }
      // Open on a wide screen, or when the address chose a facet; folded on a phone, where the
      // menus would push the results below the fold.
      const filters = root.querySelector(".search-filters");
      if (filters) filters.open = window.matchMedia("(min-width: 40rem)").matches || Object.values(selects).some((s) => s.value);
      update();
    }, () => { status.textContent = "The search index could not be loaded."; });

    const options = () => Array.from(list.children);
    function setActive(i) {
      const opts = options();
      active = Math.max(-1, Math.min(i, opts.length - 1));
      opts.forEach((o, j) => o.setAttribute("aria-selected", String(j === active)));
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", opts[active].id);
        opts[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    async function render(from) {
      const token = run;
      const slice = found.slice(from, from + SHOW);
      const rows = await Promise.all(slice.map((d) => index.meta(d)));
      if (token !== run) return;
      rows.forEach((r, k) => {
        const li = el("li", "search-result");
        li.id = "sr-" + (from + k);
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        const a = el("a", "sr-link");
        a.href = r.u;
        a.tabIndex = -1;
        a.appendChild(thumb(r));
        const text = el("span", "sr-text");
        text.appendChild(el("span", "sr-title", r.t));
        const bits = [KINDS[r.k] || r.k];
        if (r.g) bits.push(r.g);
        if (r.q) bits.push("Quiz");
        text.appendChild(el("span", "sr-meta", bits.join(" · ")));
        if (r.s) text.appendChild(el("span", "sr-excerpt", r.s));
        a.appendChild(text);
        li.appendChild(a);
        list.appendChild(li);
      });
      shown = from + rows.length;
      more.hidden = shown >= found.length;
      input.setAttribute("aria-expanded", String(shown > 0));
    }

    async function update() {
      const token = ++run;
      const q = input.value;
      const facets = {};
      for (const name in selects) facets[name] = selects[name].value;
      const url = new URLSearchParams();
      if (q) url.set("q", q);
      for (const name in facets) if (facets[name]) url.set(name, facets[name]);
      const qs = url.toString();
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
      let result;
      try {
        result = await index.search(q, facets);
      } catch (e) {
        status.textContent = "The search index could not be loaded.";
        return;
      }
      if (token !== run) return;
      list.textContent = "";
      setActive(-1);
      found = result ? result.docs : [];
      shown = 0;
      more.hidden = true;
      input.setAttribute("aria-expanded", "false");
      if (!result) {
        status.textContent = q.trim() ? "Type a word of two letters or more." : "";
        return;
      }
      const n = found.length;
      const what = result.words.length ? " for “" + q.trim() + "”" : "";
      status.textContent = n ? n + (n === 1 ? " result" : " results") + what : "No results" + what + ".";
      await render(0);
    }

    let timer = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    });
    form.addEventListener("submit", (e) => e.preventDefault());
    more.addEventListener("click", () => {
      const next = shown;
      render(next).then(() => setActive(next));
    });
    input.addEventListener("keydown", (e) => {
      const opts = options();
      if (e.key === "ArrowDown") {
        e.preventDefault();
        setActive(active + 1);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        setActive(active - 1);
      } else if (e.key === "Enter") {
        e.preventDefault();
        const target = opts[active >= 0 ? active : 0];
        if (target && (active >= 0 || opts.length === 1)) location.href = target.querySelector("a").href;
        else if (active < 0) update();
      } else if (e.key === "Escape") {
        if (active >= 0) setActive(-1);
        else if (input.value) {
          input.value = "";
          update();
        }
      }
    });
    input.focus();
  }

  /* ---------------------------------------------------------------- cases filter */

  function caseFilter(form) {
    const selects = Array.from(form.querySelectorAll("select[data-facet]"));
    if (!selects.length) return;
    const status = form.querySelector(".case-filter-status");
    const cards = form.parentNode.querySelector(".cards");
    const pager = form.parentNode.querySelector(".pagination");
    const own = Array.from(cards.children);
    const paged = Number(form.getAttribute("data-pages")) > 1;
    let index = null;
    let run = 0;
    form.hidden = false;
    const params = new URLSearchParams(location.search);
    for (const s of selects) {
      s.value = params.get(s.getAttribute("data-facet")) || "";
      s.addEventListener("change", update);
    }
    const count = (n) => n + (n === 1 ? " case" : " cases");

    // A result from the index as a card like the list's own.
    function card(r) {
      const a = el("article", "card card-case");
      if (r.i) {
        const link = el("a", "card-image");
        link.href = r.u;
        link.tabIndex = -1;
        link.setAttribute("aria-hidden", "true");
        const img = thumb(r);
        img.className = "";
        img.sizes = "(max-width: 40rem) 100vw, 22rem";
        link.appendChild(img);
        a.appendChild(link);
      }
      const h = el("h2", "card-title");
      const t = el("a", "", r.t);
      t.href = r.u;
      h.appendChild(t);
      a.appendChild(h);
      const meta = el("p", "meta");
      // As the list's own cards write a date: "12 March 2024".
      if (r.d) meta.appendChild(el("time", "", new Date(r.d + "T12:00:00").toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" }))).setAttribute("datetime", r.d);
      if (r.q) meta.appendChild(el("span", "badge", "Quiz"));
      a.appendChild(meta);
      if (r.s) a.appendChild(el("p", "card-summary", r.s));
      if (r.g) a.appendChild(el("p", "meta", r.g));
      return a;
    }

    async function update() {
      const token = ++run;
      const chosen = {};
      const url = new URLSearchParams(location.search);
      for (const s of selects) {
        const name = s.getAttribute("data-facet");
        chosen[name] = s.value;
        if (s.value) url.set(name, s.value);
        else url.delete(name);
      }
      const qs = url.toString();
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
      const any = Object.values(chosen).some(Boolean);
      if (!paged || !any) {
        let n = 0;
        cards.textContent = "";
        for (const c of own) {
          const fits = Object.entries(chosen).every(([name, v]) => !v || (c.getAttribute("data-" + name) || "").split("|").includes(v));
          c.hidden = !fits;
          if (fits) n++;
          cards.appendChild(c);
        }
        if (pager) pager.hidden = false;
        status.textContent = any ? count(n) + " of " + own.length + " shown" : "";
        return;
      }
      index = index || Index(form.getAttribute("data-case-filter"));
      try {
        const result = await index.search("", Object.assign({ kind: "case" }, chosen));
        const rows = await Promise.all(result.docs.map((d) => index.meta(d)));
        if (token !== run) return;
        cards.textContent = "";
        for (const r of rows) cards.appendChild(card(r));
        if (pager) pager.hidden = true;
        status.textContent = rows.length ? count(rows.length) + " match" : "No case matches.";
      } catch (e) {
        status.textContent = "The filter could not load the list of cases.";
      }
    }
    if (selects.some((s) => s.value)) update();
  }

  function init() {
    const root = doc.querySelector("[data-search]");
    if (root) searchPage(root);
    for (const f of doc.querySelectorAll("[data-case-filter]")) caseFilter(f);
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
