// oidcc-client-extra-authorization-response-iss-wrong (no module of the OpenID Foundation's plans
// for OpenID Connect clients): the authorization response carries another issuer's iss, as in a
// mix-up attack. RFC 9207 §2.4: the client MUST compare iss with the issuer it sent the request to
// and MUST reject the response when they differ, before the code is used.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appSession, assertNothingKept, authError, authorize, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-extra-authorization-response-iss-wrong';
const env = useFaultyProvider(MODULE);
const refused = authError('ERR_CALLBACK_ISSUER_MISMATCH', { kind: 'verification' });

test(`${MODULE}: refused, ERR_CALLBACK_ISSUER_MISMATCH; the code is never exchanged, nothing kept`, async () => {
  const { op } = env;
  op.use('oidcc-client-test');
  await login(op, newClient(op));
  op.use(MODULE);
  const tokenRequests = op.count('/token', 'POST');
  const client = newClient(op);
  const { transaction, callbackUrl } = await authorize(op, client);
  assert.equal(new URL(callbackUrl).searchParams.get('iss'), 'https://attacker.example');
  await assert.rejects(client.handleCallback(callbackUrl, transaction), refused);
  const app = appSession(op);
  await assert.rejects(app.login(), refused);
  assert.equal(op.count('/token', 'POST'), tokenRequests, 'no code exchange');
  await assertNothingKept(app);
});
