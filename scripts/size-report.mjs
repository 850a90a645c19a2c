// Size report of the npm package: every shipped file raw, gzip -9 and brotli (quality 11), entry
// point by entry point and runtime by runtime (scripts/runtimes.mjs), each entry point's browser
// total (what a browser downloads: wasm + glue + the shared JS + browser.js), then the modules
// shared by the entry points and loaded on demand (counted in no browser total). With --check,
// fails when a browser total (gzip) or a wasm (raw) exceeds scripts/size-budget.json. Sizes are
// deterministic.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { RUNTIMES, ENTRY_POINTS, SHARED_MODULES, entryFile, runtime } from './runtimes.mjs';

const root = new URL('../', import.meta.url);
const pkg = (f) => new URL(`pkg/${f}`, root);
const measure = (f) => {
  const b = readFileSync(pkg(f));
  return {
    file: f,
    raw: b.length,
    gzip: gzipSync(b, { level: 9 }).length,
    brotli: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};
/** The sum of `rows` (raw, gzip, brotli) as one more row named `file`. */
const total = (file, rows) => ({ file, ...Object.fromEntries(['raw', 'gzip', 'brotli'].map((k) => [k, rows.reduce((n, r) => n + r[k], 0)])) });

const rows = [];
/** What the budget limits: [what, measured, budget key], in the order of the report. */
const limits = [];
const browser = runtime('browser');
for (const e of ENTRY_POINTS) {
  const wasm = measure(`${e.dir}${e.module}_bg.wasm`);
  const shared = [measure(`${e.dir}${e.module}.js`), ...e.js.map((f) => measure(`${e.dir}${f}`))];
  const entries = RUNTIMES.map((r) => measure(entryFile(e, r)));
  const name = e.name === 'main' ? '' : `${e.name} `;
  const browserTotal = total(`${name}browser total (wasm + glue + ${[...e.js, entryFile({ dir: '' }, browser)].join(' + ')})`,
    [wasm, ...shared, entries[RUNTIMES.indexOf(browser)]]);
  rows.push(wasm, ...shared, ...entries, browserTotal);
  limits.push([`${name}wasm`, wasm.raw, 'raw', e.budget.wasm], [`${name}browser total`, browserTotal.gzip, 'gzip', e.budget.browserTotal]);
}
for (const m of SHARED_MODULES) {
  const files = [measure(`${m.module}_bg.wasm`), measure(`${m.module}.js`)];
  rows.push(...files, total(`${m.label}, loaded on demand (wasm + glue)`, files));
  limits.push([`${m.label} wasm`, files[0].raw, 'raw', m.budget.wasm]);
}
const w = Math.max(...rows.map((r) => r.file.length));
console.log(`${'file'.padEnd(w)}  ${'raw'.padStart(8)}  ${'gzip -9'.padStart(8)}  ${'brotli'.padStart(8)}`);
for (const r of rows) {
  console.log(`${r.file.padEnd(w)}  ${String(r.raw).padStart(8)}  ${String(r.gzip).padStart(8)}  ${String(r.brotli).padStart(8)}`);
}
mkdirSync(new URL('.build/', root), { recursive: true });
writeFileSync(new URL('.build/size-report.json', root), JSON.stringify(rows, null, 2));

if (process.argv.includes('--check')) {
  const budget = JSON.parse(readFileSync(new URL('scripts/size-budget.json', root)));
  for (const [what, , , key] of limits) {
    if (typeof budget[key] !== 'number') throw new Error(`scripts/size-budget.json has no ${key} (the budget of the ${what})`);
  }
  const over = limits.filter(([, n, , key]) => n > budget[key]).map(([what, n, unit, key]) => `${what} ${n} B ${unit} > budget ${budget[key]} B`);
  if (over.length) {
    console.error(`size budget exceeded: ${over.join('; ')}.\nFind where the bytes go (twiggy top pkg/oidc_wasm_bg.wasm) or, if the growth is wanted, raise scripts/size-budget.json and say why in the commit.`);
    process.exit(1);
  }
  console.log(`size budget ok: ${limits.map(([what, n, unit, key]) => `${what} ${n}/${budget[key]} B ${unit}`).join(', ')}`);
}
