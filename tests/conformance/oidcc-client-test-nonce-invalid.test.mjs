// oidcc-client-test-nonce-invalid: the ID token's nonce is not the one the client sent. OIDC Core
// §3.1.3.7 step 11: the nonce claim MUST be the value sent in the authentication request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-nonce-invalid';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refused, ERR_JWT_CLAIM_VALIDATION_FAILED on nonce; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE,
    authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'nonce', reason: 'check_failed' }));
  assert.equal(spoiled.claims.nonce, 'a-nonce-the-client-never-sent');
});
