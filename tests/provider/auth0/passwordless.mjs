// Auth0 passwordless: POST /passwordless/start "sends" a 6-digit code (or a
// link carrying it) by e-mail or SMS; the passwordless OTP grant
// (grants.mjs) and the link (GET /passwordless/verify_redirect,
// magic-link.mjs) check it with verify() below.
//
// A code lives PASSWORDLESS_CODE_TTL seconds, is single-use, and is dropped
// after PASSWORDLESS_MAX_ATTEMPTS wrong attempts; a new start replaces it.
// Starting again for the same connection and identity within `interval`
// seconds answers 429 with Retry-After.

import {
  PASSWORDLESS_CODE_TTL,
  PASSWORDLESS_CONNECTIONS,
  PASSWORDLESS_MAX_ATTEMPTS,
} from './constants.mjs';
import { Auth0Error, body, sendJson, str } from './http.mjs';
import { nowSeconds, randomHex, sixDigits } from './state.mjs';

const ALLOWED = new Set([
  'client_id', 'client_secret', 'client_assertion', 'client_assertion_type',
  'connection', 'email', 'phone_number', 'send', 'authParams',
]);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[0-9]{1,15}$/;

// Identity key of a connection: e-mail addresses compare case-insensitively.
export function identityOf(connection, value) {
  const text = String(value ?? '').trim();
  return connection === 'email' ? text.toLowerCase() : text;
}

export function createPasswordless({ state, accounts, provider, issuer, interval }) {
  const key = (connection, identity) => `${connection}:${identity}`;

  // The user logging in with this e-mail address / phone number: an existing
  // user with it (alice, carol, a signed-up user, ...) or a new passwordless
  // user `email|<id>` / `sms|<id>`.
  function userFor(connection, identity) {
    const existing = connection === 'email' ? accounts.byEmail(identity) : accounts.byPhoneNumber(identity);
    if (existing) return existing;
    const id = randomHex(12);
    const claims = connection === 'email'
      ? {
        sub: `email|${id}`,
        name: identity,
        nickname: identity.split('@')[0],
        email: identity,
        email_verified: true,
        updated_at: nowSeconds(),
      }
      : {
        sub: `sms|${id}`,
        name: identity,
        nickname: identity,
        phone_number: identity,
        phone_number_verified: true,
        updated_at: nowSeconds(),
      };
    return accounts.addUser({ handle: id, connection, claims });
  }

  // Checks (and spends) a code; throws invalid_grant like Auth0 otherwise.
  function verify({ connection, username, otp, clientId }) {
    const identity = identityOf(connection, username);
    const k = key(connection, identity);
    const entry = state.codes.get(k);
    const wrong = new Auth0Error(403, 'invalid_grant', connection === 'email'
      ? 'Wrong email or verification code.'
      : 'Wrong phone number or verification code.');
    if (!entry || entry.expiresAt <= Date.now() || entry.clientId !== clientId) throw wrong;
    if (String(otp ?? '').trim() !== entry.code) {
      entry.attempts += 1;
      if (entry.attempts >= PASSWORDLESS_MAX_ATTEMPTS) state.codes.delete(k);
      throw wrong;
    }
    state.codes.delete(k);
    return userFor(connection, identity);
  }

  function register(route) {
    route('/passwordless/start', {
      POST: async (ctx) => {
        const params = await body(ctx);
        const unknown = Object.keys(params).filter((k) => !ALLOWED.has(k) && !k.startsWith('authParams['));
        if (unknown.length) {
          throw new Auth0Error(400, 'bad.request', `the following properties are not allowed: ${unknown.join(', ')}`);
        }

        const clientId = str(params.client_id);
        if (!clientId) throw new Auth0Error(400, 'bad.client_id', 'Missing required property: client_id');
        const client = await provider.Client.find(clientId);
        if (!client) throw new Auth0Error(400, 'bad.client_id', `Unknown client: ${clientId}`);

        const connection = str(params.connection);
        if (!connection) throw new Auth0Error(400, 'bad.connection', 'Missing required property: connection');
        if (!PASSWORDLESS_CONNECTIONS.includes(connection)) {
          throw new Auth0Error(400, 'bad.connection', 'Connection does not exist');
        }

        const send = str(params.send) ?? (connection === 'email' ? 'link' : 'code');
        if (send !== 'link' && send !== 'code') {
          throw new Auth0Error(400, 'bad.send', 'send must be one of: link, code');
        }
        if (connection === 'sms' && send !== 'code') {
          throw new Auth0Error(400, 'bad.send', 'Only send=code is supported for the sms connection');
        }

        let authParams = {};
        if (params.authParams !== undefined) {
          if (params.authParams === null || typeof params.authParams !== 'object' || Array.isArray(params.authParams)) {
            throw new Auth0Error(400, 'bad.authParams', `error in authParams - invalid type: ${Array.isArray(params.authParams) ? 'array' : typeof params.authParams} (expected object)`);
          }
          authParams = params.authParams;
        }
        for (const [k, v] of Object.entries(params)) {
          const m = /^authParams\[(.+)\]$/.exec(k);
          if (m) authParams[m[1]] = str(v);
        }

        let identity;
        if (connection === 'email') {
          const email = str(params.email);
          if (!email) throw new Auth0Error(400, 'bad.email', 'Missing required property: email');
          if (!EMAIL.test(email.trim())) throw new Auth0Error(400, 'bad.email', `Object didn't pass validation for format email: ${email}`);
          identity = identityOf('email', email);
        } else {
          const phone = str(params.phone_number);
          if (!phone) throw new Auth0Error(400, 'bad.phone_number', 'Missing required property: phone_number');
          if (!E164.test(phone.trim())) throw new Auth0Error(400, 'bad.phone_number', 'String does not match pattern: ^\\+[0-9]{1,15}$');
          identity = identityOf('sms', phone);
        }

        const k = key(connection, identity);
        const now = Date.now();
        const last = state.lastStart.get(k);
        if (last !== undefined && now - last < interval * 1000) {
          const retryAfter = Math.max(1, Math.ceil((last + interval * 1000 - now) / 1000));
          throw new Auth0Error(429, 'too_many_requests', `Too many requests for this ${connection === 'email' ? 'email' : 'phone number'}. Try again in ${retryAfter} seconds.`, {
            headers: { 'Retry-After': String(retryAfter) },
          });
        }
        state.lastStart.set(k, now);

        const code = sixDigits();
        let link;
        if (send === 'link') {
          const query = new URLSearchParams({
            scope: 'openid',
            response_type: 'code',
            ...Object.fromEntries(Object.entries(authParams).filter(([, v]) => typeof v === 'string')),
            verification_code: code,
            connection,
            client_id: clientId,
            email: identity,
          });
          link = `${issuer}/passwordless/verify_redirect?${query}`;
        }
        state.codes.set(k, {
          code,
          clientId,
          send,
          expiresAt: now + PASSWORDLESS_CODE_TTL * 1000,
          attempts: 0,
        });
        state.send({ kind: 'passwordless', channel: connection, to: identity, code, send, ...(link ? { link } : {}) });

        const user = connection === 'email' ? accounts.byEmail(identity) : accounts.byPhoneNumber(identity);
        const id = randomHex(12);
        if (connection === 'email') {
          sendJson(ctx, 200, { _id: id, email: identity, email_verified: Boolean(user?.claims.email_verified) });
        } else {
          sendJson(ctx, 200, {
            _id: id,
            phone_number: identity,
            phone_verified: Boolean(user?.claims.phone_number_verified),
            request_language: null,
          });
        }
      },
    });
  }

  return { register, verify };
}
