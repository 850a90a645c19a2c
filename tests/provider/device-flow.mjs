// Device authorization grant (RFC 8628) pacing, which oidc-provider leaves
// to the deployment: its device authorization response has no `interval`
// and its device_code grant never answers `slow_down`.
//
// - The device authorization response carries `interval` (seconds).
// - A poll of a pending device code sooner than `interval` seconds after the
//   previous poll of the same code answers 400 { error: "slow_down" }
//   (RFC 8628 §3.5), and from then on the code's interval is 5 seconds
//   longer, as the client's must be. Polls of a code that is approved,
//   denied, expired, unknown or of another client are not paced: they get
//   oidc-provider's own answer. A margin of TOLERANCE_MS absorbs timers that
//   fire a little early.
// - Test hooks: every poll is logged per device code, and the next poll of a
//   code can be made to answer slow_down whatever its timing:
//
//   GET  /__test/device?user_code=...   -> { user_code, interval, slow_down_pending,
//                                            polls: [{ at, result }] }   (at: ms since the epoch;
//                                            result: "ok" or the error code)
//   POST /__test/device/slow_down { user_code }  -> 204   the next poll answers slow_down
//
//   Unknown user codes: 404 { error: "not_found" }.

// oidc-provider keeps its grant handlers internal (see auth0/grants.mjs).
import instance from 'oidc-provider/lib/helpers/weak_cache.js';

import { TEST_PREFIX } from './harness.mjs';
import { DEVICE_CODE_GRANT } from './provider-config.mjs';
import { readBody, sendJson } from './router.mjs';

export const SLOW_DOWN_INCREMENT = 5;
export const TOLERANCE_MS = 25;
const MAX_CODES = 200;

const normalizeUserCode = (userCode) => String(userCode ?? '').toUpperCase().replace(/\W/g, '');

export function createDeviceFlow({ provider, errors, interval = 5 }) {
  if (!Number.isFinite(interval) || interval < 0) throw new TypeError('deviceInterval must be a number of seconds >= 0');
  const handlers = instance(provider).grantTypeHandlers;
  const original = handlers?.get(DEVICE_CODE_GRANT);
  if (typeof original !== 'function') {
    throw new Error('oidc-provider internals changed: device-flow.mjs needs the device_code grant handler');
  }

  // device code jti -> { userCode, interval, lastPollAt, forceSlowDown, polls }
  const codes = new Map();
  // normalized user code -> device code jti
  const byUserCode = new Map();

  function remember(jti, userCode) {
    codes.set(jti, { userCode, interval, lastPollAt: undefined, forceSlowDown: 0, polls: [] });
    byUserCode.set(userCode, jti);
    while (codes.size > MAX_CODES) {
      const [oldest, entry] = codes.entries().next().value;
      codes.delete(oldest);
      byUserCode.delete(entry.userCode);
    }
  }

  provider.on('device_authorization.success', (ctx, body) => {
    body.interval = interval;
    const dc = ctx.oidc.entities.DeviceCode;
    if (dc?.jti) remember(dc.jti, normalizeUserCode(body.user_code));
  });

  handlers.set(DEVICE_CODE_GRANT, async (ctx) => {
    const value = ctx.oidc.params.device_code;
    const code = value ? await provider.DeviceCode.find(value, { ignoreExpiration: true }) : undefined;
    const entry = code && code.clientId === ctx.oidc.client.clientId ? codes.get(code.jti) : undefined;
    const record = (result) => entry?.polls.push({ at: Date.now(), result });

    if (entry && !code.isExpired && !code.accountId && !code.error) {
      const now = Date.now();
      const tooSoon = entry.lastPollAt !== undefined && now - entry.lastPollAt < entry.interval * 1000 - TOLERANCE_MS;
      entry.lastPollAt = now;
      if (tooSoon || entry.forceSlowDown > 0) {
        entry.forceSlowDown = Math.max(0, entry.forceSlowDown - 1);
        entry.interval += SLOW_DOWN_INCREMENT;
        record('slow_down');
        throw new errors.SlowDown(`polled sooner than the interval: wait ${entry.interval} seconds between polls`);
      }
    } else if (entry) {
      entry.lastPollAt = Date.now();
    }

    try {
      await original(ctx);
    } catch (err) {
      record(err.error ?? 'server_error');
      throw err;
    }
    record('ok');
  });

  function lookup(userCode) {
    const jti = byUserCode.get(normalizeUserCode(userCode));
    return jti ? codes.get(jti) : undefined;
  }

  function describe(entry) {
    return {
      user_code: entry.userCode,
      interval: entry.interval,
      slow_down_pending: entry.forceSlowDown,
      polls: entry.polls.map((p) => ({ ...p })),
    };
  }

  function registerTestEndpoints(router) {
    const cors = (ctx) => {
      ctx.set('Access-Control-Allow-Origin', ctx.get('Origin') || '*');
      ctx.vary('Origin');
    };
    const notFound = (ctx) => sendJson(ctx, 404, { error: 'not_found', error_description: 'unknown user_code' });

    router.get(`${TEST_PREFIX}/device`, async (ctx) => {
      cors(ctx);
      const entry = lookup(ctx.query.user_code);
      if (!entry) return notFound(ctx);
      return sendJson(ctx, 200, describe(entry));
    });

    router.post(`${TEST_PREFIX}/device/slow_down`, async (ctx) => {
      cors(ctx);
      const params = await readBody(ctx);
      const entry = lookup(params?.user_code);
      if (!entry) return notFound(ctx);
      entry.forceSlowDown += 1;
      ctx.set('Cache-Control', 'no-store');
      ctx.status = 204;
      return undefined;
    });
  }

  return {
    registerTestEndpoints,
    testApi: {
      // { user_code, interval, slow_down_pending, polls } of a device code, or undefined.
      polls: (userCode) => {
        const entry = lookup(userCode);
        return entry ? describe(entry) : undefined;
      },
      // The next poll of that device code answers slow_down; false if unknown.
      slowDown: (userCode) => {
        const entry = lookup(userCode);
        if (entry) entry.forceSlowDown += 1;
        return Boolean(entry);
      },
    },
  };
}
