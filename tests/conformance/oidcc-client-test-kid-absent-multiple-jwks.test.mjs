// oidcc-client-test-kid-absent-multiple-jwks: the ID token has no kid and the JWKS holds two RSA
// keys without kid. OIDC Core §10.1: when the JWK Set has several keys, "a kid value MUST be
// provided in the JOSE Header". The OpenID Foundation's module lets a client try each key or
// refuse; this client refuses rather than guess: ERR_JWKS_MULTIPLE_MATCHING_KEYS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-kid-absent-multiple-jwks';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refused, ERR_JWKS_MULTIPLE_MATCHING_KEYS; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE, authError('ERR_JWKS_MULTIPLE_MATCHING_KEYS', { kind: 'verification' }));
  assert.equal('kid' in spoiled.header, false);
  const jwks = await (await fetch(`${env.op.issuer}/jwks`)).json();
  assert.deepEqual(jwks.keys.map((k) => [k.kty, 'kid' in k]), [['RSA', false], ['RSA', false]]);
});
