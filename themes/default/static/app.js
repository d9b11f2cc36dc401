/* spark-docs default theme: small progressive enhancements, no dependencies, works offline.
 * - theme toggle (localStorage "spark-docs-theme", data-theme on <html>)
 * - sidebar drawer on small screens
 * - print buttons ([data-print])
 * - copy buttons on code blocks
 * - "On this page" highlight of the current section
 * - /issues/: filter the table by status, severity and text, mirrored in the URL query */
(function () {
  "use strict";

  var THEME_KEY = "spark-docs-theme";
  var root = document.documentElement;

  function $(sel, ctx) { return (ctx || document).querySelector(sel); }
  function $all(sel, ctx) { return Array.prototype.slice.call((ctx || document).querySelectorAll(sel)); }

  /* ---------------------------------------------------------------- theme */
  function storedTheme() {
    try { return localStorage.getItem(THEME_KEY); } catch (e) { return null; }
  }
  function systemTheme() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function applyTheme(theme) {
    root.setAttribute("data-theme", theme);
    $all(".theme-toggle").forEach(function (btn) {
      btn.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
      btn.setAttribute("title", theme === "dark" ? "Switch to light mode" : "Switch to dark mode");
    });
  }
  function initTheme() {
    var current = root.getAttribute("data-theme");
    if (current !== "light" && current !== "dark") current = storedTheme() || systemTheme();
    applyTheme(current);
    $all(".theme-toggle").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var next = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
        applyTheme(next);
        try { localStorage.setItem(THEME_KEY, next); } catch (e) { /* private mode */ }
      });
    });
    if (window.matchMedia) {
      var mq = window.matchMedia("(prefers-color-scheme: dark)");
      var follow = function (e) {
        var s = storedTheme();
        if (s !== "light" && s !== "dark") applyTheme(e.matches ? "dark" : "light");
      };
      if (mq.addEventListener) mq.addEventListener("change", follow);
      else if (mq.addListener) mq.addListener(follow);
    }
  }

  /* ---------------------------------------------------------------- sidebar drawer */
  function initMenu() {
    var btn = $(".menu-toggle");
    var sidebar = document.getElementById("sidebar");
    var backdrop = $(".sidebar-backdrop");
    if (!btn || !sidebar) return;
    var body = document.body;

    function setOpen(open, restoreFocus) {
      body.classList.toggle("nav-open", open);
      btn.setAttribute("aria-expanded", open ? "true" : "false");
      btn.setAttribute("aria-label", open ? "Close navigation" : "Open navigation");
      if (backdrop) backdrop.hidden = !open;
      if (open) {
        var target = $("[aria-current='page']", sidebar) || $("a", sidebar);
        if (target) target.focus({ preventScroll: true });
      } else if (restoreFocus) {
        btn.focus();
      }
    }
    btn.addEventListener("click", function () { setOpen(!body.classList.contains("nav-open"), false); });
    if (backdrop) backdrop.addEventListener("click", function () { setOpen(false, true); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && body.classList.contains("nav-open")) setOpen(false, true);
    });
    sidebar.addEventListener("click", function (e) {
      if (e.target.closest && e.target.closest("a")) setOpen(false, false);
    });
    var wide = window.matchMedia ? window.matchMedia("(min-width: 961px)") : null;
    if (wide) {
      var onWide = function (e) { if (e.matches) setOpen(false, false); };
      if (wide.addEventListener) wide.addEventListener("change", onWide);
      else if (wide.addListener) wide.addListener(onWide);
    }
  }

  /* ---------------------------------------------------------------- copy buttons */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.top = "-1000px";
      document.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(ta);
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }

  function addCopyButton(container, codeEl) {
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "copy-btn";
    btn.textContent = "Copy";
    btn.setAttribute("aria-label", "Copy code to clipboard");
    var timer = null;
    btn.addEventListener("click", function () {
      var text = (codeEl.innerText || codeEl.textContent || "").replace(/\n$/, "");
      copyText(text).then(function () {
        btn.textContent = "Copied";
        btn.classList.add("is-copied");
      }, function () {
        btn.textContent = "Press Ctrl+C";
        var range = document.createRange();
        range.selectNodeContents(codeEl);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      }).then(function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          btn.textContent = "Copy";
          btn.classList.remove("is-copied");
        }, 1800);
      });
    });
    container.appendChild(btn);
  }

  function initCopy() {
    $all(".codeblock").forEach(function (block) {
      var code = $("code", block) || $("pre", block);
      if (code) addCopyButton(block, code);
    });
    // Source views whose HTML is a bare <pre> rather than a .codeblock.
    $all(".source-view").forEach(function (view) {
      if ($(".codeblock", view)) return;
      var code = $("pre code", view) || $("pre", view);
      if (code) addCopyButton(view, code);
    });
  }

  /* ---------------------------------------------------------------- TOC highlight */
  function initToc() {
    var links = $all(".toc a[href^='#']");
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {};
    var headings = [];
    links.forEach(function (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1));
      var h = document.getElementById(id);
      if (h) { byId[id] = a; headings.push(h); }
    });
    if (!headings.length) return;

    var visible = {};
    function activate(id) {
      links.forEach(function (a) { a.classList.remove("is-active"); a.removeAttribute("aria-current"); });
      var a = byId[id];
      if (a) { a.classList.add("is-active"); a.setAttribute("aria-current", "location"); }
    }
    function update() {
      // The first heading in document order that is in the top band wins; otherwise the last one
      // scrolled past.
      var current = null;
      for (var i = 0; i < headings.length; i++) {
        if (visible[headings[i].id]) { current = headings[i].id; break; }
      }
      if (!current) {
        var offset = parseFloat(getComputedStyle(root).scrollPaddingTop) || 80;
        for (var j = 0; j < headings.length; j++) {
          if (headings[j].getBoundingClientRect().top - offset <= 1) current = headings[j].id;
        }
      }
      if (!current) current = headings[0].id;
      activate(current);
    }
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
      update();
    }, { rootMargin: "-64px 0px -65% 0px", threshold: 0 });
    headings.forEach(function (h) { io.observe(h); });
    window.addEventListener("hashchange", function () {
      var id = decodeURIComponent(location.hash.slice(1));
      if (byId[id]) activate(id);
    });
  }

  /* ---------------------------------------------------------------- issue filters */
  function initIssueFilters() {
    var form = document.getElementById("issue-filters");
    var table = document.getElementById("issues-table");
    if (!form || !table) return;
    var rows = $all("tbody tr", table);
    var countEl = document.getElementById("issue-count");
    var emptyEl = document.getElementById("issues-empty");
    var status = document.getElementById("filter-status");
    var severity = document.getElementById("filter-severity");
    var text = document.getElementById("filter-q");
    var total = rows.length;

    // Make the options match what the rows actually carry (value = *_class slug), add any value
    // the server list missed, and show how many issues each option has.
    function syncOptions(select, key) {
      if (!select) return;
      var counts = {}, labels = {}, order = [];
      rows.forEach(function (r) {
        var v = r.getAttribute("data-" + key) || "";
        if (!v) return;
        if (!(v in counts)) { counts[v] = 0; order.push(v); }
        counts[v] += 1;
        labels[v] = r.getAttribute("data-" + key + "-label") || v;
      });
      var seen = {};
      $all("option", select).forEach(function (opt) {
        if (!opt.value) return;
        if (!(opt.value in counts)) {
          // Server value that no row uses under this slug: try matching it by label.
          var match = order.filter(function (v) { return labels[v].toLowerCase() === opt.textContent.trim().toLowerCase(); })[0];
          if (match && !seen[match]) opt.value = match;
          else { opt.remove(); return; }
        }
        if (seen[opt.value]) { opt.remove(); return; }
        seen[opt.value] = true;
        opt.textContent = labels[opt.value] + " (" + counts[opt.value] + ")";
      });
      order.forEach(function (v) {
        if (seen[v]) return;
        var opt = document.createElement("option");
        opt.value = v;
        opt.textContent = labels[v] + " (" + counts[v] + ")";
        select.appendChild(opt);
      });
    }
    syncOptions(status, "status");
    syncOptions(severity, "severity");

    function hasValue(select, v) {
      return !!select && $all("option", select).some(function (o) { return o.value === v; });
    }
    function readQuery() {
      var params = new URLSearchParams(location.search);
      var s = (params.get("status") || "").toLowerCase();
      var sv = (params.get("severity") || "").toLowerCase();
      if (status) status.value = hasValue(status, s) ? s : "";
      if (severity) severity.value = hasValue(severity, sv) ? sv : "";
      if (text) text.value = params.get("q") || "";
    }
    function writeQuery() {
      var params = new URLSearchParams(location.search);
      [["status", status], ["severity", severity], ["q", text]].forEach(function (p) {
        var v = p[1] ? p[1].value.trim() : "";
        if (v) params.set(p[0], v); else params.delete(p[0]);
      });
      var qs = params.toString();
      var url = location.pathname + (qs ? "?" + qs : "") + location.hash;
      if (url !== location.pathname + location.search + location.hash) {
        history.replaceState(null, "", url);
      }
    }
    function apply() {
      var s = status ? status.value : "";
      var sv = severity ? severity.value : "";
      var q = text ? text.value.trim().toLowerCase() : "";
      var shown = 0;
      rows.forEach(function (r) {
        var ok = (!s || r.getAttribute("data-status") === s) &&
                 (!sv || r.getAttribute("data-severity") === sv) &&
                 (!q || r.textContent.toLowerCase().indexOf(q) !== -1);
        r.hidden = !ok;
        if (ok) shown += 1;
      });
      if (countEl) {
        countEl.innerHTML = "";
        var strong = document.createElement("strong");
        strong.textContent = String(shown);
        countEl.appendChild(strong);
        countEl.appendChild(document.createTextNode(
          " of " + total + (total === 1 ? " issue" : " issues")));
      }
      if (emptyEl) emptyEl.hidden = shown !== 0;
      var wrap = table.closest(".table-wrap");
      if (wrap) wrap.hidden = shown === 0;
    }

    readQuery();
    apply();
    form.hidden = false;
    form.addEventListener("change", function () { apply(); writeQuery(); });
    form.addEventListener("input", function (e) { if (e.target === text) { apply(); writeQuery(); } });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () {
      setTimeout(function () { apply(); writeQuery(); }, 0);
    });
    window.addEventListener("popstate", function () { readQuery(); apply(); });
  }

  /* ---------------------------------------------------------------- long descriptions */
  function initDescriptions() {
    $all(".description").forEach(function (el, i) {
      el.classList.add("is-clamped");
      if (el.scrollHeight <= el.clientHeight + 48) { el.classList.remove("is-clamped"); return; }
      if (!el.id) el.id = "description-" + (i + 1);
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "description-toggle";
      btn.setAttribute("aria-controls", el.id);
      btn.setAttribute("aria-expanded", "false");
      btn.textContent = "Show more";
      btn.addEventListener("click", function () {
        var open = el.classList.toggle("is-expanded");
        el.classList.toggle("is-clamped", !open);
        btn.setAttribute("aria-expanded", open ? "true" : "false");
        btn.textContent = open ? "Show less" : "Show more";
      });
      el.appendChild(btn);
    });
  }

  // Buttons marked data-print print the page (no inline onclick: the CSP forbids it).
  function initPrint() {
    $all("[data-print]").forEach(function (btn) {
      btn.addEventListener("click", function () { window.print(); });
    });
  }

  function init() {
    initTheme();
    initPrint();
    initDescriptions();
    initMenu();
    initCopy();
    initToc();
    initIssueFilters();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
