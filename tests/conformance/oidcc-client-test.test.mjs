// oidcc-client-test: a correct provider. The client's requests are what the provider requires
// (OIDC Core §3.1.2.1: openid scope, nonce; RFC 7636 / RFC 9700 §2.1.1: PKCE S256; RFC 9207: iss
// back), the login passes, userinfo is called with the Bearer header (RFC 6750 §2.1). It is also
// the control of every other module: the same steps, no fault.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, appSession, authorize, login, newClient, useFaultyProvider } from './harness.mjs';

const env = useFaultyProvider('oidcc-client-test');

test('oidcc-client-test: the authorization request carries state, nonce and PKCE S256; the login passes', async () => {
  const { op } = env;
  const client = newClient(op);
  const { url, transaction, callbackUrl } = await authorize(op, client);
  const q = new URL(url).searchParams;
  assert.equal(q.get('response_type'), 'code');
  assert.ok(q.get('scope').split(' ').includes('openid'));
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.ok(q.get('state') && q.get('nonce') && q.get('code_challenge'));
  assert.equal(new URL(callbackUrl).searchParams.get('iss'), op.issuer);

  const tokens = await client.handleCallback(callbackUrl, transaction);
  assert.equal(tokens.id_token, op.idTokens.at(-1).token);
  assert.equal(tokens.id_token_claims.sub, USER.sub);
  assert.equal(tokens.id_token_claims.nonce, q.get('nonce'));
  assert.equal(tokens.clock_skew, undefined);
  const info = await client.userinfo(tokens.access_token, tokens.id_token_claims.sub);
  assert.equal(info.email, USER.email);
  assert.equal(op.count('/token', 'POST'), 1);
});

test('oidcc-client-test: the app session keeps the verified user and its tokens', async () => {
  const { op } = env;
  const app = appSession(op);
  await app.login();
  assert.equal(await app.auth.isAuthenticated(), true);
  assert.equal((await app.auth.getUser()).email, USER.email);
  const [entry] = app.entries();
  assert.equal(entry.id_token, op.idTokens.at(-1).token);
  assert.equal((await app.auth.getUserInfo()).sub, USER.sub);
  // The same login with a second client (nothing cached between them) passes again.
  assert.equal((await login(op, newClient(op))).id_token_claims.sub, USER.sub);
});
