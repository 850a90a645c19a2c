// oidcc-client-extra-missing-nonce (no module of the OpenID Foundation's plans): the client sent a
// nonce and the ID token has none. OIDC Core §3.1.3.7 step 11: "If a nonce value was sent in the
// Authentication Request, a nonce Claim MUST be present".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-extra-missing-nonce';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refused, ERR_JWT_CLAIM_VALIDATION_FAILED, nonce missing; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE,
    authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'nonce', reason: 'missing' }));
  assert.equal('nonce' in spoiled.claims, false);
});
