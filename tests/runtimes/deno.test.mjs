// The smoke suite in Deno (the npm package `deno`), importing the packed package by its name
// from the consumer's node_modules (the "deno" condition).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packAndInstall, ROOT } from './pack.mjs';
import { startProvider } from '../provider/server.mjs';

const REDIRECT_ORIGIN = 'http://127.0.0.1:4401';
let provider, consumer;

before(async () => {
  ({ consumer } = packAndInstall());
  provider = await startProvider({ port: 0, clientOrigins: [REDIRECT_ORIGIN], quiet: true });
});
after(() => provider?.close());

function deno(args, cwd) {
  return new Promise((resolve) => {
    execFile(join(ROOT, 'node_modules/.bin/deno'), args, { cwd, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

test('the packed package runs the smoke suite in Deno (both entry points)', async () => {
  writeFileSync(join(consumer, 'deno-entry.mjs'), `
import * as oidc from 'oidc-wasm';
import { runSmoke } from './smoke.mjs';
const readyAtImport = oidc.isReady();
const env = JSON.parse(Deno.args[0]);
const results = await runSmoke(oidc, env);
// oidc-wasm/verifier, its own module, in the same process.
const verifierEntry = await import('oidc-wasm/verifier');
const verifierResults = await runSmoke(verifierEntry, { ...env, entry: 'verifier' });
console.log(JSON.stringify({ runtime: 'deno ' + Deno.version.deno, readyAtImport, results, verifierResults }));
`);
  const env = JSON.stringify({ issuer: provider.issuer, redirectUri: `${REDIRECT_ORIGIN}/callback` });
  const r = await deno(['run', '--quiet', '--no-prompt', '--allow-net=127.0.0.1', '--allow-read=.', '--node-modules-dir=manual', 'deno-entry.mjs', env], consumer);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.equal(out.readyAtImport, true);
  for (const res of out.results) assert.ok(res.ok, `${res.name}: ${res.error}`);
  assert.ok(out.results.length >= 10);
  for (const res of out.verifierResults) assert.ok(res.ok, `oidc-wasm/verifier: ${res.name}: ${res.error}`);
  assert.ok(out.verifierResults.length >= 10);
});

test('without read permission, Deno reports ERR_INIT_FAILED instead of crashing', async () => {
  writeFileSync(join(consumer, 'deno-noperm.mjs'), `
import * as oidc from 'oidc-wasm';
let code = null;
try { oidc.createPkcePair(); } catch (e) { code = e.code; }
let initCode = null;
try { await oidc.init(); } catch (e) { initCode = e.code; }
console.log(JSON.stringify({ ready: oidc.isReady(), code, initCode }));
`);
  // Read allowed for the scripts, denied for the package's .wasm.
  const r = await deno(['run', '--quiet', '--no-prompt', '--allow-read=.', '--deny-read=node_modules/oidc-wasm/oidc_wasm_bg.wasm', '--node-modules-dir=manual', 'deno-noperm.mjs'], consumer);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.deepEqual(out, { ready: false, code: 'ERR_NOT_INITIALIZED', initCode: 'ERR_INIT_FAILED' });
});
