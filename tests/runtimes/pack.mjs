// Packs pkg/ with `npm pack` and installs the tarball into a consumer project under
// .build/consumer, as a user's `npm install` would. Every runtime test imports it from there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readdirSync, readFileSync, copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { namedFiles, packageFields } from '../../scripts/runtimes.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONSUMER = join(ROOT, '.build', 'consumer');

let packed = null;

/**
 * The signature vectors the smoke suite runs through both signature paths, as a module every
 * runtime can import: the Wycheproof export of tests/wycheproof.rs (written by `cargo test`;
 * made here when missing) and the attack catalogue tests/vectors/attacks.json.
 */
function writeSignatureVectors(file) {
  const wycheproof = join(ROOT, 'target', 'tmp', 'wycheproof-signatures.json');
  if (!existsSync(wycheproof)) {
    execFileSync('bash', ['-c', '. .build/env.sh 2>/dev/null; cargo test -q --locked --test wycheproof export_for_the_runtime_tests'],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const attacks = readFileSync(join(ROOT, 'tests', 'vectors', 'attacks.json'), 'utf8');
  writeFileSync(file, `export const wycheproof = ${readFileSync(wycheproof, 'utf8')};\nexport const attacks = ${attacks};\n`);
}

/**
 * The packed package.json says what scripts/runtimes.mjs says (every entry point, for every
 * runtime), and every file it names is in the tarball.
 */
function checkPacked(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const fields = packageFields();
  const stale = Object.keys(fields).filter((k) => !isDeepStrictEqual(pkg[k], fields[k]));
  if (stale.length) throw new Error(`the packed package.json's ${stale.join(', ')} differ from scripts/runtimes.mjs: run scripts/build.sh`);
  const missing = namedFiles(fields).filter((f) => !existsSync(join(dir, f)));
  if (missing.length) throw new Error(`the packed package has no ${missing.join(', ')}`);
}

export function packAndInstall() {
  if (packed) return packed;
  if (!existsSync(join(ROOT, 'pkg', 'oidc_wasm_bg.wasm'))) {
    throw new Error('pkg/ is not built: run scripts/build.sh first');
  }
  const out = join(ROOT, '.build', 'pack');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: join(ROOT, 'pkg'), stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = join(out, readdirSync(out).find((f) => f.endsWith('.tgz')));
  rmSync(CONSUMER, { recursive: true, force: true });
  const dest = join(CONSUMER, 'node_modules', 'oidc-wasm');
  mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1']);
  checkPacked(dest);
  writeFileSync(join(CONSUMER, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module',
    dependencies: { 'oidc-wasm': `file:${tarball}` } }, null, 2));
  for (const f of ['smoke.mjs', 'http-login.mjs']) copyFileSync(join(ROOT, 'tests', 'js', f), join(CONSUMER, f));
  writeSignatureVectors(join(CONSUMER, 'signature-vectors.mjs'));
  packed = { tarball, consumer: CONSUMER, pkgDir: dest };
  return packed;
}
