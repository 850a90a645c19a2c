// oidcc-client-test-rp-init-logout: RP-initiated logout. OIDC RP-Initiated Logout §2: the client
// sends the browser to the end_session_endpoint with id_token_hint (the session's ID token),
// client_id and post_logout_redirect_uri; §3: the provider redirects to that URI only when it is
// registered. The provider checks the hint (signature, iss, aud) and the URI, as the OpenID
// Foundation's module does; the app clears its session before leaving.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLIENT_ID, POST_LOGOUT_REDIRECT_URI, USER, appSession, assertNothingKept, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-rp-init-logout';
const env = useFaultyProvider(MODULE);

async function followLogout(op, url, idToken) {
  const u = new URL(url);
  assert.equal(`${u.origin}${u.pathname}`, `${op.issuer}/session/end`, 'the discovered end_session_endpoint');
  assert.equal(u.searchParams.get('id_token_hint'), idToken);
  assert.equal(u.searchParams.get('client_id'), CLIENT_ID);
  assert.equal(u.searchParams.get('post_logout_redirect_uri'), POST_LOGOUT_REDIRECT_URI);
  const r = await fetch(url, { redirect: 'manual' });
  assert.equal(r.status, 302, await r.text());
  assert.equal(r.headers.get('location'), POST_LOGOUT_REDIRECT_URI);
  assert.equal(op.logouts.at(-1).claims.sub, USER.sub, 'the provider accepted the hint');
}

test(`${MODULE}: the app clears its session and opens the logout URL with id_token_hint; the provider redirects back`, async () => {
  const { op } = env;
  const app = appSession(op);
  await app.login();
  const idToken = op.idTokens.at(-1).token;
  let url = null;
  await app.auth.logout({ logoutParams: { returnTo: POST_LOGOUT_REDIRECT_URI }, openUrl: (u) => { url = u; } });
  await assertNothingKept(app);
  await followLogout(op, url, idToken);
});

test(`${MODULE}: OidcClient.logoutUrl builds the same request`, async () => {
  const { op } = env;
  const client = newClient(op);
  const tokens = await login(op, client);
  const url = await client.logoutUrl({ returnTo: POST_LOGOUT_REDIRECT_URI, id_token_hint: tokens.id_token });
  await followLogout(op, url, tokens.id_token);
});
