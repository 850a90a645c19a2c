// The smoke suite in Node, importing the packed package by its name (the "node" condition).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packAndInstall } from './pack.mjs';
import { startProvider } from '../provider/server.mjs';

const REDIRECT_ORIGIN = 'http://127.0.0.1:4401';
let provider, consumer;

before(async () => {
  ({ consumer } = packAndInstall());
  provider = await startProvider({ port: 0, clientOrigins: [REDIRECT_ORIGIN], quiet: true });
});
after(() => provider?.close());

test('the packed package resolves to the node entry point and is ready at import', async () => {
  const entry = join(consumer, 'node-entry.mjs');
  writeFileSync(entry, "import * as oidc from 'oidc-wasm';\nexport { oidc };\nexport const readyAtImport = oidc.isReady();\n");
  const { oidc, readyAtImport } = await import(pathToFileURL(entry).href);
  assert.equal(readyAtImport, true);
  const pkg = JSON.parse(readFileSync(join(consumer, 'node_modules/oidc-wasm/package.json'), 'utf8'));
  assert.equal(pkg.exports['.'].node, './node.js');
  const { runSmoke } = await import(pathToFileURL(join(consumer, 'smoke.mjs')).href);
  const results = await runSmoke(oidc, { issuer: provider.issuer, redirectUri: `${REDIRECT_ORIGIN}/callback` });
  for (const r of results) assert.ok(r.ok, `${r.name}: ${r.error}`);
  assert.ok(results.length >= 10, `ran ${results.length} checks`);
});

test('the TypeScript error-code union lists exactly the codes the module has', async () => {
  const { oidc } = await import(pathToFileURL(join(consumer, 'node-entry.mjs')).href);
  const dts = readFileSync(join(consumer, 'node_modules/oidc-wasm/index.d.ts'), 'utf8');
  const union = dts.slice(dts.indexOf('export type AuthErrorCode'), dts.indexOf(';', dts.indexOf('export type AuthErrorCode')));
  const typed = [...union.matchAll(/'(ERR_[A-Z_]+)'/g)].map((m) => m[1]).sort();
  const jsOnly = ['ERR_INIT_FAILED', 'ERR_BEARER_TOKEN_MISSING'];
  assert.deepEqual(typed, Object.keys(oidc.errorCodes()).sort());
  for (const c of jsOnly) assert.ok(c in oidc.errorCodes(), c);
});
