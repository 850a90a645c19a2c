// oidcc-client-test-missing-athash: the ID token has no at_hash. The OpenID Foundation runs this
// module for response types that return an access token with the ID token from the authorization
// endpoint (where at_hash is REQUIRED, OIDC Core §3.2.2.10); the client uses the code flow only,
// where at_hash is OPTIONAL (§3.1.3.6): not applicable, and the login passes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, appSession, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-missing-athash';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: not applicable to the code flow: accepted`, async () => {
  const { op } = env;
  const tokens = await login(op, newClient(op));
  assert.equal('at_hash' in op.idTokens.at(-1).claims, false);
  assert.equal(tokens.id_token_claims.sub, USER.sub);
  const app = appSession(op);
  await app.login();
  assert.equal(await app.auth.isAuthenticated(), true);
});
