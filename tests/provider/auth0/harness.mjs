// Test-only endpoints of the Auth0 features (this server only), CORS for any
// origin like ../harness.mjs:
//
//   GET  /__test/last-code?email=...|phone_number=...
//        -> { code, connection, send, link?, to, sent_at }  last passwordless code "sent"
//   GET  /__test/last-oob?email=...|phone_number=...|oob_code=...
//        -> { oob_code, oob_channel, binding_code?, ... }    last MFA out-of-band message / transaction
//   GET  /__test/outbox[?to=...]  -> { messages: [...] }   every "sent" e-mail / SMS, oldest first
//   GET  /__test/totp?secret=BASE32 -> { code }            current TOTP code of a secret
//   POST /__test/oob/approve { oob_code }  -> 204          accept a push (Guardian) transaction
//   POST /__test/oob/deny    { oob_code }  -> 204          reject it
//   POST /__test/oob/expire  { oob_code }  -> 204          expire any transaction
//   POST /__test/passwordless/expire { email | phone_number } -> 204
//                                          the last passwordless code (and its link) has expired
//   POST /__test/auth0/reset               -> 204          codes, messages, MFA tokens and
//        transactions cleared, carol and dave back to their initial MFA
//        enrolment, signed-up and passwordless users removed
//
// Unknown identities / codes answer 404 { error: "not_found", error_description }.

import { TEST_PREFIX } from '../harness.mjs';
import { readBody, sendJson } from '../router.mjs';
import { identityOf } from './passwordless.mjs';
import { totp } from './totp.mjs';

export function registerAuth0TestEndpoints(router, { state, mfa, reset }) {
  const cors = (ctx) => {
    ctx.set('Access-Control-Allow-Origin', ctx.get('Origin') || '*');
    ctx.vary('Origin');
  };
  const notFound = (ctx, description) => sendJson(ctx, 404, { error: 'not_found', error_description: description });

  // Preflights of the two-segment paths (../harness.mjs answers /__test/:name).
  router.options(`${TEST_PREFIX}/:group/:name`, async (ctx) => {
    cors(ctx);
    ctx.set('Access-Control-Allow-Methods', 'GET, POST');
    const requested = ctx.get('Access-Control-Request-Headers');
    if (requested) ctx.set('Access-Control-Allow-Headers', requested);
    ctx.status = 204;
  });

  function addressOf(query) {
    if (typeof query.email === 'string') return identityOf('email', query.email);
    if (typeof query.phone_number === 'string') return identityOf('sms', query.phone_number);
    return undefined;
  }

  router.get(`${TEST_PREFIX}/last-code`, async (ctx) => {
    cors(ctx);
    const to = addressOf(ctx.query);
    if (!to) return sendJson(ctx, 400, { error: 'invalid_request', error_description: 'email or phone_number required' });
    const message = state.lastMessage(to, (m) => m.kind === 'passwordless');
    if (!message) return notFound(ctx, `no passwordless code sent to ${to}`);
    return sendJson(ctx, 200, {
      code: message.code,
      connection: message.channel,
      send: message.send,
      ...(message.link ? { link: message.link } : {}),
      to: message.to,
      sent_at: message.sent_at,
    });
  });

  router.get(`${TEST_PREFIX}/last-oob`, async (ctx) => {
    cors(ctx);
    const oobCode = ctx.query.oob_code;
    if (typeof oobCode === 'string') {
      const tx = state.oob.get(oobCode);
      if (!tx) return notFound(ctx, 'unknown oob_code');
      return sendJson(ctx, 200, mfa.describeTransaction(tx));
    }
    const to = addressOf(ctx.query);
    if (!to) return sendJson(ctx, 400, { error: 'invalid_request', error_description: 'email, phone_number or oob_code required' });
    const message = state.lastMessage(to, (m) => m.kind === 'mfa');
    if (!message) return notFound(ctx, `no MFA message sent to ${to}`);
    return sendJson(ctx, 200, {
      oob_code: message.oob_code,
      oob_channel: message.channel,
      binding_code: message.binding_code,
      to: message.to,
      sent_at: message.sent_at,
    });
  });

  router.get(`${TEST_PREFIX}/outbox`, async (ctx) => {
    cors(ctx);
    const { to } = ctx.query;
    const messages = typeof to === 'string'
      ? state.outbox.filter((m) => m.to === to || m.to === identityOf('email', to))
      : state.outbox;
    return sendJson(ctx, 200, { messages });
  });

  router.get(`${TEST_PREFIX}/totp`, async (ctx) => {
    cors(ctx);
    try {
      return sendJson(ctx, 200, { code: totp(String(ctx.query.secret ?? '')) });
    } catch (err) {
      return sendJson(ctx, 400, { error: 'invalid_request', error_description: err.message });
    }
  });

  router.post(`${TEST_PREFIX}/oob/:decision`, async (ctx) => {
    cors(ctx);
    const { decision } = ctx.params;
    if (!['approve', 'deny', 'expire'].includes(decision)) return notFound(ctx, `unknown action ${decision}`);
    let params;
    try {
      params = await readBody(ctx);
    } catch (err) {
      return sendJson(ctx, 400, { error: 'invalid_request', error_description: err.message });
    }
    const oobCode = typeof params.oob_code === 'string' ? params.oob_code : undefined;
    if (!oobCode) return sendJson(ctx, 400, { error: 'invalid_request', error_description: 'oob_code required' });
    const { status, ...out } = mfa.decide(oobCode, decision);
    if (status === 204) {
      ctx.set('Cache-Control', 'no-store');
      ctx.status = 204;
      return undefined;
    }
    return sendJson(ctx, status, out);
  });

  router.post(`${TEST_PREFIX}/passwordless/expire`, async (ctx) => {
    cors(ctx);
    let params;
    try {
      params = await readBody(ctx);
    } catch (err) {
      return sendJson(ctx, 400, { error: 'invalid_request', error_description: err.message });
    }
    const connection = typeof params.email === 'string' ? 'email' : 'sms';
    const to = addressOf(params);
    if (!to) return sendJson(ctx, 400, { error: 'invalid_request', error_description: 'email or phone_number required' });
    const entry = state.codes.get(`${connection}:${to}`);
    if (!entry) return notFound(ctx, `no pending passwordless code for ${to}`);
    entry.expiresAt = Date.now() - 1;
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 204;
    return undefined;
  });

  router.post(`${TEST_PREFIX}/auth0/reset`, async (ctx) => {
    cors(ctx);
    reset();
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 204;
  });
}
