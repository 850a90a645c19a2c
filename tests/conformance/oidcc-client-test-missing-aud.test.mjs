// oidcc-client-test-missing-aud: the ID token has no aud. OIDC Core §2: aud is REQUIRED; §3.1.3.7
// step 3: it must contain the client id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-missing-aud';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refused, ERR_JWT_CLAIM_VALIDATION_FAILED, aud missing; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE,
    authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'aud', reason: 'missing' }));
  assert.equal('aud' in spoiled.claims, false);
});
