// A static server for the demo: www/ at /, the npm package (pkg/, or a directory given) at
// /pkg/, and /config.json telling the page which provider to use (503 until setConfig).
// Loopback only. Tests add their own mounts ([urlPrefix, directory]).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
};

/** The client the demo page uses: the local provider's public SPA client, with its API as audience. */
export const DEMO_CLIENT = {
  clientId: 'oidc-wasm-spa',
  scope: 'openid profile email offline_access',
  audience: 'https://api.oidc-wasm.test',
};

export async function startDemoServer({ host = '127.0.0.1', port = 4401, config = null, pkgDir = join(ROOT, 'pkg'), mounts: extra = [] } = {}) {
  const mounts = [...extra.map(([p, d]) => [p, resolve(d)]), ['/pkg/', resolve(pkgDir)], ['/', join(ROOT, 'www')]];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/config.json') {
      // Before setConfig (the provider still starting): 503, and the page asks again.
      res.writeHead(config ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(config ? {} : { 'retry-after': '1' }) });
      res.end(JSON.stringify(config ?? { error: 'starting' }));
      return;
    }
    for (const [prefix, dir] of mounts) {
      if (!path.startsWith(prefix)) continue;
      let rel = path.slice(prefix.length);
      if (rel === '' || rel.endsWith('/')) rel += 'index.html';
      const file = normalize(join(dir, rel));
      if (!file.startsWith(dir)) break;
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
      } catch {
        // The SPA's callback routes (/callback) serve the page itself.
        if (prefix === '/' && !extname(file)) {
          res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
          res.end(await readFile(join(dir, 'index.html')));
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not found');
        }
      }
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(port, host, ok));
  const origin = `http://${host}:${server.address().port}`;
  return {
    origin,
    setConfig(c) { config = c; },
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}
