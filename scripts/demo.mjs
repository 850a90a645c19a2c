// Runs the demo: the local OpenID Provider on 127.0.0.1:4400 and the demo SPA on 127.0.0.1:4401.
// Ports: OIDC_PROVIDER_PORT, DEMO_PORT. Stop with Ctrl-C.
import { startProvider } from '../tests/provider/server.mjs';
import { DEMO_CLIENT, startDemoServer } from './demo-server.mjs';

const providerPort = Number(process.env.OIDC_PROVIDER_PORT ?? 4400);
const demoPort = Number(process.env.DEMO_PORT ?? 4401);
const demo = await startDemoServer({ port: demoPort });
// A push is polled every 2 s (the provider answers slow_down to faster polls).
const MFA_POLL_INTERVAL = 2;
const provider = await startProvider({ port: providerPort, clientOrigins: [demo.origin], quiet: true, mfaPollInterval: MFA_POLL_INTERVAL });
// testEndpoints: the local provider's test-only endpoints (/__test/outbox, /__test/oob/approve),
// which the page's outbox panel reads; a page configured without them has no outbox panel.
demo.setConfig({ issuer: provider.issuer, ...DEMO_CLIENT, testEndpoints: `${provider.issuer}/__test`, mfaPollInterval: MFA_POLL_INTERVAL });

console.log(`
  oidc-wasm demo
    app:       ${demo.origin}/
    provider:  ${provider.issuer}
    users:     alice / wonderland, bob / builder; with MFA: carol / mfa-secret (enrolls an app), dave / push-secret
               codes, magic links and push notifications "sent": the page's outbox panel (${provider.issuer}/__test/outbox)
  Ctrl-C to stop.
`);

const stop = async () => {
  await Promise.allSettled([demo.close(), provider.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
