// Size report of the npm package: every shipped file raw, gzip -9 and brotli (quality 11), and
// the total a browser downloads (wasm + glue + shim + SPA session), then the same for the
// `oidc-wasm/verifier` entry point (its own module, glue and shim). With --check, fails when a
// browser total (gzip) or a wasm (raw) exceeds scripts/size-budget.json. Sizes are deterministic.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

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
const files = ['oidc_wasm_bg.wasm', 'oidc_wasm.js', 'core.js', 'spa.js', 'browser.js', 'node.js', 'deno.js', 'workerd.js'].map(measure);
/** The sum of `rows` (raw, gzip, brotli) as one more row named `file`. */
const total = (file, rows) => ({ file, ...Object.fromEntries(['raw', 'gzip', 'brotli'].map((k) => [k, rows.reduce((n, r) => n + r[k], 0)])) });
const browserFiles = ['oidc_wasm_bg.wasm', 'oidc_wasm.js', 'core.js', 'spa.js', 'browser.js'];
const browser = total('browser total (wasm + glue + shim + spa)', files.filter((f) => browserFiles.includes(f.file)));
const verifierFiles = ['verifier/oidc_wasm_bg.wasm', 'verifier/oidc_wasm.js', 'verifier/core.js', 'verifier/browser.js'].map(measure);
const verifierBrowser = total('verifier browser total (wasm + glue + shim)', verifierFiles);
// This library's own signature arithmetic: a module loaded only where it is needed, so counted in
// neither browser total.
const cryptoFiles = ['oidc_wasm_crypto_bg.wasm', 'oidc_wasm_crypto.js'].map(measure);
const cryptoTotal = total('signature arithmetic, loaded on demand (wasm + glue)', cryptoFiles);
const rows = [...files, browser, ...verifierFiles, verifierBrowser, ...cryptoFiles, cryptoTotal];
const w = Math.max(...rows.map((r) => r.file.length));
console.log(`${'file'.padEnd(w)}  ${'raw'.padStart(8)}  ${'gzip -9'.padStart(8)}  ${'brotli'.padStart(8)}`);
for (const r of rows) {
  console.log(`${r.file.padEnd(w)}  ${String(r.raw).padStart(8)}  ${String(r.gzip).padStart(8)}  ${String(r.brotli).padStart(8)}`);
}
mkdirSync(new URL('.build/', root), { recursive: true });
writeFileSync(new URL('.build/size-report.json', root), JSON.stringify(rows, null, 2));

if (process.argv.includes('--check')) {
  const budget = JSON.parse(readFileSync(new URL('scripts/size-budget.json', root)));
  const wasm = files[0];
  const over = [];
  if (wasm.raw > budget.wasm_raw) over.push(`wasm ${wasm.raw} B raw > budget ${budget.wasm_raw} B`);
  if (browser.gzip > budget.browser_total_gzip) over.push(`browser total ${browser.gzip} B gzip > budget ${budget.browser_total_gzip} B`);
  const verifierWasm = verifierFiles[0];
  if (verifierWasm.raw > budget.verifier_wasm_raw) over.push(`verifier wasm ${verifierWasm.raw} B raw > budget ${budget.verifier_wasm_raw} B`);
  if (verifierBrowser.gzip > budget.verifier_browser_total_gzip) {
    over.push(`verifier browser total ${verifierBrowser.gzip} B gzip > budget ${budget.verifier_browser_total_gzip} B`);
  }
  if (cryptoFiles[0].raw > budget.crypto_wasm_raw) over.push(`signature arithmetic wasm ${cryptoFiles[0].raw} B raw > budget ${budget.crypto_wasm_raw} B`);
  if (over.length) {
    console.error(`size budget exceeded: ${over.join('; ')}.\nFind where the bytes go (twiggy top pkg/oidc_wasm_bg.wasm) or, if the growth is wanted, raise scripts/size-budget.json and say why in the commit.`);
    process.exit(1);
  }
  console.log(`size budget ok: wasm ${wasm.raw}/${budget.wasm_raw} B raw, browser total ${browser.gzip}/${budget.browser_total_gzip} B gzip; `
    + `verifier wasm ${verifierWasm.raw}/${budget.verifier_wasm_raw} B raw, browser total ${verifierBrowser.gzip}/${budget.verifier_browser_total_gzip} B gzip; `
    + `signature arithmetic wasm ${cryptoFiles[0].raw}/${budget.crypto_wasm_raw} B raw`);
}
