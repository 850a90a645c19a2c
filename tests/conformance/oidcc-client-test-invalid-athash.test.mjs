// oidcc-client-test-invalid-athash: the ID token's at_hash is not the hash of the access token
// that came with it. The OpenID Foundation runs this module for the implicit and hybrid flows only
// (at_hash from the authorization endpoint, OIDC Core §3.2.2.9, §3.3.2.11); in the code flow an
// at_hash from the token endpoint is OPTIONAL and "MAY" be checked (§3.1.3.8). This client checks
// it whenever it is present, so a code-flow login with a wrong one is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';
import { atHash } from '../provider/faulty-provider.mjs';

const MODULE = 'oidcc-client-test-invalid-athash';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refused, ERR_JWT_CLAIM_VALIDATION_FAILED on at_hash; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE, authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'at_hash', reason: 'check_failed' }));
  assert.notEqual(spoiled.claims.at_hash, atHash(spoiled.accessToken));
  assert.equal(spoiled.claims.at_hash.length, atHash(spoiled.accessToken).length, 'as long as a real one');
});
