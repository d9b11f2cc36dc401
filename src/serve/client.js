// spark-docs serve: live reload and the build-error overlay. Injected into every served HTML
// page (never into the built site). State arrives in <script id="__spark-docs-state">; changes
// arrive over Server-Sent Events.
(function () {
  "use strict";
  var stateEl = document.getElementById("__spark-docs-state");
  if (!stateEl || window.__sparkDocsLive) return;
  window.__sparkDocsLive = true;
  var S = JSON.parse(stateEl.textContent);
  var KEY = "spark-docs:scroll:" + location.pathname;

  // Keep the scroll position across reloads.
  try {
    var saved = sessionStorage.getItem(KEY);
    if (saved) {
      sessionStorage.removeItem(KEY);
      var pos = JSON.parse(saved);
      var restore = function () { window.scrollTo(pos.x, pos.y); };
      restore();
      if (document.readyState !== "complete") window.addEventListener("load", restore);
    }
  } catch (e) { /* storage disabled: reload without it */ }

  function reload() {
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* ignore */ }
    location.reload();
  }

  var host = null;
  var lastError = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function location_of(p) {
    if (!p.file) return "";
    var s = p.file;
    if (p.line) s += ":" + p.line;
    if (p.line && p.column) s += ":" + p.column;
    return s;
  }

  function clear() {
    if (host) host.remove();
    host = null;
    document.removeEventListener("keydown", onKey, true);
  }

  function onKey(e) {
    if (e.key === "Escape" && host && !host.hasAttribute("data-minimized")) {
      e.preventDefault();
      minimize(true);
    }
  }

  function minimize(on) {
    if (!host) return;
    if (on) host.setAttribute("data-minimized", "");
    else host.removeAttribute("data-minimized");
  }

  function show(err) {
    // The same findings again (another save that did not fix them): keep the overlay as it is.
    var same = lastError && JSON.stringify(lastError.problems) === JSON.stringify(err.problems);
    var wasMinimized = host && host.hasAttribute("data-minimized");
    lastError = err;
    clear();
    host = el("div");
    host.id = "spark-docs-overlay";
    host.style.cssText = "all: initial; position: fixed; inset: 0; z-index: 2147483647; pointer-events: none;";
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = el("style", null, CSS);
    root.appendChild(style);

    var backdrop = el("div", "backdrop");
    backdrop.addEventListener("click", function (e) { if (e.target === backdrop) minimize(true); });
    var panel = el("section", "panel");
    panel.setAttribute("role", "alertdialog");
    panel.setAttribute("aria-labelledby", "sd-title");

    var header = el("header");
    var title = el("h2", null, "Build failed");
    title.id = "sd-title";
    var close = el("button", "close", "\u00d7");
    close.type = "button";
    close.title = "Dismiss (Esc)";
    close.setAttribute("aria-label", "Dismiss (Esc)");
    close.addEventListener("click", function () { minimize(true); });
    header.appendChild(title);
    header.appendChild(close);
    panel.appendChild(header);

    var counts = [];
    if (err.errors) counts.push(plural(err.errors, "error"));
    if (err.warnings) counts.push(plural(err.warnings, "warning"));
    panel.appendChild(el("p", "lead",
      (counts.length ? counts.join(", ") + " \u00b7 " : "") +
      "still serving the last good build \u00b7 fix the source and save: this page reloads by itself"));

    var list = el("ol", "problems");
    (err.problems || []).forEach(function (p) {
      var li = el("li", "problem " + p.severity);
      var head = el("div", "head");
      head.appendChild(el("span", "badge", p.severity + "[" + p.code + "]"));
      var loc = location_of(p);
      if (loc) head.appendChild(el("span", "loc", loc));
      li.appendChild(head);
      li.appendChild(el("div", "msg", p.message));
      if (p.source !== undefined && p.source !== null && p.line) {
        var pre = el("pre", "src");
        var num = String(p.line);
        pre.appendChild(el("span", "gutter", num + " \u2502 "));
        pre.appendChild(document.createTextNode(p.source + "\n"));
        if (p.column) {
          pre.appendChild(el("span", "gutter", " ".repeat(num.length) + " \u2502 "));
          pre.appendChild(el("span", "caret", " ".repeat(Math.max(0, p.column - 1)) + "^"));
        }
        li.appendChild(pre);
      }
      if (p.help) li.appendChild(el("div", "help", "help: " + p.help));
      list.appendChild(li);
    });
    panel.appendChild(list);
    backdrop.appendChild(panel);
    root.appendChild(backdrop);

    var pill = el("button", "pill", "\u26a0 " + (err.errors ? plural(err.errors, "build error") : "build failed"));
    pill.type = "button";
    pill.title = "Show the build errors";
    pill.addEventListener("click", function () { minimize(false); });
    root.appendChild(pill);

    if (same && wasMinimized) host.setAttribute("data-minimized", "");
    (document.body || document.documentElement).appendChild(host);
    document.addEventListener("keydown", onKey, true);
  }

  var CSS = [
    ".backdrop { font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }",
    ".backdrop { position: fixed; inset: 0; background: rgba(9, 11, 16, .62); pointer-events: auto;",
    "  display: flex; align-items: flex-start; justify-content: center; padding: 6vh 16px; box-sizing: border-box; overflow: auto; }",
    ".panel { background: #16181d; color: #e6e8ee; width: 100%; max-width: 920px; border-radius: 10px;",
    "  border-top: 5px solid #ff5c5c; box-shadow: 0 24px 64px rgba(0, 0, 0, .5); padding: 18px 22px 20px; box-sizing: border-box; }",
    "header { display: flex; align-items: center; justify-content: space-between; gap: 12px; }",
    "h2 { margin: 0; font-size: 19px; font-weight: 650; color: #ff7b7b; letter-spacing: .01em; }",
    ".close { all: unset; cursor: pointer; font-size: 24px; line-height: 1; color: #9aa1ad; width: 32px; height: 32px;",
    "  display: grid; place-items: center; border-radius: 6px; }",
    ".close:hover, .close:focus-visible { background: #262a33; color: #fff; }",
    ".lead { margin: 4px 0 14px; color: #9aa1ad; font-size: 13px; }",
    ".problems { list-style: none; margin: 0; padding: 0; display: grid; gap: 12px; }",
    ".problem { background: #1d2027; border: 1px solid #2a2e37; border-left: 3px solid #ff5c5c; border-radius: 6px; padding: 10px 14px; }",
    ".problem.warning { border-left-color: #e5b84b; }",
    ".problem.info { border-left-color: #5cc8ff; }",
    ".head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; }",
    ".badge, .loc, .src { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace; }",
    ".badge { font-weight: 700; color: #ff7b7b; font-size: 13px; }",
    ".warning .badge { color: #e5b84b; }",
    ".info .badge { color: #5cc8ff; }",
    ".loc { color: #7cc4ff; font-size: 13px; word-break: break-all; }",
    ".msg { margin-top: 4px; color: #f1f3f7; white-space: pre-wrap; overflow-wrap: anywhere; }",
    ".src { margin: 8px 0 0; padding: 8px 10px; background: #111318; border-radius: 4px; color: #d6d9e0;",
    "  font-size: 12.5px; line-height: 1.45; overflow-x: auto; white-space: pre; }",
    ".gutter { color: #5d6472; user-select: none; }",
    ".caret { color: #ff7b7b; font-weight: 700; }",
    ".warning .caret { color: #e5b84b; }",
    ".help { margin-top: 6px; color: #8fd19e; font-size: 13px; overflow-wrap: anywhere; }",
    ".pill { all: unset; display: none; position: fixed; right: 16px; bottom: 16px; pointer-events: auto; cursor: pointer;",
    "  font: 600 13px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;",
    "  background: #d93b3b; color: #fff; padding: 8px 14px; border-radius: 999px;",
    "  box-shadow: 0 6px 20px rgba(0, 0, 0, .35); }",
    ".pill:hover, .pill:focus-visible { background: #c22f2f; }",
    ":host([data-minimized]) .backdrop { display: none; }",
    ":host([data-minimized]) .pill { display: block; }",
    "@media (max-width: 600px) { .backdrop { padding: 0; } .panel { border-radius: 0; min-height: 100%; } }"
  ].join("\n");

  if (S.error) show(S.error);

  if (!window.EventSource) return;
  var es = new EventSource(S.events);
  es.addEventListener("hello", function (e) {
    var d = JSON.parse(e.data);
    // A build finished (or the server restarted) between serving this page and connecting.
    if ((d.instance !== S.instance || d.generation !== S.generation) && d.ok) reload();
    else if (d.ok && lastError) clear();
  });
  es.addEventListener("reload", function () { reload(); });
  es.addEventListener("build-error", function (e) { show(JSON.parse(e.data)); });
})();
