// oidcc-client-test-invalid-sig-hs256: the provider announces HS256 only and MACs the ID token
// with a key this public client has no share of (then spoils the MAC, as the OpenID Foundation's
// module does; its plans run it for confidential clients only). OIDC Core §3.1.3.7 step 8 (MAC
// algorithms use the client secret) and RFC 8725 §3.1: this client never accepts an HMAC
// algorithm, whatever the provider announces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-invalid-sig-hs256';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refused, ERR_JOSE_ALG_NOT_ALLOWED; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE, authError('ERR_JOSE_ALG_NOT_ALLOWED'));
  assert.equal(spoiled.header.alg, 'HS256');
});
