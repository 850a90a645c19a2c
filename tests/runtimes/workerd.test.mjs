// The smoke suite in Cloudflare's workerd (through miniflare), in a real Worker. The Worker is
// bundled from the packed package with esbuild the way wrangler does it: conditions
// workerd/worker/browser, and the .wasm left as a module that workerd compiles.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { packAndInstall } from './pack.mjs';
import { startProvider } from '../provider/server.mjs';

const REDIRECT_ORIGIN = 'http://127.0.0.1:4401';
let provider, mf, consumer, pkgDir;

before(async () => {
  ({ consumer, pkgDir } = packAndInstall());
  provider = await startProvider({ port: 0, clientOrigins: [REDIRECT_ORIGIN], quiet: true });
  writeFileSync(join(consumer, 'worker-entry.mjs'), `
import * as main from 'oidc-wasm';
import * as verifier from 'oidc-wasm/verifier';
import { runSmoke } from './smoke.mjs';
const readyAtImport = main.isReady() && verifier.isReady();
export default {
  async fetch(request) {
    const env = await request.json();
    const results = await runSmoke(env.entry === 'verifier' ? verifier : main, env);
    return Response.json({ readyAtImport, results });
  },
};
`);
  const outdir = join(consumer, 'worker-dist');
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(consumer, 'worker-entry.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    outfile: join(outdir, 'worker.mjs'),
    logLevel: 'error',
    // As wrangler does: each .wasm import becomes a module of its own, under a name of its own.
    plugins: [{
      name: 'wasm-modules',
      setup(b) {
        b.onResolve({ filter: /\.wasm$/ }, (a) => {
          if (a.path.endsWith('oidc_wasm_crypto_bg.wasm')) return { path: './oidc_wasm_crypto_bg.wasm', external: true };
          return { path: a.resolveDir.endsWith('verifier') ? './verifier_bg.wasm' : './oidc_wasm_bg.wasm', external: true };
        });
      },
    }],
  });
  copyFileSync(join(pkgDir, 'oidc_wasm_bg.wasm'), join(outdir, 'oidc_wasm_bg.wasm'));
  copyFileSync(join(pkgDir, 'verifier', 'oidc_wasm_bg.wasm'), join(outdir, 'verifier_bg.wasm'));
  copyFileSync(join(pkgDir, 'oidc_wasm_crypto_bg.wasm'), join(outdir, 'oidc_wasm_crypto_bg.wasm'));
  mf = new Miniflare({
    modules: true,
    scriptPath: join(outdir, 'worker.mjs'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2026-04-01',
  });
  await mf.ready;
});

after(async () => {
  await mf?.dispose();
  await provider?.close();
});

for (const entry of ['main', 'verifier']) test(`the packed package runs the smoke suite in workerd (${entry} entry point)`, async () => {
  const res = await mf.dispatchFetch('http://worker.test/', {
    method: 'POST',
    body: JSON.stringify({ issuer: provider.issuer, redirectUri: `${REDIRECT_ORIGIN}/callback`, entry }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const out = JSON.parse(text);
  assert.equal(out.readyAtImport, true);
  for (const r of out.results) assert.ok(r.ok, `${r.name}: ${r.error}`);
  assert.ok(out.results.length >= 10);
});
