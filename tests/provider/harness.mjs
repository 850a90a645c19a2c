// Test-only endpoints under /__test/ (this server only, never part of a real
// provider):
//
//   GET  /__test/stats   JSON of the request counters (see stats.mjs)
//   POST /__test/reset   zero the counters, answers 204
//   POST /__test/sign    JSON { header, payload } -> { token }: a JWS signed with the
//                        provider's own key for header.alg (RS256 or ES256), the key's kid
//                        unless the header sets one (null: no kid). For tests of token
//                        verification with claims a real flow would not produce.
//   GET  /__test/slow?ms=N  answers an empty JWKS after N ms (at most 30000), or never when
//                        the client gives up first: an endpoint that hangs, for timeouts.
//
// They answer CORS for any origin so a page under test can call them too.

import { CompactSign, importJWK } from 'jose';
import { readBody, sendJson } from './router.mjs';

export const TEST_PREFIX = '/__test';

export function registerTestEndpoints(router, { stats, reset, signingKeys = [] }) {
  const cors = (ctx) => {
    ctx.set('Access-Control-Allow-Origin', ctx.get('Origin') || '*');
    ctx.vary('Origin');
  };

  router.options(`${TEST_PREFIX}/:name`, async (ctx) => {
    cors(ctx);
    ctx.set('Access-Control-Allow-Methods', 'GET, POST');
    const requested = ctx.get('Access-Control-Request-Headers');
    if (requested) ctx.set('Access-Control-Allow-Headers', requested);
    ctx.status = 204;
  });

  router.get(`${TEST_PREFIX}/stats`, async (ctx) => {
    cors(ctx);
    sendJson(ctx, 200, stats);
  });

  router.get(`${TEST_PREFIX}/slow`, async (ctx) => {
    cors(ctx);
    const ms = Math.min(Number(ctx.query.ms) || 0, 30000);
    const gone = await new Promise((done) => {
      const timer = setTimeout(() => done(false), ms);
      ctx.res.once('close', () => { clearTimeout(timer); done(true); });
    });
    if (gone) return;
    ctx.set('Cache-Control', 'no-store');
    sendJson(ctx, 200, { keys: [] });
  });

  router.post(`${TEST_PREFIX}/reset`, async (ctx) => {
    cors(ctx);
    reset();
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 204;
  });

  router.post(`${TEST_PREFIX}/sign`, async (ctx) => {
    cors(ctx);
    const { header = {}, payload = {} } = await readBody(ctx);
    const alg = header.alg ?? 'RS256';
    const jwk = signingKeys.find((k) => k.alg === alg);
    if (!jwk) ctx.throw(400, `no signing key for alg ${alg}`);
    const protectedHeader = { ...header, alg };
    if (!('kid' in header)) protectedHeader.kid = jwk.kid;
    if (protectedHeader.kid === null) delete protectedHeader.kid;
    const key = await importJWK(jwk, alg);
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const token = await new CompactSign(new TextEncoder().encode(body)).setProtectedHeader(protectedHeader).sign(key);
    ctx.set('Cache-Control', 'no-store');
    sendJson(ctx, 200, { token });
  });
}
