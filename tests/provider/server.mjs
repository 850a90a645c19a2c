// Local OpenID Provider for the test suite and the demo, built on
// oidc-provider. See README.md in this directory.
//
//   import { startProvider } from './tests/provider/server.mjs';
//   const op = await startProvider({ port: 0, quiet: true });
//   ... op.issuer, op.stats ...
//   await op.close();
//
// Run directly (`node tests/provider/server.mjs`) it serves on
// OIDC_PROVIDER_PORT (default 4400) for the origins in OIDC_DEMO_ORIGIN
// (comma separated, default http://127.0.0.1:4401) until SIGINT/SIGTERM.

import { realpathSync } from 'node:fs';
import * as http from 'node:http';
import { pathToFileURL } from 'node:url';

import { avatarSvg, createAccounts } from './accounts.mjs';
import { createAdapterFactory, createMemoryStore } from './adapter.mjs';
import { createAuth0 } from './auth0/index.mjs';
import { createCompat } from './compat.mjs';
import { createDeviceFlow } from './device-flow.mjs';
import { registerTestEndpoints } from './harness.mjs';
import { registerInteractions } from './interactions.mjs';
import { generateSigningKeys } from './keys.mjs';
import {
  API_AUDIENCE,
  API_SCOPES,
  API_TOKEN_SCOPES,
  OIDC_SCOPES,
  SPA_CLIENT_ID,
  SPA_ES256_CLIENT_ID,
  SCOPE_CLAIMS,
  buildConfiguration,
  normalizeOrigin,
} from './provider-config.mjs';
import { createRouter } from './router.mjs';
import { createStats, resetStats, statsMiddleware } from './stats.mjs';
import { errorPage } from './views.mjs';

export { API_AUDIENCE, API_SCOPES, SPA_CLIENT_ID, SPA_ES256_CLIENT_ID };
export {
  AUTH0_GRANT_TYPES,
  DATABASE_CONNECTION,
  DAVE_PUSH_AUTHENTICATOR_ID,
  DAVE_RECOVERY_CODE,
  GRANT_MFA_OOB,
  GRANT_MFA_OTP,
  GRANT_MFA_RECOVERY_CODE,
  GRANT_PASSWORD,
  GRANT_PASSWORDLESS_OTP,
  GRANT_PASSWORD_REALM,
  totp,
} from './auth0/index.mjs';

export const DEFAULT_PORT = 4400;
export const DEFAULT_CLIENT_ORIGIN = 'http://127.0.0.1:4401';

let oidcProviderModule;

// oidc-provider 9 warns "Unsupported runtime" once, when first imported on
// Node.js 20. It works there; the warning is filtered out.
function loadOidcProvider() {
  oidcProviderModule ??= (async () => {
    const { warn } = console;
    console.warn = (...args) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      warn.apply(console, args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return oidcProviderModule;
}

function listen(host, port) {
  let handler = (_req, res) => {
    res.statusCode = 503;
    res.end('starting');
  };
  const server = http.createServer((req, res) => handler(req, res));
  // Clients (undici in Node, workerd, Deno) keep connections for reuse; a test that pauses for a
  // few seconds (signature vectors, polling) must not find its pooled socket reset by the server.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        server,
        setHandler(fn) {
          handler = fn;
        },
      });
    });
  });
}

