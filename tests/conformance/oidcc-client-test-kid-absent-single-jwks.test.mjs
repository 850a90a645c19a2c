// oidcc-client-test-kid-absent-single-jwks: neither the ID token nor the provider's RSA key has a
// kid; the JWKS also holds an EC key (with a kid). OIDC Core §10.1: without kid, the key is the
// one that can be used (RFC 7515 §4.1.4: kid is OPTIONAL). The single RS256 candidate verifies:
// the login passes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, appSession, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-kid-absent-single-jwks';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: accepted with the one RS256 key of the set`, async () => {
  const { op } = env;
  const tokens = await login(op, newClient(op));
  assert.equal(tokens.id_token_claims.sub, USER.sub);
  const issued = op.idTokens.at(-1);
  assert.equal(tokens.id_token, issued.token);
  assert.equal('kid' in issued.header, false);
  const jwks = await (await fetch(`${op.issuer}/jwks`)).json();
  assert.deepEqual(jwks.keys.map((k) => [k.kty, 'kid' in k]), [['RSA', false], ['EC', true]]);
  const app = appSession(op);
  await app.login();
  assert.equal((await app.auth.getUser()).email, USER.email);
});
