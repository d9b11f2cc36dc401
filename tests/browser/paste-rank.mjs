// The paste box's ranking functions from themes/default/static/search.js, run in node without a
// browser (DOM stubbed out; nothing else loads): for each log in the JSON file argv[4], prints the
// terms the paste box searches and its signature matches in order, as JSON, so the testsuite
// (triage::paste_box_ranks_like_triage) can compare them with `spark-docs triage`.
// Usage: node paste-rank.mjs <search.js> <signatures.json> <logs.json>
import fs from "node:fs";
import vm from "node:vm";

const [, , scriptPath, sigPath, logsPath] = process.argv;
const stub = { getElementById: () => null, querySelector: () => null, querySelectorAll: () => [], readyState: "complete", currentScript: null, addEventListener() {} };
const context = { document: stub, location: { href: "http://localhost/", search: "" }, URL, URLSearchParams, console, setTimeout, clearTimeout, Promise };
context.window = context;
vm.createContext(context);
vm.runInContext(fs.readFileSync(scriptPath, "utf8"), context);
const api = context.sparkDocsSearch;
const data = JSON.parse(fs.readFileSync(sigPath, "utf8"));
const pages = data.pages.map((rec, order) => ({
  ...rec,
  order,
  regexes: rec.signatures.map((s) => ({ re: new RegExp(s.source, s.flags || ""), specificity: s.specificity })),
}));
const out = JSON.parse(fs.readFileSync(logsPath, "utf8")).map((log) => ({
  terms: api.pasteTerms(log, data.tokens).map((t) => t.text),
  matches: api.matchSignatures(log, pages).map((m) => ({ url: m.rec.url, best: m.best, count: m.matched.length })),
}));
console.log(JSON.stringify(out));
