// The README's pictures of the demo: `node scripts/demo-screenshots.mjs` (after scripts/build.sh)
// starts the local provider and the demo on free ports, goes through the demo in headless
// Chromium (playwright-core, Debian's Chromium) and writes docs/demo-*.png. It fails when a
// picture is over 150 KB.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startProvider } from '../tests/provider/server.mjs';
import { launchChromium } from '../tests/js/chromium.mjs';
import { DEMO_CLIENT, startDemoServer } from './demo-server.mjs';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const MAX_BYTES = 150 * 1024;
const TIMEOUT = 60_000;

const demo = await startDemoServer({ port: 0, pkgDir: process.env.OIDC_WASM_PKG_DIR });
const provider = await startProvider({ port: 0, clientOrigins: [demo.origin], quiet: true, mfaPollInterval: 1 });
demo.setConfig({ issuer: provider.issuer, ...DEMO_CLIENT, testEndpoints: `${provider.issuer}/__test`, mfaPollInterval: 1 });
const browser = await launchChromium();
const written = [];

async function page(width, height = 900) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, reducedMotion: 'reduce' });
  context.setDefaultTimeout(TIMEOUT);
  const p = await context.newPage();
  await p.goto(`${demo.origin}/`);
  await p.waitForSelector('#login:not([disabled])');
  return { context, p };
}

async function signedIn(p) {
  await p.waitForSelector('#result:not([hidden])');
  await p.waitForSelector('#at-verified.ok');
}

/** A picture of `selector` (or of the window when null), clipped to `maxHeight` pixels. */
async function shot(p, name, selector, maxHeight = 1200) {
  const path = `${DOCS}${name}`;
  if (selector) {
    await p.evaluate(() => window.scrollTo(0, 0));
    const box = await p.locator(selector).boundingBox();
    const pad = 8;
    await p.screenshot({ path, fullPage: true, clip: { x: Math.max(0, box.x - pad), y: Math.max(0, box.y - pad),
      width: box.width + 2 * pad, height: Math.min(box.height + 2 * pad, maxHeight) } });
  } else {
    await p.screenshot({ path });
  }
  const { size } = statSync(path);
  written.push([name, size]);
  if (size > MAX_BYTES) throw new Error(`${name} is ${size} bytes, over ${MAX_BYTES}`);
}

try {
  // 1. Signed in after the redirect login: the ID token's checks, the access token verified.
  {
    const { context, p } = await page(880);
    await p.click('#login');
    await p.waitForURL(`${provider.issuer}/**`);
    await p.fill('#username', 'alice');
    await p.fill('#password', 'wonderland');
    await p.click('button[type=submit]');
    await signedIn(p);
    await shot(p, 'demo-signed-in.png', '#result', 990);
    // 2. The requests that login made, and why.
    await shot(p, 'demo-requests.png', '#network');
    await context.close();
  }
  // 3. MFA: dave's push waiting in the outbox panel, to approve from the page, and the library
  //    polling meanwhile (the requests of this login only).
  {
    await fetch(`${provider.issuer}/__test/auth0/reset`, { method: 'POST' });
    const { context, p } = await page(880);
    await p.evaluate(() => window.demoNetwork.clear());
    await p.fill('#pw-username', 'dave');
    await p.fill('#pw-password', 'push-secret');
    await p.click('#pw-login');
    await p.click('#mfa-choices button[data-authenticator^="push"]');
    await p.waitForSelector('#outbox-list li[data-state="pending"] button.approve');
    await p.waitForSelector('#network-list li[data-kind="poll"][data-status="400"]');
    await shot(p, 'demo-mfa-push.png', 'main');
    await context.close();
  }
  // 4. A phone: a wrong password, the message under the field.
  {
    const { context, p } = await page(390, 760);
    await p.fill('#pw-username', 'alice');
    await p.fill('#pw-password', 'not-the-password');
    await p.click('#pw-login');
    await p.waitForSelector('#error:not([hidden])');
    await p.$eval('#pw-form', (el) => el.scrollIntoView({ block: 'center' }));
    await shot(p, 'demo-phone-error.png', null);
    await context.close();
  }
  for (const [name, size] of written) console.log(`docs/${name}: ${size} bytes`);
} finally {
  await browser.close();
  await Promise.allSettled([demo.close(), provider.close()]);
}
