// oidcc-client-test-invalid-aud: the ID token's aud names another client. OIDC Core §3.1.3.7
// step 3: the client MUST reject an ID token that does not list it as an audience.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-invalid-aud';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refused, ERR_JWT_CLAIM_VALIDATION_FAILED on aud; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE,
    authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'aud', reason: 'check_failed', kind: 'verification' }));
  assert.equal(spoiled.claims.aud, 'another-client');
});
