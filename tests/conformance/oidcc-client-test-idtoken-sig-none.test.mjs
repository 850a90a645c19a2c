// oidcc-client-test-idtoken-sig-none: the ID token is unsigned (alg none) while the provider
// announces RS256 only and the client never registered none. OIDC Core §3.1.3.7 step 7: the alg
// must be the one expected (RS256 by default); RFC 8725 §3.1: never accept none unless asked for.
// The OpenID Foundation's module lets a client accept or refuse; this client refuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-idtoken-sig-none';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refused, ERR_JOSE_ALG_NOT_ALLOWED; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE, authError('ERR_JOSE_ALG_NOT_ALLOWED', { kind: 'verification' }));
  assert.equal(spoiled.header.alg, 'none');
  assert.equal(spoiled.token.endsWith('.'), true, 'an Unsecured JWT (RFC 7519 §6.1)');
});
