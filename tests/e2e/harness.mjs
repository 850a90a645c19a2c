// Shared setup of the end-to-end suites: the demo app and the local provider on loopback ports,
// headless Chromium, and small helpers. `useDemo(providerOptions)` registers the before/after
// hooks of the calling test file and returns an object whose fields are set once they ran.
import { before, after } from 'node:test';
import { startProvider } from '../provider/server.mjs';
import { startDemoServer } from '../../scripts/demo-server.mjs';
import { launchChromium } from '../js/chromium.mjs';

export const CLIENT = { clientId: 'oidc-wasm-spa', scope: 'openid profile email offline_access', audience: 'https://api.oidc-wasm.test' };

export function useDemo(providerOptions = {}) {
  const env = {
    demo: null,
    provider: null,
    browser: null,
    /** JSON from the provider (its test hooks), null for an empty body. */
    api: (path, init) => fetch(`${env.provider.issuer}${path}`, init).then((r) => r.text()).then((t) => (t ? JSON.parse(t) : null)),
    post: (path, body) => env.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    /** A new browser context with the demo loaded and ready; page errors are collected. */
    async page() {
      const context = await env.browser.newContext();
      const p = await context.newPage();
      const errors = [];
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(`${env.demo.origin}/`);
      await p.waitForSelector('#login:not([disabled])');
      return { context, p, errors };
    },
  };
  before(async () => {
    env.demo = await startDemoServer({ port: 0, pkgDir: process.env.OIDC_WASM_PKG_DIR });
    env.provider = await startProvider({ port: 0, clientOrigins: [env.demo.origin], quiet: true, ...providerOptions });
    env.demo.setConfig({ issuer: env.provider.issuer, ...CLIENT });
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    await Promise.allSettled([env.demo?.close(), env.provider?.close()]);
  });
  return env;
}
