// oidcc-client-test-userinfo-invalid-sub: the userinfo response is for another sub than the ID
// token. OIDC Core §5.3.2: the sub of the UserInfo response MUST be verified to exactly match the
// ID token's; if they do not match, the UserInfo response values MUST NOT be used.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, appSession, authError, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-userinfo-invalid-sub';
const env = useFaultyProvider('oidcc-client-test');
const refused = authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'sub', reason: 'check_failed' });

test(`${MODULE}: userinfo refused, ERR_JWT_CLAIM_VALIDATION_FAILED on sub; the session is left as it was`, async () => {
  const { op } = env;
  op.use('oidcc-client-test');
  const client = newClient(op);
  const tokens = await login(op, client);
  assert.equal((await client.userinfo(tokens.access_token, tokens.id_token_claims.sub)).sub, USER.sub, 'control');
  const app = appSession(op);
  await app.login();
  const kept = structuredClone([...app.store]);

  op.use(MODULE);
  const calls = op.count('/userinfo');
  await assert.rejects(client.userinfo(tokens.access_token, tokens.id_token_claims.sub), refused);
  await assert.rejects(app.auth.getUserInfo(), refused);
  assert.equal(op.count('/userinfo'), calls + 2, 'the spoiled answer did arrive, twice');
  assert.deepEqual([...app.store], kept, 'the cached session is as it was');
  assert.equal((await app.auth.getIdTokenClaims()).sub, USER.sub);
});
