// oidcc-client-test-invalid-chash: the ID token carries a c_hash that is not the code's hash. The
// OpenID Foundation runs this module for the hybrid flow only: c_hash binds the code to an ID
// token that comes from the authorization endpoint (OIDC Core §3.3.2.11); this client uses the
// code flow only (response_type=code), where the code never travels with an ID token and c_hash
// means nothing (§3.1.3.6 does not define it). Not applicable: the client does not read c_hash and
// the login passes. (Its counterpart oidcc-client-test-missing-chash is not applicable either.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, authorize, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-invalid-chash';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: not applicable to the code flow (response_type=code only): accepted`, async () => {
  const { op } = env;
  const client = newClient(op);
  const { url, transaction, callbackUrl } = await authorize(op, client);
  assert.equal(new URL(url).searchParams.get('response_type'), 'code');
  const tokens = await client.handleCallback(callbackUrl, transaction);
  assert.equal(tokens.id_token_claims.c_hash, 'qI-kgLMb6bhvRB53sY7N-w');
  assert.equal(tokens.id_token_claims.sub, USER.sub);
});