function urlHost(host) {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

// Errors thrown by our own routes (interactions, test endpoints) rendered like
// the provider's: JSON for API-ish requests, an HTML page otherwise.
function ownRouteErrors(log) {
  return async function renderOwnErrors(ctx, next) {
    try {
      await next();
    } catch (err) {
      const status = err.statusCode || err.status || 500;
      const out = {
        error: err.error || (status >= 500 ? 'server_error' : 'invalid_request'),
        error_description: err.error_description || (status < 500 || err.expose ? err.message : 'oops! something went wrong'),
      };
      if (status >= 500) log('error', err);
      ctx.status = status;
      if (ctx.accepts('html', 'json') === 'json') {
        ctx.body = out;
      } else {
        ctx.type = 'html';
        ctx.body = errorPage(out);
      }
    }
  };
}

export async function startProvider(options = {}) {
  const {
    host = '127.0.0.1',
    port = DEFAULT_PORT,
    clientOrigins = [DEFAULT_CLIENT_ORIGIN],
    accessTokenTtl = 3600,
    idTokenTtl = 3600,
    passwordlessInterval = 5,
    mfaPollInterval = 5,
    deviceInterval = 5,
    auth0Tenant = false,
    quiet = false,
  } = options;

  const log = quiet
    ? () => {}
    : (level, ...args) => (level === 'error' ? console.error : console.log)('[provider]', ...args);
  const info = (...args) => log('info', ...args);

  const origins = [...new Set(clientOrigins.map(normalizeOrigin))];

  const [{ default: Provider, errors }, keys, listening] = await Promise.all([
    loadOidcProvider(),
    generateSigningKeys(),
    listen(host, port),
  ]);
  const { server } = listening;
  const actualPort = server.address().port;
  const issuer = `http://${urlHost(host)}:${actualPort}`;
  // With auth0Tenant, the issuer and endpoints are those an Auth0 tenant publishes (and
  // auth0-spa-js assumes of a `domain`): the issuer with a trailing `/`
  // (`https://tenant.auth0.com/`) in discovery and the tokens, /authorize and /oauth/token.
  // op.issuer stays the origin (the `domain`).
  const issuerId = auth0Tenant ? `${issuer}/` : issuer;

  const accounts = createAccounts(issuer);
  const store = createMemoryStore();
  const stats = createStats();
  let auth0;
  let deviceFlow;

  let provider;
  try {
    const routes = {
      authorization: auth0Tenant ? '/authorize' : '/auth',
      token: auth0Tenant ? '/oauth/token' : '/token',
      userinfo: '/me',
      device_authorization: '/device/auth',
      pushed_authorization_request: '/request',
    };
    const compat = createCompat({
      routes,
      errors,
      issuer: issuerId,
      publicJwks: keys.publicJwks,
      apiAudience: API_AUDIENCE,
      scopeClaims: SCOPE_CLAIMS,
      accounts,
      allowedOrigins: new Set(origins),
    });

    provider = new Provider(issuerId, buildConfiguration({
      routes,
      errors,
      jwks: keys.jwks,
      adapter: createAdapterFactory(store),
      accounts,
      compat,
      clientOrigins: origins,
      accessTokenTtl,
      idTokenTtl,
    }));

    for (const [name, path] of Object.entries(routes)) {
      if (provider.pathFor(name) !== path) throw new Error(`unexpected ${name} route ${provider.pathFor(name)}`);
    }

    auth0 = createAuth0({
      issuer,
      accounts,
      allowedOrigins: new Set(origins),
      tokenPath: routes.token,
      authorizationPath: routes.authorization,
      oidcScopes: OIDC_SCOPES,
      resourceScopes: { [API_AUDIENCE]: API_TOKEN_SCOPES },
      passwordlessInterval,
      mfaPollInterval,
      log,
    });
    auth0.registerGrants(provider, errors);
    deviceFlow = createDeviceFlow({ provider, errors, interval: deviceInterval });

    provider.on('server_error', (_ctx, err) => log('error', 'server_error', err));
    provider.on('error', (err) => {
      if (err.expose || (err.status && err.status < 500)) return;
      log('error', err);
    });

    const router = createRouter();
    registerInteractions(router, { provider, accounts, log: info });
    registerTestEndpoints(router, { stats, reset: () => resetStats(stats), signingKeys: keys.jwks.keys });
    auth0.registerRoutes(router);
    deviceFlow.registerTestEndpoints(router);
    router.get('/avatars/:file', async (ctx) => {
      const user = accounts.byUsername(ctx.params.file.replace(/\.svg$/, ''));
      if (!user) ctx.throw(404, 'unknown user');
      ctx.type = 'image/svg+xml';
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.set('Access-Control-Allow-Origin', '*');
      ctx.body = avatarSvg(user);
    });

    if (!quiet) {
      provider.use(async (ctx, next) => {
        const started = performance.now();
        try {
          await next();
        } finally {
          info(`${ctx.method} ${ctx.url} ${ctx.status} ${Math.round(performance.now() - started)}ms`);
        }
      });
    }
    provider.use(statsMiddleware(stats, { tokenPath: routes.token }));
    provider.use(auth0.middleware);
    provider.use(compat.middleware);
    provider.use(ownRouteErrors(log));
    provider.use(router.middleware());
  } catch (err) {
    server.close();
    throw err;
  }

  listening.setHandler(provider.callback());

  let closing;
  const close = () => {
    closing ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }).then(() => store.clear());
    return closing;
  };

  return {
    issuer,
    host,
    port: actualPort,
    clientOrigins: origins,
    clients: { spa: SPA_CLIENT_ID, spaEs256: SPA_ES256_CLIENT_ID },
    api: { audience: API_AUDIENCE, scopes: [...API_SCOPES] },
    users: accounts.users.map(({ username, password, claims }) => ({ username, password, sub: claims.sub })),
    publicJwks: keys.publicJwks,
    stats,
    reset: () => resetStats(stats),
    auth0: auth0.testApi,
    device: deviceFlow.testApi,
    provider,
    close,
  };
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

async function main() {
  const port = process.env.OIDC_PROVIDER_PORT ? Number(process.env.OIDC_PROVIDER_PORT) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid OIDC_PROVIDER_PORT ${process.env.OIDC_PROVIDER_PORT}`);
  }
  const clientOrigins = (process.env.OIDC_DEMO_ORIGIN || DEFAULT_CLIENT_ORIGIN)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  const op = await startProvider({
    host: process.env.OIDC_PROVIDER_HOST || '127.0.0.1',
    port,
    clientOrigins,
  });

  console.log(`OpenID Provider listening at ${op.issuer}`);
  console.log(`  discovery: ${op.issuer}/.well-known/openid-configuration`);
  console.log(`  clients:   ${op.clients.spa}, ${op.clients.spaEs256} (public, PKCE) for ${op.clientOrigins.join(', ')}`);
  console.log(`  API:       ${op.api.audience} (${op.api.scopes.join(' ')})`);
  console.log(`  users:     ${op.users.map((u) => `${u.username}/${u.password}`).join(', ')}`);

  const stop = async (signal) => {
    console.log(`${signal} received, stopping`);
    await op.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (isMain()) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
