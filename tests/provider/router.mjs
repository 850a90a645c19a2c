// A minimal Koa router plus request-body helpers. Routes registered here are
// mounted in front of oidc-provider's own routes (see server.mjs), so feature
// modules (interactions, test endpoints, ...) each take the router and add
// their paths to it.

import * as querystring from 'node:querystring';
import { Readable } from 'node:stream';

const BODY_LIMIT = 64 * 1024;

function compile(pattern) {
  const keys = [];
  const source = pattern
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        keys.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { keys, regex: new RegExp(`^${source}/?$`) };
}

export function createRouter() {
  const routes = [];

  const router = {
    add(methods, pattern, handler) {
      const { keys, regex } = compile(pattern);
      routes.push({ methods: new Set([methods].flat().map((m) => m.toUpperCase())), keys, regex, handler });
      return router;
    },
    get(pattern, handler) {
      return router.add(['GET', 'HEAD'], pattern, handler);
    },
    post(pattern, handler) {
      return router.add('POST', pattern, handler);
    },
    options(pattern, handler) {
      return router.add('OPTIONS', pattern, handler);
    },
    routes() {
      return routes.map(({ methods, regex }) => ({ methods: [...methods], regex }));
    },
    middleware() {
      return async function routerMiddleware(ctx, next) {
        let pathMatched = false;
        for (const route of routes) {
          const match = route.regex.exec(ctx.path);
          if (!match) continue;
          pathMatched = true;
          if (!route.methods.has(ctx.method)) continue;
          ctx.params = Object.fromEntries(
            route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1])]),
          );
          return route.handler(ctx, next);
        }
        if (pathMatched) {
          ctx.status = 405;
          ctx.body = { error: 'method_not_allowed' };
          return undefined;
        }
        return next();
      };
    },
  };

  return router;
}

// Reads the raw request body (once; the result is cached on ctx.state).
export async function readRawBody(ctx) {
  if (ctx.state.rawBody !== undefined) return ctx.state.rawBody;
  const chunks = [];
  let received = 0;
  for await (const chunk of ctx.req) {
    received += chunk.length;
    if (received > BODY_LIMIT) ctx.throw(413, 'request entity too large');
    chunks.push(chunk);
  }
  ctx.state.rawBody = Buffer.concat(chunks, received);
  return ctx.state.rawBody;
}

// Parses an application/x-www-form-urlencoded or application/json body.
export async function readBody(ctx) {
  if (ctx.state.body !== undefined) return ctx.state.body;
  const raw = await readRawBody(ctx);
  let body = {};
  if (raw.length) {
    if (ctx.is('application/json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        ctx.throw(400, 'invalid JSON body');
      }
    } else {
      body = { ...querystring.parse(raw.toString('utf8')) };
    }
  }
  ctx.state.body = body;
  return body;
}

// After readRawBody() consumed the request stream, makes a (possibly
// rewritten) body readable again for downstream middleware such as
// oidc-provider's own body parser.
export function replayBody(ctx, buffer) {
  const { req } = ctx;
  const replay = Readable.from([buffer]);
  Object.defineProperty(req, 'readable', { configurable: true, get: () => replay.readable });
  req.iterator = (options) => replay.iterator(options);
  req[Symbol.asyncIterator] = () => replay[Symbol.asyncIterator]();
  req.headers['content-length'] = String(buffer.length);
  delete req.headers['transfer-encoding'];
}

export function sendJson(ctx, status, body) {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}
