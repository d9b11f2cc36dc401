/* spark-docs default theme: runs in <head> before the first paint, so a dark page never flashes
 * light. A file, not an inline script, so the Content-Security-Policy needs no 'unsafe-inline'. */
(function () {
  var d = document.documentElement, t = null;
  d.className += " js";
  try { t = localStorage.getItem("spark-docs-theme"); } catch (e) {}
  if (t !== "light" && t !== "dark") {
    t = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  d.setAttribute("data-theme", t);
})();
