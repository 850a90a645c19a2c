// oidcc-client-test-refresh-token: the client obtains a refresh token, uses it for a new access
// token, and calls userinfo with that token. The provider rotates refresh tokens (RFC 9700
// §4.14.2): each refresh spends the one presented and issues a new one; a spent one presented again
// is refused with invalid_grant and revokes the grant. The client must then hold only the newest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { USER, appSession, authError, login, newClient, useFaultyProvider } from './harness.mjs';

const MODULE = 'oidcc-client-test-refresh-token';
const env = useFaultyProvider(MODULE);

test(`${MODULE}: refresh with rotation, userinfo with the new access token; a spent refresh token revokes the grant`, async () => {
  const { op } = env;
  const client = newClient(op);
  const tokens = await login(op, client);
  const sub = tokens.id_token_claims.sub;
  assert.ok(tokens.refresh_token, 'offline_access gave a refresh token');

  const refreshed = await client.refresh(tokens.refresh_token, undefined, undefined, sub);
  assert.notEqual(refreshed.access_token, tokens.access_token);
  assert.ok(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token, 'rotated');
  assert.equal(refreshed.id_token_claims.sub, sub);
  assert.equal((await client.userinfo(refreshed.access_token, sub)).email, USER.email);
  assert.equal(op.refreshTokenUsable(tokens.refresh_token), false);

  // RFC 6749 §5.2 invalid_grant, as the server's error; the whole grant is revoked by the reuse.
  await assert.rejects(client.refresh(tokens.refresh_token, undefined, undefined, sub),
    authError('ERR_OAUTH_ERROR', { error: 'invalid_grant', kind: 'server', status: 400 }));
  assert.equal(op.refreshTokenUsable(refreshed.refresh_token), false);
});

test(`${MODULE}: the app keeps only the newest refresh token, and refreshes twice in a row without reusing one`, async () => {
  const { op } = env;
  const app = appSession(op);
  await app.login();
  const [before] = app.entries();
  const first = await app.auth.getTokenSilently({ cacheMode: 'off' });
  const second = await app.auth.getTokenSilently({ cacheMode: 'off' });
  assert.notEqual(first, before.access_token);
  assert.notEqual(second, first);
  const [entry] = app.entries();
  assert.equal(entry.access_token, second);
  assert.ok(op.refreshTokenUsable(entry.refresh_token), 'the cached refresh token is the live one');
  assert.equal(JSON.stringify([...app.store]).includes(before.refresh_token), false, 'the spent one is gone');
  assert.equal(await app.auth.getTokenSilently(), second, 'served from the cache');
  assert.equal((await app.auth.getUserInfo()).sub, USER.sub);
});
