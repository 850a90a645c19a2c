// oidcc-client-extra-expired-id-token (no module of the OpenID Foundation's plans): the ID token
// has expired. OIDC Core §3.1.3.7 step 9: "The current time MUST be before the time represented by
// the exp Claim (possibly allowing for some small leeway to account for clock skew)"; RFC 7519
// §4.1.4. The client allows `leeway` (60 s) of skew.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authError, expectRefusedLogin, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-extra-expired-id-token';
const env = useFaultyProvider(MODULE);
const expired = authError('ERR_JWT_EXPIRED', { claim: 'exp', kind: 'verification' });

test(`${MODULE}: issued now, expired 2 min before that: refused, ERR_JWT_EXPIRED; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE, expired, { iat: 'now' });
  assert.equal(spoiled.claims.exp, spoiled.claims.iat - 120);
});

// A fresh ID token whose iat is more than `leeway` away from the local clock is checked against
// that iat instead of the local clock (src/verifier.rs time_for_fresh_id_token: a device clock
// that is off must not break logins). An ID token issued 2 h ago and expired 1 h ago is then
// taken for a device clock 2 h fast, and accepted with clock_skew -7200, although the local clock
// is right and step 9 says it MUST be refused.
test(`${MODULE}: issued 2 h ago, expired 1 h ago (the local clock right): refused, ERR_JWT_EXPIRED; nothing kept`, {
  todo: 'accepted with clock_skew -7200: the server-clock rule for fresh ID tokens (time_for_fresh_id_token) lets an old, expired ID token through (OIDC Core §3.1.3.7 step 9)',
}, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE, expired);
  assert.ok(spoiled.claims.exp < Date.now() / 1000 - 3000);
});
