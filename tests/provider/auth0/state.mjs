// In-memory state of the Auth0 endpoints, one per provider instance:
// passwordless codes, "sent" messages, MFA tokens, out-of-band transactions
// and the users' MFA enrolments. reset() restores the initial state.

import { randomBytes, randomInt } from 'node:crypto';

import { initialMfaEnrolments } from './mfa-users.mjs';

const MAX_MESSAGES = 200;

export const randomHex = (bytes) => randomBytes(bytes).toString('hex');
export const randomToken = () => randomBytes(32).toString('base64url');
export const sixDigits = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function createState() {
  const state = {
    // `${connection}:${identity}` -> { code, expiresAt, attempts, send, link, clientId }
    codes: new Map(),
    // `${connection}:${identity}` -> time (ms) of the last /passwordless/start
    lastStart: new Map(),
    // messages "sent" by e-mail, SMS or voice, oldest first
    outbox: [],
    // mfa_token -> { sub, clientId, scope, resource, expiresAt }
    mfaTokens: new Map(),
    // oob_code -> out-of-band transaction (see mfa.mjs)
    oob: new Map(),
    // sub -> { authenticators: [...] } for the users who require MFA
    mfa: initialMfaEnrolments(),

    send(message) {
      const entry = { id: randomHex(8), sent_at: new Date().toISOString(), ...message };
      state.outbox.push(entry);
      if (state.outbox.length > MAX_MESSAGES) state.outbox.shift();
      return entry;
    },

    // The newest message to `to` matching `filter`.
    lastMessage(to, filter = () => true) {
      for (let i = state.outbox.length - 1; i >= 0; i -= 1) {
        const message = state.outbox[i];
        if (message.to === to && filter(message)) return message;
      }
      return undefined;
    },

    // Drops MFA tokens and transactions expired for more than `grace` ms
    // (expired transactions still answer expired_token for a while).
    purge(grace = 10 * 60 * 1000) {
      const limit = Date.now() - grace;
      for (const [k, v] of state.mfaTokens) if (v.expiresAt < limit) state.mfaTokens.delete(k);
      for (const [k, v] of state.oob) if (v.expiresAt < limit) state.oob.delete(k);
      for (const [k, v] of state.codes) if (v.expiresAt < limit) state.codes.delete(k);
    },

    reset() {
      state.codes.clear();
      state.lastStart.clear();
      state.outbox.length = 0;
      state.mfaTokens.clear();
      state.oob.clear();
      state.mfa = initialMfaEnrolments();
    },
  };
  return state;
}
