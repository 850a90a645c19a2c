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

// A device clock that is off must not break logins, so a fresh ID token is checked against the
// provider's time when it differs from the local clock (src/verifier.rs time_for_fresh_id_token).
// That time is the token response's Date header (RFC 9110 §6.6.1), readable here: the token's own
// iat does not decide, and an ID token issued 2 h ago and expired 1 h ago is refused.
test(`${MODULE}: issued 2 h ago, expired 1 h ago (the local clock right): refused, ERR_JWT_EXPIRED; nothing kept`, async () => {
  const spoiled = await expectRefusedLogin(env.op, MODULE, expired);
  assert.ok(spoiled.claims.exp < Date.now() / 1000 - 3000);
});
