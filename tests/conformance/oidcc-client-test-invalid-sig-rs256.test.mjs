// oidcc-client-test-invalid-sig-rs256: one bit of the ID token's RS256 signature is flipped.
// OIDC Core §3.1.3.7 step 6, RFC 7515 §5.2: the signature must verify with the provider's key.
// The client checks it even for an ID token from the token endpoint (which step 6 would allow it
// to skip), with node:crypto by default and with the module's own arithmetic (crypto: 'wasm').
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-invalid-sig-rs256';
const env = useFaultyProvider(MODULE);
const refused = authError('ERR_JWS_SIGNATURE_VERIFICATION_FAILED', { kind: 'verification' });

test(`${MODULE}: refused, ERR_JWS_SIGNATURE_VERIFICATION_FAILED; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE, refused);
  assert.equal(spoiled.header.alg, 'RS256');
});

test(`${MODULE}: refused the same by the module's own RSA arithmetic (crypto: 'wasm')`, async () => {
  env.op.use(MODULE);
  await assert.rejects(login(env.op, newClient(env.op, { crypto: 'wasm' })), refused);
});
