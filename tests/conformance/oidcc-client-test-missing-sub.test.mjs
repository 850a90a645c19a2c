// oidcc-client-test-missing-sub: the ID token has no sub. OIDC Core §2: sub is REQUIRED.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-missing-sub';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refused, ERR_JWT_CLAIM_VALIDATION_FAILED, sub missing; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE,
    authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'sub', reason: 'missing' }));
  assert.equal('sub' in spoiled.claims, false);
});
