// Request counters, so tests can assert e.g. "exactly one refresh happened".
//
// Shape (plain JSON, mutated in place, reset() keeps the same objects):
//   {
//     token:  { total, ok, error },                 every token-endpoint request
//     grants: { [grant_type]: { total, ok, error } },
//     tokenErrors: [{ grant_type, status, error, error_description }],
//     routes: { [oidc-provider route name]: count }   authorization, resume,
//             userinfo, revocation, end_session, jwks, discovery, ...
//   }

const KNOWN_GRANTS = [
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
];

const MAX_ERRORS = 100;

const counter = () => ({ total: 0, ok: 0, error: 0 });

export function createStats() {
  const stats = {
    token: counter(),
    grants: {},
    tokenErrors: [],
    routes: {},
  };
  resetStats(stats);
  return stats;
}

export function resetStats(stats) {
  Object.assign(stats.token, counter());
  for (const key of Object.keys(stats.grants)) delete stats.grants[key];
  for (const grant of KNOWN_GRANTS) stats.grants[grant] = counter();
  stats.tokenErrors.length = 0;
  for (const key of Object.keys(stats.routes)) delete stats.routes[key];
}

function count(target, ok) {
  target.total += 1;
  if (ok) target.ok += 1;
  else target.error += 1;
}

// Koa middleware, mounted before oidc-provider; reads what the provider
// resolved once the request has been handled.
export function statsMiddleware(stats, { tokenPath }) {
  return async function countRequests(ctx, next) {
    try {
      await next();
    } finally {
      const route = ctx.oidc?.route ?? ctx.state.route;
      if (route) stats.routes[route] = (stats.routes[route] ?? 0) + 1;

      if (ctx.method === 'POST' && (route === 'token' || ctx.path === tokenPath)) {
        const grantType = String(
          ctx.oidc?.params?.grant_type ?? ctx.oidc?.body?.grant_type ?? ctx.state.body?.grant_type ?? 'unknown',
        );
        const ok = ctx.status >= 200 && ctx.status < 300;
        count(stats.token, ok);
        stats.grants[grantType] ??= counter();
        count(stats.grants[grantType], ok);
        if (!ok) {
          stats.tokenErrors.push({
            grant_type: grantType,
            status: ctx.status,
            error: ctx.body?.error,
            error_description: ctx.body?.error_description,
          });
          if (stats.tokenErrors.length > MAX_ERRORS) stats.tokenErrors.shift();
        }
      }
    }
  };
}
