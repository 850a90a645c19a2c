// HTTP plumbing of the Auth0 endpoints: JSON errors, CORS for the client
// origins, and the Koa middleware in front of oidc-provider's token endpoint
// (the /oauth/token alias and JSON bodies).

import * as querystring from 'node:querystring';

import { readBody, readRawBody, replayBody } from '../router.mjs';

const MAX_AGE = '3600';
const EXPOSE = 'Retry-After, WWW-Authenticate';

// An error answered as JSON by our own Auth0 routes:
// { error, error_description, ...extra } with `status` and optional headers.
export class Auth0Error extends Error {
  constructor(status, error, description, { extra, headers } = {}) {
    super(description);
    this.status = status;
    this.error = error;
    this.description = description;
    this.extra = extra;
    this.headers = headers;
  }

  get body() {
    return { error: this.error, error_description: this.description, ...this.extra };
  }
}

export function sendJson(ctx, status, body) {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  ctx.body = body;
}

function sendError(ctx, err) {
  for (const [name, value] of Object.entries(err.headers ?? {})) ctx.set(name, value);
  sendJson(ctx, err.status, err.body);
}

// Registers `handlers` ({ GET: fn, POST: fn, DELETE: fn }) for `path` on our
// router, answering CORS like oidc-provider's token endpoint: preflights for
// any origin, actual requests only from `allowedOrigins` (others get 400
// invalid_request and no Access-Control-Allow-Origin). Handlers return the
// response via sendJson() or throw Auth0Error; anything else thrown is a 500.
export function createRouteHelper({ router, allowedOrigins, log }) {
  return function route(path, handlers) {
    const methods = Object.keys(handlers);
    router.options(path, async (ctx) => {
      ctx.vary('Origin');
      ctx.set('Access-Control-Allow-Origin', ctx.get('Origin') || '*');
      ctx.set('Access-Control-Allow-Methods', methods.join(','));
      const requested = ctx.get('Access-Control-Request-Headers');
      if (requested) ctx.set('Access-Control-Allow-Headers', requested);
      ctx.set('Access-Control-Max-Age', MAX_AGE);
      ctx.status = 204;
    });
    for (const [method, handler] of Object.entries(handlers)) {
      router.add(method === 'GET' ? ['GET', 'HEAD'] : method, path, async (ctx) => {
        ctx.vary('Origin');
        ctx.state.route = `auth0${path.replaceAll('/', '.').replace(/\.:\w+/g, '')}`;
        try {
          const origin = ctx.get('Origin');
          if (origin) {
            if (!allowedOrigins.has(origin)) {
              throw new Auth0Error(400, 'invalid_request', `origin ${origin} not allowed`);
            }
            ctx.set('Access-Control-Allow-Origin', origin);
            ctx.set('Access-Control-Expose-Headers', EXPOSE);
          }
          await handler(ctx);
        } catch (err) {
          if (err instanceof Auth0Error) return sendError(ctx, err);
          const status = err.status || err.statusCode || 500;
          if (status < 500) {
            return sendError(ctx, new Auth0Error(status, 'invalid_request', err.message));
          }
          log('error', err);
          return sendError(ctx, new Auth0Error(500, 'server_error', 'oops! something went wrong'));
        }
        return undefined;
      });
    }
  };
}

// Request body (JSON or form) as a plain object; 400 for anything else.
export async function body(ctx) {
  const parsed = await readBody(ctx);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Auth0Error(400, 'invalid_request', 'the request body must be a JSON object or a form');
  }
  return parsed;
}

// The Bearer token of the Authorization header, or undefined.
export function bearer(ctx) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('Authorization'));
  return match?.[1];
}

// String parameter: JSON strings as they are, form values (the first of
// repeated ones), numbers as strings; anything else undefined.
export function str(value) {
  if (Array.isArray(value)) return str(value[0]);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

// List parameter: JSON array, repeated form values, or a space/comma
// separated string.
export function list(value) {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

// Koa middleware in front of oidc-provider (before compat.mjs):
// - `/oauth/token` (Auth0's path) is the token endpoint `tokenPath`, and `/authorize` (Auth0's,
//   where auth0-spa-js sends the browser) the authorization endpoint `authorizationPath`;
// - JSON request bodies at the token endpoint are accepted, as Auth0 does, by
//   re-encoding them as application/x-www-form-urlencoded (the only body
//   oidc-provider's token endpoint reads).
export function tokenEndpointMiddleware({ tokenPath, authorizationPath }) {
  return async function auth0TokenEndpoint(ctx, next) {
    if (ctx.path === '/oauth/token') ctx.path = tokenPath;
    if (authorizationPath && ctx.path === '/authorize') ctx.path = authorizationPath;
    if (ctx.method === 'POST' && ctx.path === tokenPath && ctx.is('application/json')) {
      const raw = await readRawBody(ctx);
      let parsed;
      try {
        parsed = raw.length ? JSON.parse(raw.toString('utf8')) : {};
      } catch {
        parsed = undefined;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        // Not a JSON object: oidc-provider answers it (invalid_request).
        replayBody(ctx, raw);
        return next();
      }
      const form = {};
      for (const [key, value] of Object.entries(parsed)) {
        if (value === undefined || value === null) continue;
        if (Array.isArray(value)) form[key] = value.map(String);
        else if (typeof value === 'object') form[key] = JSON.stringify(value);
        else form[key] = String(value);
      }
      const encoded = Buffer.from(querystring.stringify(form));
      ctx.req.headers['content-type'] = 'application/x-www-form-urlencoded';
      ctx.state.rawBody = encoded;
      replayBody(ctx, encoded);
    }
    return next();
  };
}
