// The demo single-page app: "Log in" runs the authorization code flow with PKCE against the
// provider in /config.json; back at the redirect URI the code is exchanged and the ID token's
// claims are shown.
import { createOidcClient, decodeJwtUnverified, AuthError } from 'oidc-wasm';

const $ = (id) => document.getElementById(id);
const TX_PREFIX = 'oidc-wasm.demo.tx.';

function showError(e) {
  $('error').hidden = false;
  $('error-code').textContent = e instanceof AuthError ? e.code : 'Error';
  $('error-message').textContent = e.message;
  if (e.error) {
    $('error-server').hidden = false;
    $('error-oauth').textContent = e.error;
    $('error-description').textContent = e.error_description ?? '';
  }
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

async function main() {
  const config = await (await fetch('/config.json')).json();
  $('issuer').textContent = config.issuer;
  const redirectUri = `${location.origin}/callback`;
  const client = await createOidcClient({
    domain: config.issuer,
    clientId: config.clientId,
    authorizationParams: { redirect_uri: redirectUri, scope: config.scope, audience: config.audience },
  });

  async function login(extra = {}) {
    $('status').textContent = 'Redirecting to the provider…';
    const { url, transaction } = await client.buildAuthorizeUrl(extra);
    // Kept per state, so logins started in two tabs do not overwrite each other.
    sessionStorage.setItem(TX_PREFIX + transaction.state, JSON.stringify(transaction));
    location.assign(url);
  }
  $('login').onclick = () => login().catch(showError);
  $('signup').onclick = () => login({ screen_hint: 'signup' }).catch(showError);
  $('reset').onclick = () => location.assign('/');

  const params = new URLSearchParams(location.search);
  if (location.pathname === '/callback' && (params.has('code') || params.has('error'))) {
    $('reset').hidden = false;
    const callbackUrl = location.href;
    const state = params.get('state') ?? '';
    const stored = sessionStorage.getItem(TX_PREFIX + state);
    sessionStorage.removeItem(TX_PREFIX + state);
    history.replaceState(null, '', '/');
    if (!stored) {
      throw new AuthError('ERR_CALLBACK_STATE_MISMATCH', 'No login in progress matches this callback; it may have been handled already. Log in again.', { kind: 'verification' });
    }
    $('status').textContent = 'Exchanging the authorization code…';
    const tokens = await client.handleCallback(callbackUrl, JSON.parse(stored));
    // Verified by handleCallback: signature against the provider's JWKS, and OIDC Core §3.1.3.7.
    const claims = tokens.id_token_claims;
    const { header } = decodeJwtUnverified(tokens.id_token);
    $('verified').textContent = `Signature verified (${header.alg}, kid ${header.kid ?? 'none'}); iss, aud, exp, iat and nonce checked.`;
    $('result').hidden = false;
    $('user-name').textContent = claims.name ?? claims.sub;
    fillTable($('claims'), Object.entries(claims));
    fillTable($('tokens'), [
      ['token_type', tokens.token_type],
      ['expires_at', new Date(tokens.expires_at * 1000).toISOString()],
      ['scope', tokens.scope ?? '(as requested)'],
      ['access_token', `${tokens.access_token.slice(0, 24)}… (${tokens.access_token.length} chars)`],
      ['refresh_token', tokens.refresh_token ? 'issued (kept in memory only)' : 'not issued'],
    ]);
    $('status').textContent = 'Signed in.';
    return;
  }
  $('login').disabled = false;
  $('signup').disabled = false;
  $('status').textContent = 'Signed out. Log in with alice / wonderland.';
}

main().catch(showError);
