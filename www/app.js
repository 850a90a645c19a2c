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
  $('mfa').hidden = true;
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

  setupEmbedded(client);

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

// Passwordless, password login and MFA, all without leaving the page.
function setupEmbedded(client) {
  let pending = null; // { connection, email | phone_number }
  const startPasswordless = async (connection, identity) => {
    $('error').hidden = true;
    await client.passwordless.start({ connection, send: 'code', ...identity });
    pending = { connection, ...identity };
    $('pl-target').textContent = identity.email ?? identity.phone_number;
    $('pl-verify-form').hidden = false;
    $('status').textContent = 'Code sent.';
  };
  $('pl-email-form').onsubmit = (e) => { e.preventDefault(); startPasswordless('email', { email: $('pl-email').value }).catch(showError); };
  $('pl-email-link').onclick = () => {
    $('error').hidden = true;
    const email = $('pl-email').value;
    client.passwordless.start({ connection: 'email', email, send: 'link' }).then(() => {
      $('status').textContent = `Link sent to ${email}: open it from the mail (the local provider's outbox, /__test/outbox) in this browser.`;
    }).catch(showError);
  };
  $('pl-sms-form').onsubmit = (e) => { e.preventDefault(); startPasswordless('sms', { phone_number: $('pl-phone').value }).catch(showError); };
  $('pl-verify-form').onsubmit = (e) => {
    e.preventDefault();
    client.passwordless.verify({ ...pending, otp: $('pl-code').value })
      .then(() => { $('pl-verify-form').hidden = true; return showSession(client); })
      .catch(onLoginError);
  };
  $('pw-form').onsubmit = (e) => {
    e.preventDefault();
    $('error').hidden = true;
    client.loginWithPassword({ username: $('pw-username').value, password: $('pw-password').value, realm: 'Username-Password-Authentication' })
      .then(() => showSession(client))
      .catch(onLoginError);
  };
  $('pw-signup').onclick = () => {
    $('error').hidden = true;
    const email = $('pw-username').value;
    client.signup({ connection: 'Username-Password-Authentication', email, password: $('pw-password').value })
      .then(() => { $('status').textContent = `Signed up ${email}: now log in with the password.`; })
      .catch(showError);
  };

  async function onLoginError(e) {
    if (!(e instanceof AuthError) || e.code !== 'ERR_MFA_REQUIRED') return showError(e);
    $('error').hidden = true;
    $('mfa').hidden = false;
    const mfaToken = e.mfa_token;
    const finish = (tokens) => {
      if (tokens.recovery_code) {
        $('mfa-new-recovery').hidden = false;
        $('mfa-new-recovery-code').textContent = tokens.recovery_code;
      }
      $('mfa-status').textContent = 'Verified.';
      return showSession(client);
    };
    $('mfa-otp-form').onsubmit = (ev) => {
      ev.preventDefault();
      client.mfa.verify({ mfaToken, otp: $('mfa-otp').value }).then(finish).catch(showError);
    };
    $('mfa-recovery-form').onsubmit = (ev) => {
      ev.preventDefault();
      client.mfa.verify({ mfaToken, recoveryCode: $('mfa-recovery').value }).then(finish).catch(showError);
    };
    if (e.mfa_requirements?.enroll) {
      $('mfa-status').textContent = 'Your account needs a second factor. Set one up now.';
      const enrolled = await client.mfa.enroll({ mfaToken, authenticatorType: 'otp' });
      $('mfa-enroll').hidden = false;
      $('mfa-secret').textContent = enrolled.secret;
      $('mfa-barcode').href = enrolled.barcode_uri;
      $('mfa-recovery-codes').textContent = (enrolled.recovery_codes ?? []).join(' ');
      $('mfa-otp-form').hidden = false;
      return;
    }
    $('mfa-status').textContent = 'Confirm it is you.';
    // Recovery codes are listed as authenticators too; they have their own form.
    const authenticators = (await client.mfa.getAuthenticators(mfaToken))
      .filter((a) => a.active && (a.authenticator_type === 'otp' || a.authenticator_type === 'oob'));
    const choices = $('mfa-choices');
    choices.replaceChildren();
    for (const a of authenticators) {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.authenticator = a.id;
      b.textContent = a.authenticator_type === 'otp' ? 'Authenticator app' : `Push / ${a.oob_channel ?? 'out of band'}`;
      b.onclick = async () => {
        try {
          if (a.authenticator_type === 'otp') {
            $('mfa-otp-form').hidden = false;
            return;
          }
          const ch = await client.mfa.challenge({ mfaToken, challengeType: 'oob', authenticatorId: a.id });
          $('mfa-status').textContent = 'Waiting for your approval on your device…';
          await finish(await client.mfa.verify({ mfaToken, oobCode: ch.oob_code, interval: 1 }));
        } catch (err) {
          showError(err);
        }
      };
      choices.appendChild(b);
    }
  }
}

main().catch(showError);
