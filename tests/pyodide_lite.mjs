// Start Pyodide under Node.js and run Python steps in it, the way xlwings Lite does in Excel
// (tests/test_pyodide.py writes the spec and reads the result).
//
//   node tests/pyodide_lite.mjs SPEC.json RESULT.json
//
// SPEC: {"pyodide": dir of the npm package, "mounts": {"/wheels": host dir, ...},
//        "loader_wheels": [host paths loaded with loadPackage, e.g. micropip],
//        "steps": [{"name": ..., "code": Python run with runPythonAsync}, ...]}
// RESULT: {"version", "steps": [{"name", "seconds", "value" | "error"}], "output": [lines],
//          "network": [every URL anything tried to fetch]}. Steps stop at the first error.
//
// Nothing goes out: fetch is replaced before Pyodide starts and refuses (and records) every
// request, so a package that is not on disk fails instead of being downloaded.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [specPath, resultPath] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, "utf8"));
const result = { version: null, steps: [], output: [], network: [] };
const save = () => writeFileSync(resultPath, JSON.stringify(result, null, 1));

globalThis.fetch = async (input) => {
  const url = String(input?.url ?? input);
  result.network.push(url);
  throw new Error(`no network in this check (tried to fetch ${url})`);
};

async function step(name, run) {
  const start = performance.now();
  const entry = { name };
  result.steps.push(entry);
  try {
    const value = await run();
    entry.value = value === undefined ? null : value;
    return true;
  } catch (error) {
    entry.error = String(error?.message ?? error);
    return false;
  } finally {
    entry.seconds = (performance.now() - start) / 1000;
    save();
  }
}

const output = (line) => result.output.push(line);
let pyodide;
let ok = await step("start", async () => {
  const { loadPyodide } = await import(pathToFileURL(join(spec.pyodide, "pyodide.mjs")).href);
  pyodide = await loadPyodide({ indexURL: spec.pyodide + "/", stdout: output, stderr: output });
  result.version = pyodide.version;
  for (const [target, source] of Object.entries(spec.mounts)) {
    pyodide.FS.mkdirTree(target);
    pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: source }, target);
  }
  return pyodide.version;
});
ok =
  ok &&
  (await step("micropip", () =>
    pyodide.loadPackage(spec.loader_wheels, { messageCallback: output, errorCallback: output }),
  ));
for (const { name, code } of spec.steps) {
  if (!ok) break;
  ok = await step(name, () => pyodide.runPythonAsync(code));
}
save();
process.exit(0);
