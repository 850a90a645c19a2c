// oidcc-client-test-refresh-token-invalid-sub: the ID token of a refresh response is for another
// sub than the session's. OIDC Core §12.2: "its sub Claim Value MUST be the same as in the ID
// Token issued when the original authentication occurred". The refresh is refused and the app's
// session is left as it was (none of the refused response is kept).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, appSession, authError, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-refresh-token-invalid-sub';
const env = useFaultyProvider('oidcc-client-test');
const refused = authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'sub', reason: 'check_failed', kind: 'verification' });

test(`${MODULE}: refused, ERR_JWT_CLAIM_VALIDATION_FAILED on sub; the app keeps its session as it was`, async () => {
  const { op } = env;
  op.use('oidcc-client-test');
  const client = newClient(op);
  const tokens = await login(op, client);
  const control = await client.refresh(tokens.refresh_token, undefined, undefined, USER.sub);
  const app = appSession(op);
  await app.login();
  const kept = structuredClone([...app.store]);

  op.use(MODULE);
  await assert.rejects(client.refresh(control.refresh_token, undefined, undefined, USER.sub), refused);
  assert.equal(op.idTokens.at(-1).claims.sub, 'conformance|mallory');
  await assert.rejects(app.auth.getTokenSilently({ cacheMode: 'off' }), refused);
  const spoiled = op.idTokens.at(-1);
  assert.deepEqual([...app.store], kept, 'nothing of the refused response is kept');
  assert.equal(JSON.stringify([...app.store]).includes(spoiled.accessToken), false);
  assert.equal((await app.auth.getIdTokenClaims()).sub, USER.sub);
});
