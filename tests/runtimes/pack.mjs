// Packs pkg/ with `npm pack` and installs the tarball into a consumer project under
// .build/consumer, as a user's `npm install` would. Every runtime test imports it from there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readdirSync, copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONSUMER = join(ROOT, '.build', 'consumer');

let packed = null;

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
  writeFileSync(join(CONSUMER, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module',
    dependencies: { 'oidc-wasm': `file:${tarball}` } }, null, 2));
  for (const f of ['smoke.mjs', 'http-login.mjs']) copyFileSync(join(ROOT, 'tests', 'js', f), join(CONSUMER, f));
  packed = { tarball, consumer: CONSUMER, pkgDir: dest };
  return packed;
}
