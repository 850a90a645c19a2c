// oidcc-client-test-invalid-iss: the ID token's iss is the issuer with a trailing slash. OIDC Core
// §3.1.3.7 step 2: the issuer "MUST exactly match" the iss claim.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-invalid-iss';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refused, ERR_JWT_CLAIM_VALIDATION_FAILED on iss; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE,
    authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'iss', reason: 'check_failed', kind: 'verification' }));
  assert.equal(spoiled.claims.iss, `${env.op.issuer}/`);
});
