// oidcc-client-test-refresh-token-invalid-issuer: the ID token of a refresh response has another
// iss. OIDC Core §12.2: "its iss Claim Value MUST be the same as in the ID Token issued when the
// original authentication occurred" (and §3.1.3.7 step 2). The refresh is refused and the app's
// session is left as it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, appSession, authError, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-refresh-token-invalid-issuer';
const env = useFaultyProvider('oidcc-client-test');
const refused = authError('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'iss', reason: 'check_failed', kind: 'verification' });

test(`${MODULE}: refused, ERR_JWT_CLAIM_VALIDATION_FAILED on iss; the app keeps its session as it was`, async () => {
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
  assert.equal(op.idTokens.at(-1).claims.iss, 'https://attacker.example');
  await assert.rejects(app.auth.getTokenSilently({ cacheMode: 'off' }), refused);
  assert.deepEqual([...app.store], kept, 'nothing of the refused response is kept');
  assert.equal(await app.auth.isAuthenticated(), true);
});
