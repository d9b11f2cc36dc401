/* spark-docs search: a small UI over Pagefind's pagefind.js (the index is built by `spark-docs
 * build`). Header field on every page (`/` focuses it, Escape closes), the /search/ page with
 * filters by kind and Spark version, and the "paste your error or log" box, which matches the
 * paste against every recipe's signatures, then searches the rarest tokens of the paste.
 * The base path comes from this script's own URL, so the site works under any sub-path. */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector('script[src$="static/search.js"]');
  var base = script && script.src ? new URL(script.src, location.href).pathname.replace(/static\/search\.js$/, "") : "/";
  var KINDS = ["recipe", "issue", "preset", "notebook", "script"];

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

  var signaturesPromise = null;
  function signatures() {
    if (!signaturesPromise) {
      signaturesPromise = fetch(base + "search/signatures.json").then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).then(function (data) {
        return (data.recipes || []).map(function (rec) {
          var res = [];
          rec.signatures.forEach(function (s) {
            try { res.push(new RegExp(s.source, s.flags || "")); } catch (e) { /* check reports it */ }
          });
          rec.regexes = res;
          return rec;
        });
      });
      signaturesPromise.catch(function () { signaturesPromise = null; });
    }
    return signaturesPromise;
  }

  // Recipes whose signatures match the paste, most matched signatures first.
  function matchSignatures(text, recipes) {
    var out = [];
    recipes.forEach(function (rec, order) {
      var matched = [];
      rec.regexes.forEach(function (re) {
        var m = re.exec(text);
        if (m) matched.push(m[0]);
      });
      if (matched.length) out.push({ rec: rec, matched: matched, order: order });
    });
    out.sort(function (a, b) { return b.matched.length - a.matched.length || a.order - b.order; });
    return out;
  }

  var COMMON = {};
  ("at java scala org com io net lang util sun jdk apache spark error warn warning info debug trace " +
    "exception caused by the and for with from this that not has have was were are is in on of to " +
    "failed failure http https null true false main thread task stage executor driver").split(" ").forEach(function (w) { COMMON[w] = 1; });

  // The rarest identifier-like tokens of a paste: exception classes, properties, error codes.
  function rareTokens(text, n) {
    var counts = {};
    var firstSeen = {};
    var re = /[A-Za-z_][\w$]*(?:[.\-:][A-Za-z_][\w$]*)*/g;
    var m, i = 0;
    while ((m = re.exec(text))) {
      var tok = m[0].replace(/[.\-:]+$/, "");
      if (tok.length < 4) continue;
      counts[tok] = (counts[tok] || 0) + 1;
      if (!(tok in firstSeen)) firstSeen[tok] = i++;
    }
    var scored = Object.keys(counts).filter(function (t) { return !COMMON[t.toLowerCase()]; }).map(function (t) {
      var score = Math.min(t.length, 40);
      if (/\./.test(t)) score += 15;                       // dotted: properties, class names
      if (/[a-z][A-Z]/.test(t)) score += 12;                // camelCase
      if (/(Exception|Error)$/.test(t)) score += 20;        // exception class names
      if (/^[A-Z]+-\d+$/.test(t)) score += 20;              // IDs such as ISSUE-025
      score -= 4 * (counts[t] - 1);                         // rarer is better
      return { t: t, score: score, first: firstSeen[t] };
    });
    scored.sort(function (a, b) { return b.score - a.score || a.first - b.first; });
    // Prefer the last segment of dotted class names (`java.net.UnknownHostException` →
    // `UnknownHostException`), which Pagefind indexes on its own.
    // Stack frames and qualified names: keep the class (`org.apache.spark.rpc.netty.NettyRpcEnv
    // .createClient` → `NettyRpcEnv`); lower-case dotted names (`spark.driver.host`) stay whole.
    var out = [];
    scored.forEach(function (s) {
      var t = s.t;
      var classes = t.split(".").filter(function (p) { return /^[A-Z]/.test(p) && /[a-z]/.test(p); });
      if (t.indexOf(".") >= 0 && classes.length) t = classes[classes.length - 1].replace(/\$.*$/, "");
      if (t.length >= 4 && out.indexOf(t) < 0 && out.length < n) out.push(t);
    });
    return out;
  }

  function initPasteBox(box) {
    var id = "paste-" + Math.random().toString(36).slice(2, 8);
    box.innerHTML =
      '<p class="paste-help">Paste an error message or a few log lines. It is matched in your browser against the known error signatures of every recipe; nothing is sent anywhere.</p>' +
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
      var tokens = rareTokens(text, 3);
      signatures().catch(function () { return []; }).then(function (recipes) {
        var matches = matchSignatures(text, recipes);
        return Promise.all(tokens.map(function (t) { return runSearch(t, null, 6).catch(function () { return []; }); })).then(function (lists) {
          if (mine !== seq) return;
          var seen = {};
          var html = "";
          if (matches.length) {
            html += '<h3 class="paste-title">Matching recipes</h3><ol class="search-results paste-matches">' + matches.map(function (mt) {
              seen[mt.rec.url] = 1;
              var url = base + mt.rec.url.replace(/^\//, "");
              var lines = mt.matched.slice(0, 3).map(function (s) { return "<code>" + esc(s.length > 120 ? s.slice(0, 117) + "…" : s) + "</code>"; }).join(" ");
              return '<li class="search-hit paste-match" data-kind="recipe"><a class="search-hit-link" href="' + esc(url) + '">' +
                '<span class="search-hit-head"><span class="badge kind kind-recipe">recipe</span><span class="search-hit-title">' + esc(mt.rec.title) + "</span>" +
                '<span class="badge badge-warning">' + mt.matched.length + " signature" + (mt.matched.length === 1 ? "" : "s") + "</span></span>" +
                '<span class="search-excerpt">Matched: ' + lines + "</span></a></li>";
            }).join("") + "</ol>";
          } else {
            html += '<p class="filter-count">No known signature matches this text.</p>';
          }
          // Merge the token searches: pages found by more tokens first.
          var merged = {};
          var order = [];
          lists.forEach(function (hits) {
            hits.forEach(function (h, rank) {
              var key = h.url.replace(/#.*$/, "");
              var resolved = key.replace(base, "/");
              if (seen[resolved]) return;
              if (!merged[key]) { merged[key] = { hit: h, n: 0, rank: rank }; order.push(key); }
              merged[key].n += 1;
              merged[key].rank = Math.min(merged[key].rank, rank);
            });
          });
          order.sort(function (a, b) { return merged[b].n - merged[a].n || merged[a].rank - merged[b].rank; });
          if (tokens.length) {
            html += '<h3 class="paste-title">Search results for ' + tokens.map(function (t) { return "<code>" + esc(t) + "</code>"; }).join(", ") + "</h3>";
            html += order.length
              ? '<ol class="search-results paste-search">' + order.slice(0, 10).map(function (k) { return hitHtml(merged[k].hit); }).join("") + "</ol>"
              : '<p class="filter-count">No pages mention these terms.</p>';
          }
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
  window.sparkDocsSearch = { base: base, search: runSearch, rareTokens: rareTokens, matchSignatures: matchSignatures };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
