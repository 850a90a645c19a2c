// oidcc-client-test-signing-key-rotation-just-before-signing: the provider replaces its signing
// key right before it signs each ID token, so every ID token has a kid the client has not seen.
// OIDC Core §10.1.1: the client refetches the jwks_uri for an unknown kid. The first login passes
// (the client fetches the keys when its first ID token arrives); a later one, once the 30 s
// refetch cooldown has passed (the clock moved, not waited for), refetches and passes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, advanceClock, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-signing-key-rotation-just-before-signing';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: every ID token has a new kid; the client refetches and passes`, async (t) => {
  const { op } = env;
  const client = newClient(op);
  const first = await login(op, client);
  const kid1 = op.idTokens.at(-1).header.kid;
  assert.notEqual(kid1, 'rsa-1', 'rotated before the first signature');
  assert.equal(first.id_token_claims.sub, USER.sub);
  assert.equal(op.count('/jwks'), 1);

  const restore = advanceClock(31);
  t.after(restore);
  const second = await login(op, client);
  const kid2 = op.idTokens.at(-1).header.kid;
  assert.notEqual(kid2, kid1);
  assert.equal(op.count('/jwks'), 2);
  assert.equal(second.id_token_claims.sub, USER.sub);
  restore();
});
