// The recipes in README.md ("Use it in your app") are the files tests/bundlers/ builds and runs:
// each configuration and server file shown there is compared with the tested one, and each build
// command and the Content-Security-Policy are looked for word for word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, ROOT, contentSecurityPolicy } from './harness.mjs';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SECTION = (() => {
  const start = README.indexOf('\n## Use it in your app\n');
  assert.ok(start >= 0, 'README.md has a section "Use it in your app"');
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
})();

/** The fenced blocks of the section whose first line names a file (`// name` or `# name`): name -> the rest. */
function namedBlocks(text) {
  const out = new Map();
  for (const [, body] of text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)) {
    const m = /^(?:\/\/|#) (\S+)\n([\s\S]*)$/.exec(body);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

const read = (...p) => readFileSync(join(APPS, ...p), 'utf8');

test('the section comes before the API and the internals, after the two commands and the size table', () => {
  const at = (h) => README.indexOf(`\n## ${h}\n`);
  assert.ok(at('Two commands') < at('Size') && at('Size') < at('Use it in your app'));
  assert.ok(at('Use it in your app') < at('The API') && at('The API') < at('Internals'));
});

test('each file shown is the one the tests build and run', () => {
  const blocks = namedBlocks(SECTION);
  const files = {
    'rollup.config.mjs': read('rollup', 'rollup.config.mjs'),
    'wrangler.toml': read('worker', 'wrangler.toml'),
    'src/worker.js': read('worker', 'src', 'worker.js'),
    'main.js': read('deno', 'main.js'),
    'server.js': read('node', 'server.js'),
  };
  assert.deepEqual([...blocks.keys()].sort(), Object.keys(files).sort());
  for (const [name, text] of Object.entries(files)) assert.equal(blocks.get(name), text, name);
});

test('each build command shown is the recipe\'s npm script, and the bundlers without one need nothing', () => {
  for (const name of ['rollup', 'esbuild', 'script']) {
    const { build } = JSON.parse(read(name, 'package.json')).scripts;
    assert.ok(SECTION.includes(build), `${name}: ${build}`);
  }
  assert.equal(JSON.parse(read('vite', 'package.json')).scripts.build, 'vite build');
  assert.equal(JSON.parse(read('webpack', 'package.json')).scripts.build, 'webpack');
  assert.match(SECTION, /\| Vite 8 .*\| nothing[ |]/);
  assert.match(SECTION, /\| webpack 5 .*\| nothing[ |]/);
  assert.ok(!/\.wasm|rules|experiments/.test(read('webpack', 'webpack.config.js')), 'no .wasm rule in webpack.config.js');
});

test('the import without a bundler and the policy are the tested ones', () => {
  assert.ok(SECTION.includes("import { createAuthClient } from './vendor/oidc-wasm/browser.js';"));
  assert.ok(SECTION.includes(`Content-Security-Policy: ${contentSecurityPolicy('https://YOUR_TENANT.eu.auth0.com')}\n`));
});
