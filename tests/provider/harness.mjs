// Test-only endpoints under /__test/ (this server only, never part of a real
// provider):
//
//   GET  /__test/stats   JSON of the request counters (see stats.mjs)
//   POST /__test/reset   zero the counters, answers 204
//
// They answer CORS for any origin so a page under test can call them too.

import { sendJson } from './router.mjs';

export const TEST_PREFIX = '/__test';

export function registerTestEndpoints(router, { stats, reset }) {
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

  router.post(`${TEST_PREFIX}/reset`, async (ctx) => {
    cors(ctx);
    reset();
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 204;
  });
}
