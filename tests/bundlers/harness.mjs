// Shared parts of the recipe tests: each recipe under tests/bundlers/apps/ is copied to
// .build/bundlers/<name>/ with the packed package installed in its node_modules (as
// `npm install oidc-wasm` would), built with its own `npm run build`, and served on loopback with
// the Content-Security-Policy the README gives.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packAndInstall } from '../runtimes/pack.mjs';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const APPS = join(ROOT, 'tests', 'bundlers', 'apps');
export const WORK = join(ROOT, '.build', 'bundlers');

/**
 * The README's policy for a page whose provider is at `provider`; `connect` adds origins the page
 * fetches from (a CDN serving the .wasm).
 */
export function contentSecurityPolicy(provider, { connect = [] } = {}) {
  return `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${[provider, ...connect].join(' ')}; frame-src ${provider}`;
}

/**
 * A copy of the recipe `name` in .build/bundlers/<name>, with the shared app (or `app`) at
 * `appFile` (src/app.js; null: none) and the packed package in node_modules/oidc-wasm. Returns its
 * directory.
 */
export function prepareApp(name, { appFile = join('src', 'app.js'), app = readFileSync(join(APPS, 'app.js'), 'utf8') } = {}) {
  const { pkgDir } = packAndInstall();
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(APPS, name), dir, { recursive: true });
  if (appFile) {
    mkdirSync(dirname(join(dir, appFile)), { recursive: true });
    writeFileSync(join(dir, appFile), app);
  }
  cpSync(pkgDir, join(dir, 'node_modules', 'oidc-wasm'), { recursive: true });
  return dir;
}

/** `npm run <script>` in `dir`; resolves with its output, rejects with it. */
export function npmRun(dir, script = 'build') {
  return new Promise((ok, fail) => {
    execFile('npm', ['run', '--silent', script], { cwd: dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => (error ? fail(new Error(`npm run ${script} in ${dir} failed:\n${stdout}\n${stderr}`)) : ok(stdout + stderr)));
  });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.map': 'application/json',
};

/**
 * A static server on loopback for `dir` (paths without an extension, such as /callback, get
 * index.html), with /config.json from setConfig, the policy from setPolicy as the
 * Content-Security-Policy header, and CORS for any origin when `cors`. Every request is recorded.
 */
export async function serveStatic(dir, { cors = false } = {}) {
  let config = {};
  let policy = null;
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = { 'cache-control': 'no-store' };
    if (policy) headers['content-security-policy'] = policy;
    if (cors) headers['access-control-allow-origin'] = '*';
    const answer = (status, type, body) => {
      requests.push({ path, status });
      res.writeHead(status, { ...headers, 'content-type': type }).end(body);
    };
    if (path === '/config.json') return answer(200, TYPES['.json'], JSON.stringify(config));
    if (path === '/favicon.ico') return answer(204, 'image/x-icon', '');
    let file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir)) return answer(403, 'text/plain', 'forbidden');
    if (!extname(file)) file = join(dir, 'index.html');
    try {
      answer(200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
    } catch {
      answer(404, 'text/plain', 'not found');
    }
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requests,
    setConfig(c) { config = c; },
    setPolicy(p) { policy = p; },
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}

/**
 * Open the app at `origin` in a new browser context and sign in as alice through the provider's
 * login page. Returns { context, page, errors } with the app showing the signed-in user; `errors`
 * collects page errors and console errors (a refused policy shows there).
 */
export async function signIn(browser, origin, { context } = {}) {
  context ??= await browser.newContext();
  const page = await context.newPage();
  const errors = watch(page, origin);
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-state]', { timeout: 30_000 });
  await expectState(page, 'ready');
  await page.click('#login');
  await page.waitForSelector('#username', { timeout: 30_000 });
  await page.fill('#username', 'alice');
  await page.fill('#password', 'wonderland');
  await page.click('button[type=submit]');
  await page.waitForURL(`${origin}/`, { timeout: 30_000 });
  await page.waitForSelector('body[data-state]', { timeout: 30_000 });
  await expectState(page, 'ready');
  return { context, page, errors };
}

/**
 * Page errors and console errors of `page` from the app at `origin`, as they come. The provider's
 * own pages are left out: a prompt=none answer login_required comes with a 400 status.
 */
export function watch(page, origin) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const where = m.location()?.url ?? '';
    if (m.type() === 'error' && (!where || where.startsWith(`${origin}/`))) errors.push(`console: ${m.text()} (${where})`);
  });
  return errors;
}

/** Fail with what the app shows unless its state is `state`. */
export async function expectState(page, state) {
  const { got, text } = await page.evaluate(() => ({ got: document.body.dataset.state, text: document.querySelector('#status')?.textContent }));
  if (got !== state) throw new Error(`the app is ${got}, not ${state}: ${text}`);
}

/** What the app shows: { state, status, sub }. */
export function shown(page) {
  return page.evaluate(() => {
    const s = document.querySelector('#status');
    return { state: document.body.dataset.state, status: s.textContent, sub: s.dataset.sub ?? null };
  });
}
