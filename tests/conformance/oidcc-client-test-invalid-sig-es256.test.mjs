// oidcc-client-test-invalid-sig-es256: one bit of the ID token's ES256 signature is flipped (the
// provider announces ES256). OIDC Core §3.1.3.7 step 6, RFC 7515 §5.2, RFC 7518 §3.4.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-invalid-sig-es256';
const env = useFaultyProvider(MODULE);
const refused = authError('ERR_JWS_SIGNATURE_VERIFICATION_FAILED', { kind: 'verification' });

test(`${MODULE}: refused, ERR_JWS_SIGNATURE_VERIFICATION_FAILED; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE, refused);
  assert.equal(spoiled.header.alg, 'ES256');
});

test(`${MODULE}: refused the same by the module's own P-256 arithmetic (crypto: 'wasm')`, async () => {
  env.op.use(MODULE);
  await assert.rejects(login(env.op, newClient(env.op, { crypto: 'wasm' })), refused);
});
