// oidcc-client-extra-iat-far-off (no module of the OpenID Foundation's plans): the ID token's iat
// is 2 h in the future, exp 1 h after it. OIDC Core §3.1.3.7 step 10: "The iat Claim can be used
// to reject tokens that were issued too far away from the current time ... The acceptable range
// is Client specific." This client's range for a fresh ID token from the token endpoint is
// unbounded: it takes a distant iat for its own clock being off, checks the token against the
// provider's time, and reports the difference as clock_skew (src/verifier.rs
// time_for_fresh_id_token). Accepted, with clock_skew 7200.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, appSession, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-extra-iat-far-off';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: iat 2 h ahead: accepted against the provider's time, clock_skew 7200`, async () => {
  const { op } = env;
  const before = Math.floor(Date.now() / 1000);
  const tokens = await login(op, newClient(op));
  const { claims } = op.idTokens.at(-1);
  assert.ok(claims.iat >= before + 7200);
  assert.equal(tokens.id_token_claims.iat, claims.iat);
  assert.equal(tokens.id_token_claims.sub, USER.sub);
  // iat - the local time when it was checked: 7200, or 7199 when a second ticked in between.
  assert.ok([7199, 7200].includes(tokens.clock_skew), `clock_skew ${tokens.clock_skew}`);
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
