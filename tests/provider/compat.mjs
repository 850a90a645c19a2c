// Auth0-style request handling on top of oidc-provider.
//
// 1. `audience` is accepted wherever oidc-provider takes a `resource`
//    indicator (RFC 8707): the authorization endpoint (query) and the token,
//    device authorization and PAR endpoints (form body). It is copied to
//    `resource` when no `resource` is present (a Koa middleware in front of
//    the provider).
//
// 2. `offline_access` is honoured on every authorization request. oidc-provider
//    follows OpenID Connect Core 11 and drops offline_access from the scope
//    unless the request has prompt=consent; Auth0 issues a refresh token
//    without it (also for prompt=none). The `audience` extra-parameter
//    validator, which oidc-provider runs right after its scope check, puts
//    offline_access back when the client asked for it.
//
// 3. The userinfo endpoint also accepts the API's JWT access tokens when their
//    scope has `openid` (Auth0 access tokens for an API are valid at
//    /userinfo too). oidc-provider alone refuses any token with an audience
//    there (invalid_token).

import * as querystring from 'node:querystring';

import { createLocalJWKSet, jwtVerify } from 'jose';

import { readRawBody, replayBody } from './router.mjs';

const OFFLINE = 'offline_access';

export function createCompat({
  routes,
  errors,
  issuer,
  publicJwks,
  apiAudience,
  scopeClaims,
  accounts,
  allowedOrigins,
}) {
  const keySet = createLocalJWKSet(publicJwks);

  const bodyRoutes = new Set([
    routes.token,
    routes.device_authorization,
    routes.pushed_authorization_request,
  ].filter(Boolean));

  function rewriteAuthorizationQuery(ctx) {
    const { query } = ctx;
    if (typeof query.audience === 'string' && query.resource === undefined) {
      ctx.query = { ...query, resource: query.audience };
    }
  }

  async function rewriteBody(ctx) {
    if (!ctx.is('application/x-www-form-urlencoded')) return;
    const raw = await readRawBody(ctx);
    const body = querystring.parse(raw.toString('utf8'));
    ctx.state.body = { ...body };
    if (typeof body.audience === 'string' && body.resource === undefined) {
      body.resource = body.audience;
      replayBody(ctx, Buffer.from(querystring.stringify(body)));
    } else {
      replayBody(ctx, raw);
    }
  }

  function restoreOfflineAccess(ctx) {
    const { oidc } = ctx;
    if (oidc.route !== 'authorization' && oidc.route !== 'pushed_authorization_request') return;
    const raw = (ctx.method === 'POST' ? oidc.body : ctx.query)?.scope;
    if (typeof raw !== 'string' || !raw.split(' ').includes(OFFLINE)) return;
    if (!oidc.client.grantTypeAllowed('refresh_token')) return;
    if (!String(oidc.params.response_type ?? '').split(' ').includes('code')) return;
    const scopes = new Set(String(oidc.params.scope ?? '').split(' ').filter(Boolean));
    if (!scopes.has(OFFLINE)) {
      scopes.add(OFFLINE);
      oidc.params.scope = [...scopes].join(' ');
    }
  }

  // Answers userinfo for a valid API access token; anything else goes on to
  // oidc-provider.
  async function userinfoForApiToken(ctx) {
    const match = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(ctx.get('authorization'));
    if (!match) return false;
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1], keySet, { issuer, audience: apiAudience, typ: 'at+jwt' }));
    } catch {
      return false;
    }
    const scopes = new Set(String(payload.scope ?? '').split(' '));
    const claims = scopes.has('openid') ? accounts.claims(payload.sub) : undefined;
    if (!claims) return false;

    const body = { sub: claims.sub };
    for (const [scope, names] of Object.entries(scopeClaims)) {
      if (!scopes.has(scope)) continue;
      for (const name of names) if (claims[name] !== undefined) body[name] = claims[name];
    }

    const origin = ctx.get('Origin');
    if (origin && allowedOrigins.has(origin)) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Expose-Headers', 'WWW-Authenticate');
    }
    ctx.vary('Origin');
    ctx.set('Cache-Control', 'no-store');
    ctx.state.route = 'userinfo';
    ctx.body = body;
    return true;
  }

  return {
    middleware: async function auth0Compat(ctx, next) {
      if (ctx.method === 'GET' && ctx.path === routes.authorization) {
        rewriteAuthorizationQuery(ctx);
      } else if (ctx.method === 'POST' && bodyRoutes.has(ctx.path)) {
        await rewriteBody(ctx);
      } else if ((ctx.method === 'GET' || ctx.method === 'POST') && ctx.path === routes.userinfo) {
        if (await userinfoForApiToken(ctx)) return undefined;
      }
      return next();
    },

    // oidc-provider `extraParams` entry for authorization-type endpoints.
    extraParams: {
      async audience(ctx, value) {
        if (value !== undefined && ctx.oidc.params.resource !== value) {
          throw new errors.InvalidRequest('audience and resource must not differ');
        }
        restoreOfflineAccess(ctx);
      },
    },
  };
}
