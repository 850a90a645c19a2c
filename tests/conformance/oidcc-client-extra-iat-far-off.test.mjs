// oidcc-client-extra-iat-far-off (no module of the OpenID Foundation's plans): the ID token's iat
// is 2 h in the future, exp 1 h after it. OIDC Core §3.1.3.7 step 10: "The iat Claim can be used
// to reject tokens that were issued too far away from the current time ... The acceptable range
// is Client specific." This client checks a fresh ID token against the provider's time when it
// can read it (the token response's Date header, RFC 9110 §6.6.1; src/verifier.rs
// time_for_fresh_id_token), else against its own clock, with `leeway` (60 s) either way. Here the
// Date header says the provider's clock is right: the token is from the future, and refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appSession, authError, expectRefusedLogin, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-extra-iat-far-off';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: iat 2 h ahead of the provider's own Date: refused on iat; nothing kept`, async () => {
  const before = Math.floor(Date.now() / 1000);
  const spoiled = await expectRefusedLogin(env.op, MODULE,
    authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'iat', kind: 'verification' }));
  assert.ok(spoiled.claims.iat >= before + 7200);
});

test(`${MODULE}: iat 30 s ahead (within the 60 s leeway): accepted against the local clock, no clock_skew`, async () => {
  const { op } = env;
  op.use(MODULE, { offset: 30 });
  const tokens = await login(op, newClient(op));
  assert.equal(tokens.clock_skew, undefined);
  const app = appSession(op);
  await app.login();
  assert.equal(await app.auth.isAuthenticated(), true);
});
