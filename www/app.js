// The demo single-page app, on the SPA session API (the same surface as auth0-spa-js):
// "Log in" runs the authorization code flow with PKCE against the provider in /config.json;
// back at /callback the code is exchanged, the ID token verified and the tokens cached in
// memory; "Get access token" serves it from the cache or refreshes it (rotating refresh tokens).
import { createAuthClient, decodeJwtUnverified, AuthError } from 'oidc-wasm';

const $ = (id) => document.getElementById(id);

function showError(e) {
  $('error').hidden = false;
  $('error-code').textContent = e instanceof AuthError ? e.code : 'Error';
  $('error-message').textContent = e.message;
  $('error-server').hidden = !e.error;
  $('error-oauth').textContent = e.error ?? '';
  $('error-description').textContent = e.error_description ?? '';
  $('status').textContent = 'Something went wrong.';
}

function fillTable(table, entries) {
  const body = table.tBodies[0];
  body.replaceChildren();
  for (const [k, v] of entries) {
    const tr = body.insertRow();
    tr.insertCell().textContent = k;
    tr.insertCell().textContent = typeof v === 'object' ? JSON.stringify(v) : String(v);
    tr.dataset.claim = k;
  }
}

async function showSession(client) {
  const claims = await client.getIdTokenClaims();
  const user = await client.getUser();
  const { header } = decodeJwtUnverified(claims.__raw);
  $('result').hidden = false;
  $('user-name').textContent = user.name ?? user.sub;
  $('verified').textContent = `Signature verified (${header.alg}, kid ${header.kid ?? 'none'}); iss, aud, exp, iat and nonce checked.`;
  const { __raw, ...shown } = claims;
  fillTable($('claims'), Object.entries(shown));
  $('login').disabled = true;
  $('signup').disabled = true;
  $('popup').disabled = true;
  $('token').disabled = false;
  $('logout').disabled = false;
  $('status').textContent = 'Signed in.';
}

let tokenCalls = 0;
async function showToken(client) {
  const t = await client.getTokenSilently({ detailedResponse: true });
  tokenCalls += 1;
  const { claims: payload } = decodeJwtUnverified(t.access_token);
  fillTable($('tokens'), [
    ['call', tokenCalls],
    ['access_token', `${t.access_token.slice(0, 24)}… (${t.access_token.length} chars)`],
    ['jti', payload.jti ?? '(opaque)'],
    ['aud', payload.aud ?? ''],
    ['expires_in', `${t.expires_in} s`],
    ['scope', t.scope ?? ''],
  ]);
}

async function main() {
  const config = await (await fetch('/config.json')).json();
  $('issuer').textContent = config.issuer;
  const client = await createAuthClient({
    domain: config.issuer,
    clientId: config.clientId,
    useRefreshTokens: config.useRefreshTokens ?? true,
    cacheLocation: config.cacheLocation ?? 'memory',
    leeway: config.leeway ?? 60,
    authorizationParams: { redirect_uri: `${location.origin}/callback`, scope: config.scope, audience: config.audience },
  });
  window.oidcDemo = { client };
  $('login').onclick = () => client.loginWithRedirect({ appState: { returnTo: '/' } }).catch(showError);
  $('signup').onclick = () => client.loginWithRedirect({ authorizationParams: { screen_hint: 'signup' } }).catch(showError);
  $('popup').onclick = () => client.loginWithPopup().then(() => showSession(client)).catch(showError);
  $('token').onclick = () => showToken(client).catch(showError);
  $('logout').onclick = () => client.logout({ logoutParams: { returnTo: `${location.origin}/` } }).catch(showError);

  const params = new URLSearchParams(location.search);
  if (location.pathname === '/callback' && (params.has('code') || params.has('error'))) {
    const callbackUrl = location.href;
    history.replaceState(null, '', '/');
    $('status').textContent = 'Exchanging the authorization code…';
    await client.handleRedirectCallback(callbackUrl);
    await showSession(client);
    return;
  }
  $('login').disabled = false;
  $('signup').disabled = false;
  $('popup').disabled = false;
  $('status').textContent = 'Signed out. Log in with alice / wonderland.';
}

main().catch(showError);
