/* spark-docs search: a small UI over Pagefind's pagefind.js (the index is built by `spark-docs
 * build`). Header field on every page (`/` focuses it, Escape closes), the /search/ page with
 * filters by kind and Spark version, and the "paste your error or log" box, which ranks pages
 * for a pasted log like `spark-docs triage`: signatures of recipes and issues by specificity,
 * then a weighted token search.
 * The base path comes from this script's own URL, so the site works under any sub-path. */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector('script[src$="static/search.js"]');
  var base = script && script.src ? new URL(script.src, location.href).pathname.replace(/static\/search\.js$/, "") : "/";
  var KINDS = ["recipe", "issue", "preset", "notebook", "script", "property"];

  var pagefindPromise = null;
  function pagefind() {
    if (!pagefindPromise) {
      pagefindPromise = import(base + "pagefind/pagefind.js").then(function (pf) {
        return Promise.resolve(pf.options({ basePath: base + "pagefind/", baseUrl: base, excerptLength: 22 })).then(function () {
          pf.init();
          return pf;
        });
      });
      pagefindPromise.catch(function () { pagefindPromise = null; });
    }
    return pagefindPromise;
  }

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Pagefind excerpts are HTML-escaped text with <mark> around matches: keep only <mark>.
  function safeExcerpt(html) {
    return String(html || "").replace(/<(?!\/?mark>)[^>]*>/g, "");
  }

  function debounce(fn, ms) {
    var t = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  /* ---------------------------------------------------------------- searching */

  // Runs one query; returns [{url, title, kind, spark, excerpt, subs: [{title, url, excerpt}]}].
  function runSearch(query, filters, limit) {
    return pagefind().then(function (pf) {
      var opts = {};
      if (filters && Object.keys(filters).length) opts.filters = filters;
      return pf.search(query, opts);
    }).then(function (res) {
      if (!res) return [];
      return Promise.all(res.results.slice(0, limit || 10).map(function (r) { return r.data(); }));
    }).then(function (datas) {
      return datas.map(function (d) {
        var subs = (d.sub_results || []).filter(function (s) { return s.url !== d.url && s.url.indexOf("#") >= 0; }).slice(0, 3);
        return {
          url: d.url,
          title: (d.meta && d.meta.title) || d.url,
          kind: (d.meta && d.meta.kind) || "",
          spark: (d.filters && d.filters.spark) || [],
          excerpt: d.excerpt,
          subs: subs.map(function (s) { return { title: s.title, url: s.url, excerpt: s.excerpt }; }),
        };
      });
    });
  }

  function hitHtml(hit, extraClass) {
    var kind = KINDS.indexOf(hit.kind) >= 0 ? hit.kind : "page";
    var spark = hit.spark.map(function (v) { return '<span class="badge spark">' + esc(v) + "</span>"; }).join("");
    var subs = hit.subs.length
      ? '<ul class="search-subs">' + hit.subs.map(function (s) {
          return '<li><a class="search-sub" href="' + esc(s.url) + '"><span class="search-sub-title">' + esc(s.title) +
            '</span><span class="search-excerpt">' + safeExcerpt(s.excerpt) + "</span></a></li>";
        }).join("") + "</ul>"
      : "";
    return '<li class="search-hit' + (extraClass ? " " + extraClass : "") + '" data-kind="' + esc(kind) + '">' +
      '<a class="search-hit-link" href="' + esc(hit.url) + '">' +
      '<span class="search-hit-head"><span class="badge kind kind-' + esc(kind) + '">' + esc(kind) + "</span>" +
      '<span class="search-hit-title">' + esc(hit.title) + "</span>" + spark + "</span>" +
      '<span class="search-excerpt">' + safeExcerpt(hit.excerpt) + "</span></a>" + subs + "</li>";
  }

  /* ---------------------------------------------------------------- header field */

  function initHeader() {
    var input = document.getElementById("search-input");
    var panel = document.getElementById("search-panel");
    var form = input && input.form;
    if (!input || !panel) return;
    var seq = 0;
    var active = -1;
    var chosen = { kind: [], spark: [] };

    // Filter chips above the results: kind and Spark version (toggle buttons).
    var chips = KINDS.map(function (k) {
      return '<button type="button" class="search-chip" data-facet="kind" data-value="' + k + '" aria-pressed="false"><span class="badge kind kind-' + k + '">' + k + "</span></button>";
    }).concat(["3.5", "4.1"].map(function (v) {
      return '<button type="button" class="search-chip" data-facet="spark" data-value="' + v + '" aria-pressed="false"><span class="badge spark">Spark ' + v + "</span></button>";
    })).join("");
    panel.innerHTML = '<div class="search-panel-filters" role="group" aria-label="Filter results">' + chips + '</div><div class="search-panel-results"></div>';
    var resultsBox = panel.querySelector(".search-panel-results");
    panel.querySelector(".search-panel-filters").addEventListener("click", function (e) {
      var b = e.target.closest(".search-chip");
      if (!b) return;
      var list = chosen[b.dataset.facet];
      var at = list.indexOf(b.dataset.value);
      if (at >= 0) list.splice(at, 1); else list.push(b.dataset.value);
      b.setAttribute("aria-pressed", at >= 0 ? "false" : "true");
      update();
      input.focus();
    });
    function currentFilters() {
      var f = {};
      if (chosen.kind.length) f.kind = { any: chosen.kind.slice() };
      if (chosen.spark.length) f.spark = { any: chosen.spark.slice() };
      return f;
    }

    function open() { panel.hidden = false; input.setAttribute("aria-expanded", "true"); }
    function close() { panel.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function links() { return Array.prototype.slice.call(panel.querySelectorAll("a.search-hit-link, a.search-sub, a.search-more")); }
    function setActive(i) {
      var ls = links();
      if (!ls.length) return;
      active = (i + ls.length) % ls.length;
      ls.forEach(function (a, j) { a.classList.toggle("is-active", j === active); });
      ls[active].scrollIntoView({ block: "nearest" });
    }

    var update = debounce(function () {
      var q = input.value.trim();
      var mine = ++seq;
      if (!q) { resultsBox.innerHTML = ""; close(); return; }
      var f = currentFilters();
      runSearch(q, f, 8).then(function (hits) {
        if (mine !== seq) return;
        var qs = new URLSearchParams({ q: q });
        chosen.kind.forEach(function (k) { qs.append("kind", k); });
        chosen.spark.forEach(function (v) { qs.append("spark", v); });
        var more = '<a class="search-more" href="' + esc(base + "search/?" + qs.toString()) + '">All results for <strong>' + esc(q) + "</strong> →</a>";
        resultsBox.innerHTML = hits.length
          ? '<ol class="search-results search-results-compact">' + hits.map(function (h) { return hitHtml(h); }).join("") + "</ol>" + more
          : '<p class="search-empty">No results for <strong>' + esc(q) + "</strong>.</p>" + more;
        active = -1;
        open();
      }, function () {
        if (mine !== seq) return;
        resultsBox.innerHTML = '<p class="search-empty">The search index is not available.</p>';
        open();
      });
    }, 120);

    input.addEventListener("input", update);
    input.addEventListener("focus", function () { pagefind().catch(function () {}); if (resultsBox.innerHTML && input.value.trim()) open(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); setActive(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); links()[active].click(); }
    });
    if (form) {
      form.addEventListener("submit", function (e) {
        if (!input.value.trim()) e.preventDefault();
      });
    }
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        input.focus();
        input.select();
      } else if (e.key === "Escape" && (t === input || panel.contains(t))) {
        close();
        input.blur();
      }
    });
    document.addEventListener("click", function (e) {
      var root = document.getElementById("search");
      if (root && !root.contains(e.target)) close();
    });
  }

  /* ---------------------------------------------------------------- /search/ page */

  function initSearchPage() {
    var form = document.getElementById("search-page-form");
    var input = document.getElementById("search-page-input");
    var list = document.getElementById("search-page-results");
    var status = document.getElementById("search-page-status");
    if (!form || !input || !list) return;
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    params.getAll("kind").concat(params.getAll("spark")).forEach(function (v) {
      var box = form.querySelector('input[type=checkbox][value="' + CSS.escape(v) + '"]');
      if (box) box.checked = true;
    });
    var seq = 0;

    function filters() {
      var f = {};
      ["kind", "spark"].forEach(function (name) {
        var vals = Array.prototype.map.call(form.querySelectorAll('input[name="' + name + '"]:checked'), function (b) { return b.value; });
        if (vals.length) f[name] = { any: vals };
      });
      return f;
    }

    function syncUrl() {
      var p = new URLSearchParams();
      if (input.value.trim()) p.set("q", input.value.trim());
      Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]:checked"), function (b) { p.append(b.name, b.value); });
      var qs = p.toString();
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
    }

    var update = debounce(function () {
      var q = input.value.trim();
      var f = filters();
      var mine = ++seq;
      syncUrl();
      if (!q) { list.innerHTML = ""; status.textContent = ""; return; }
      status.textContent = "Searching…";
      runSearch(q, f, 30).then(function (hits) {
        if (mine !== seq) return;
        status.innerHTML = hits.length ? "<strong>" + hits.length + "</strong> result" + (hits.length === 1 ? "" : "s") + " for <strong>" + esc(q) + "</strong>" : "No results for <strong>" + esc(q) + "</strong>.";
        list.innerHTML = hits.map(function (h) { return hitHtml(h); }).join("");
      }, function () {
        if (mine !== seq) return;
        status.textContent = "The search index is not available.";
      });
    }, 120);

    form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
    input.addEventListener("input", update);
    form.addEventListener("change", update);
    if (input.value.trim()) update();
  }

  /* ---------------------------------------------------------------- paste a log */

  // The paste box ranks like `spark-docs triage` (src/triage.rs), from the rules the build writes
  // into search/signatures.json: pages whose signatures match come first, the most specific
  // signature first (its `specificity`: required literal characters), then more matching
  // signatures; then a token search weighted by term kind and rarity, which also breaks ties.
  // One entry per page. The one difference: which pages contain a term is asked of Pagefind
  // (stemmed words of the rendered pages) instead of the source text.
  var signaturesPromise = null;
  function signatures() {
    if (!signaturesPromise) {
      signaturesPromise = fetch(base + "search/signatures.json").then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).then(function (data) {
        var pages = (data.pages || data.recipes || []).map(function (rec, order) {
          var res = [];
          rec.signatures.forEach(function (s) {
            try { res.push({ re: new RegExp(s.source, s.flags || ""), specificity: s.specificity || 0 }); } catch (e) { /* check reports it */ }
          });
          rec.regexes = res;
          rec.order = order;
          rec.kind = rec.kind || "recipe";
          return rec;
        });
        return { pages: pages, rules: data.tokens || null };
      });
      signaturesPromise.catch(function () { signaturesPromise = null; });
    }
    return signaturesPromise;
  }

  // Pages whose signatures match the paste: most specific signature first, then more signatures.
  function matchSignatures(text, pages) {
    var out = [];
    pages.forEach(function (rec) {
      var matched = [];
      var best = 0;
      rec.regexes.forEach(function (s) {
        var m = s.re.exec(text);
        if (m) { matched.push(m[0]); best = Math.max(best, s.specificity); }
      });
      if (matched.length) out.push({ rec: rec, matched: matched, best: best, order: rec.order });
    });
    out.sort(function (a, b) { return b.best - a.best || b.matched.length - a.matched.length || a.order - b.order; });
    return out;
  }

  var DEFAULT_RULES = {
    token_pattern: "[A-Za-z_][A-Za-z0-9_$]*(?:[.\\-][A-Za-z_][A-Za-z0-9_$]*)*",
    exit_pattern: "exit(?:ed)?(?: with)?[ _]?(?:code|status)[:=\\s]*([0-9]{1,3})\\b",
    stop_words: [], weights: { word: 1 }, max_terms: 8, min_score: 6, pages: 1,
  };

  // The kind of one token (src/triage.rs `classify`), or null.
  function classify(t, stop) {
    if (t.length < 3 || stop[t.toLowerCase()]) return null;
    if (/^[A-Z]\w*(Exception|Error)$/.test(t)) return "exception";
    if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(t)) return "error_code";
    if (t.indexOf(".") >= 0) return "dotted";
    if (/[a-z][A-Z]|^[A-Z]{2,}[a-z]/.test(t)) return "camel";
    if (/^[A-Z][A-Z0-9_]{3,}$/.test(t)) return "upper";
    if (t.indexOf("-") >= 0) return "hyphenated";
    return t.length >= 4 ? "word" : null;
  }

  // The paste's search terms, best first (src/triage.rs `terms`).
  function pasteTerms(text, rules) {
    rules = rules || DEFAULT_RULES;
    var stop = {};
    rules.stop_words.forEach(function (w) { stop[w] = 1; });
    var found = [];
    function add(t, kind) {
      var w = rules.weights[kind] || 1;
      for (var i = 0; i < found.length; i++) {
        if (found[i].text === t) {
          if (found[i].weight < w) { found[i].weight = w; found[i].kind = kind; }
          return;
        }
      }
      found.push({ text: t, kind: kind, weight: w, first: found.length });
    }
    var m;
    var exit = new RegExp(rules.exit_pattern, "gi");
    while ((m = exit.exec(text))) add("exit code " + m[1], "exit_code");
    var token = new RegExp(rules.token_pattern, "g");
    while ((m = token.exec(text))) {
      var tok = m[0].replace(/[.\-]+$/, "");
      var candidates = [tok];
      if (tok.indexOf(".") >= 0) candidates = candidates.concat(tok.split("."));
      candidates.forEach(function (c) {
        var kind = classify(c, stop);
        if (kind) add(c, kind);
      });
    }
    found.sort(function (a, b) { return b.weight - a.weight || b.text.length - a.text.length || a.first - b.first; });
    return found.slice(0, rules.max_terms);
  }

  // Which pages contain a term, per Pagefind: the number of them (for rarity) and their hits.
  // Spark property records are left out: a log goes to the pages that fix it.
  function termPages(term) {
    return pagefind().then(function (pf) { return pf.search(term, { filters: { kind: { none: ["property"] } } }); }).then(function (res) {
      if (!res) return { df: 0, hits: [] };
      return Promise.all(res.results.slice(0, 40).map(function (r) { return r.data(); })).then(function (datas) {
        datas = datas.filter(function (d) { return !(d.meta && d.meta.kind === "property"); });
        return {
          df: res.results.length,
          hits: datas.map(function (d) {
            return { url: d.url, title: (d.meta && d.meta.title) || d.url, kind: (d.meta && d.meta.kind) || "", spark: (d.filters && d.filters.spark) || [], excerpt: d.excerpt, subs: [] };
          }),
        };
      });
    });
  }

  // One ranked list: signature matches, then token scores (src/triage.rs `triage`).
  function rankPaste(text, data, lists, terms) {
    var rules = data.rules || DEFAULT_RULES;
    var byUrl = {};
    var order = [];
    function entry(path) {
      if (!byUrl[path]) { byUrl[path] = { path: path, matched: [], best: 0, score: 0, terms: [], order: order.length }; order.push(path); }
      return byUrl[path];
    }
    matchSignatures(text, data.pages).forEach(function (mt) {
      var e = entry(mt.rec.url);
      e.rec = mt.rec; e.matched = mt.matched; e.best = mt.best;
    });
    var n = Math.max(rules.pages || 1, 1);
    lists.forEach(function (list, i) {
      if (!list.df) return;
      var w = terms[i].weight * Math.log(1 + n / list.df);
      list.hits.forEach(function (h) {
        var path = "/" + h.url.replace(/#.*$/, "").slice(base.length);
        var e = entry(path);
        if (e.terms.indexOf(terms[i].text) < 0) { e.terms.push(terms[i].text); e.score += w; }
        if (!e.hit) e.hit = h;
      });
    });
    var ranked = order.map(function (p) { return byUrl[p]; }).filter(function (e) {
      return e.matched.length || e.score >= rules.min_score;
    });
    ranked.sort(function (a, b) {
      return (b.matched.length ? 1 : 0) - (a.matched.length ? 1 : 0) || b.best - a.best ||
        b.matched.length - a.matched.length || b.score - a.score || a.order - b.order;
    });
    return ranked;
  }

  function entryHtml(e) {
    if (!e.matched.length) return hitHtml(e.hit, "paste-hit");
    var url = base + e.path.replace(/^\//, "");
    var kind = KINDS.indexOf(e.rec.kind) >= 0 ? e.rec.kind : "page";
    var lines = e.matched.slice(0, 3).map(function (s) { return "<code>" + esc(s.length > 120 ? s.slice(0, 117) + "…" : s) + "</code>"; }).join(" ");
    return '<li class="search-hit paste-match" data-kind="' + esc(kind) + '"><a class="search-hit-link" href="' + esc(url) + '">' +
      '<span class="search-hit-head"><span class="badge kind kind-' + esc(kind) + '">' + esc(kind) + '</span><span class="search-hit-title">' + esc(e.rec.title) + "</span>" +
      '<span class="badge badge-warning">' + e.matched.length + " signature" + (e.matched.length === 1 ? "" : "s") + "</span></span>" +
      '<span class="search-excerpt">Matched: ' + lines + "</span></a></li>";
  }

  function initPasteBox(box) {
    var id = "paste-" + Math.random().toString(36).slice(2, 8);
    box.innerHTML =
      '<p class="paste-help">Paste an error message or a few log lines. It is matched in your browser against the known error signatures of every recipe and issue, then searched by its distinctive terms; nothing is sent anywhere.</p>' +
      '<label class="visually-hidden" for="' + id + '">Your error or log</label>' +
      '<textarea id="' + id + '" class="paste-input" rows="7" spellcheck="false" placeholder="e.g. java.net.UnknownHostException: spark-connect"></textarea>' +
      '<div class="paste-actions"><button type="button" class="button button-primary paste-go">Find the fix</button>' +
      '<button type="button" class="button button-quiet paste-clear">Clear</button></div>' +
      '<div class="paste-results" aria-live="polite"></div>';
    var area = box.querySelector("textarea");
    var out = box.querySelector(".paste-results");
    var seq = 0;
    // The text of the latest run: the debounced `input` run after a click or a paste would
    // otherwise redo the same work and blank the results while it runs.
    var lastText = null;

    function run() {
      var text = area.value;
      if (text === lastText) return;
      lastText = text;
      var mine = ++seq;
      if (!text.trim()) { out.innerHTML = ""; return; }
      out.innerHTML = '<p class="filter-count">Matching…</p>';
      signatures().catch(function () { return { pages: [], rules: null }; }).then(function (data) {
        var terms = pasteTerms(text, data.rules);
        return Promise.all(terms.map(function (t) { return termPages(t.text).catch(function () { return { df: 0, hits: [] }; }); })).then(function (lists) {
          if (mine !== seq) return;
          var ranked = rankPaste(text, data, lists, terms);
          var signed = ranked.filter(function (e) { return e.matched.length; }).length;
          var html = "";
          html += '<h3 class="paste-title">' + (signed ? signed + " page" + (signed === 1 ? "" : "s") + " with a matching signature" : "No known signature matches this text") +
            (terms.length ? "; terms searched: " + terms.map(function (t) { return "<code>" + esc(t.text) + "</code>"; }).join(", ") : "") + "</h3>";
          html += ranked.length
            ? '<ol class="search-results paste-ranked' + (signed ? " paste-matches" : "") + '">' + ranked.slice(0, 10).map(entryHtml).join("") + "</ol>"
            : '<p class="filter-count">No pages mention these terms.</p>';
          out.innerHTML = html;
        });
      });
    }

    box.querySelector(".paste-go").addEventListener("click", run);
    box.querySelector(".paste-clear").addEventListener("click", function () { area.value = ""; lastText = ""; out.innerHTML = ""; area.focus(); });
    area.addEventListener("paste", function () { setTimeout(run, 0); });
    area.addEventListener("input", debounce(run, 400));
    area.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
    });
  }

  function init() {
    initHeader();
    initSearchPage();
    Array.prototype.forEach.call(document.querySelectorAll("[data-paste-box]"), initPasteBox);
  }

  // Exposed for tests and for theme overrides.
  window.sparkDocsSearch = { base: base, search: runSearch, pasteTerms: pasteTerms, matchSignatures: matchSignatures, rankPaste: rankPaste };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
