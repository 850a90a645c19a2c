// oidcc-client-test-missing-iat: the ID token has no iat. OIDC Core §2: iat is REQUIRED.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-missing-iat';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refused, ERR_JWT_CLAIM_VALIDATION_FAILED, iat missing; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE,
    authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'iat', reason: 'missing' }));
  assert.equal('iat' in spoiled.claims, false);
});
