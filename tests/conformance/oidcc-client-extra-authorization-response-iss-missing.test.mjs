// oidcc-client-extra-authorization-response-iss-missing (no module of the OpenID Foundation's
// plans for OpenID Connect clients): the authorization response has no iss. RFC 9207 §2.4: when
// the provider's metadata says authorization_response_iss_parameter_supported, a response without
// iss MUST be rejected; when it does not, the client goes on without it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, appSession, assertNothingKept, authError, authorize, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-extra-authorization-response-iss-missing';
const env = useFaultyProvider(MODULE);
const refused = authError('ERR_CALLBACK_ISSUER_MISMATCH', { kind: 'verification' });

test(`${MODULE}: announced by the provider, refused: ERR_CALLBACK_ISSUER_MISMATCH; the code is never exchanged`, async () => {
  const { op } = env;
  op.use('oidcc-client-test');
  await login(op, newClient(op));
  op.use(MODULE);
  const tokenRequests = op.count('/token', 'POST');
  const client = newClient(op);
  assert.equal((await client.discover()).authorization_response_iss_parameter_supported, true);
  const { transaction, callbackUrl } = await authorize(op, client);
  assert.equal(new URL(callbackUrl).searchParams.has('iss'), false);
  await assert.rejects(client.handleCallback(callbackUrl, transaction), refused);
  const app = appSession(op);
  await assert.rejects(app.login(), refused);
  assert.equal(op.count('/token', 'POST'), tokenRequests, 'no code exchange');
  await assertNothingKept(app);
});

test(`${MODULE}: not announced by the provider, accepted`, async () => {
  const { op } = env;
  op.use(MODULE, { announce: false });
  const client = newClient(op);
  assert.equal((await client.discover()).authorization_response_iss_parameter_supported, undefined);
  const tokens = await login(op, client);
  assert.equal(tokens.id_token_claims.sub, USER.sub);
});
