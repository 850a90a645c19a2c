// oidcc-client-test-signing-key-rotation: after a first login, the provider replaces its signing
// key: the JWKS holds a new kid, the old one is gone, and the next ID token is signed with the new
// key. OIDC Core §10.1.1: a client that meets an unknown kid refetches the jwks_uri. This client
// refetches on an unknown kid at most once every 30 s per client (the cooldown of panva/jose's
// remote JWK Set, so tokens with made-up kids cannot flood the provider): within it the login is
// refused with ERR_JWKS_NO_MATCHING_KEY; after it, the keys are fetched again and the login passes.
// The cooldown is crossed by moving the clock, not by waiting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, advanceClock, appSession, authError, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-signing-key-rotation';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: the new kid is fetched and the next login passes (after the 30 s refetch cooldown)`, async (t) => {
  const { op } = env;
  const client = newClient(op);
  const first = await login(op, client);
  assert.equal(op.idTokens.at(-1).header.kid, 'rsa-1');
  assert.equal(op.count('/jwks'), 1);

  const kid = await op.rotateKeys();
  assert.notEqual(kid, 'rsa-1');
  await assert.rejects(login(op, client), authError('ERR_JWKS_NO_MATCHING_KEY', { kind: 'verification' }),
    'within the cooldown the held keys are used as they are');
  assert.equal(op.count('/jwks'), 1, 'no refetch within the cooldown');

  const restore = advanceClock(31);
  t.after(restore);
  const second = await login(op, client);
  assert.equal(op.idTokens.at(-1).header.kid, kid);
  assert.equal(op.count('/jwks'), 2, 'refetched for the unknown kid');
  assert.equal(second.id_token_claims.sub, first.id_token_claims.sub);
  restore();
});

test(`${MODULE}: a client that starts after the rotation (a new page) fetches the new keys at once`, async () => {
  const { op } = env;
  const kid = await op.rotateKeys();
  const tokens = await login(op, newClient(op));
  assert.equal(op.idTokens.at(-1).header.kid, kid);
  assert.equal(tokens.id_token_claims.sub, USER.sub);
  const app = appSession(op);
  await app.login();
  assert.equal(await app.auth.isAuthenticated(), true);
});
