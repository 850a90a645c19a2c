// oidcc-client-test-discovery-issuer-mismatch: the discovery document names another issuer than
// the one it was fetched for. OIDC Discovery §4.3: the issuer value returned MUST be identical to
// the issuer URL used to fetch it; if not, the document MUST NOT be used. The client stops before
// any authorization request (the OpenID Foundation's module fails a client that goes on).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appSession, assertNothingKept, authError, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-discovery-issuer-mismatch';
const env = useFaultyProvider(MODULE);
const refused = authError('ERR_DISCOVERY_ISSUER_MISMATCH', { kind: 'protocol' });

test(`${MODULE}: refused, ERR_DISCOVERY_ISSUER_MISMATCH; no authorization request, nothing kept`, async () => {
  const { op } = env;
  op.use('oidcc-client-test');
  assert.equal((await newClient(op).discover()).issuer, op.issuer, 'control');

  op.use(MODULE);
  const client = newClient(op);
  await assert.rejects(client.discover(), refused);
  await assert.rejects(client.buildAuthorizeUrl(), refused);
  const app = appSession(op);
  let opened = null;
  await assert.rejects(app.auth.loginWithRedirect({ openUrl: (u) => { opened = u; } }), refused);
  assert.equal(opened, null, 'the app was not sent to the provider');
  assert.equal(op.count('/authorize'), 0);
  assert.equal(op.count('/jwks'), 0);
  await assertNothingKept(app);
});
