// The demo single-page app, on the SPA session API (the same surface as auth0-spa-js):
// "Log in" runs the authorization code flow with PKCE against the provider in /config.json;
// back at /callback the code is exchanged, the ID token verified and the tokens cached in
// memory; "Get access token" serves it from the cache or refreshes it (rotating refresh tokens).
// The access token is verified here too, with the package's Verifier against the provider's
// JWKS. Password, passwordless and MFA logins happen on the page itself. network.js (loaded
// first) lists the library's requests; with the local test provider, the outbox panel shows
// what the provider "sent" and approves push notifications.
import { createAuthClient, createVerifier, decodeJwtUnverified, AuthError } from 'oidc-wasm';

const $ = (id) => document.getElementById(id);
const network = window.demoNetwork;
const pageFetch = network?.pageFetch ?? fetch;
const REALM = 'Username-Password-Authentication';

// ---- errors: one message, next to the field or button that caused it ----

let invalidField = null;

function clearError() {
  $('error').hidden = true;
  if (invalidField) {
    invalidField.removeAttribute('aria-invalid');
    invalidField.removeAttribute('aria-describedby');
    invalidField = null;
  }
}

/**
 * Shows `e` after `near` (an element) or under `field` (an input), marking the field invalid.
 * `message` replaces the library's message when the page knows better what went wrong.
 */
function showError(e, { near, field, message } = {}) {
  clearError();
  const box = $('error');
  const anchor = field ? field.closest('label') ?? field : near ?? $('redirect-actions');
  anchor.after(box);
  // One sentence: the server's own words when it refused, else the library's (or the page's).
  const coded = e instanceof AuthError;
  const server = coded && e.kind === 'server' && typeof e.error_description === 'string' && e.error_description !== '';
  const text = message ?? (server ? '' : e.message);
  $('error-message').textContent = text ? text[0].toUpperCase() + text.slice(1) : '';
  $('error-description').textContent = server && !message ? e.error_description : '';
  $('error-code').textContent = coded ? e.code : '';
  $('error-server').hidden = !(coded && e.error);
  $('error-oauth').textContent = coded && e.error ? e.error : '';
  box.querySelector('.error-detail').hidden = !coded;
  box.hidden = false;
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', 'error');
    invalidField = field;
    field.focus();
  }
  if (!isVisible(box)) box.scrollIntoView({ block: 'nearest' });
}

/** A check of the page's own (an empty field): an error without a code. */
const fieldError = (field, message) => showError(new Error(message), { field, message });

function isVisible(el) {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight;
}

/**
 * Runs an action from `button`: the error cleared, the button busy (disabled) until it ends,
 * then usable again whatever happened. Errors go where `place(e)` says.
 */
function act(button, fn, place = () => ({ near: button.parentElement })) {
  return async (event) => {
    event?.preventDefault?.();
    clearError();
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof AuthError && e.code === 'ERR_MFA_CANCELLED')) showError(e, place(e));
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  };
}

// ---- values shown: dates, tables ----

const DATE_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time', 'updated_at', 'expires_at']);
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

function ago(ms) {
  const s = Math.round(ms / 1000);
  const abs = Math.abs(s);
  if (abs < 90) return relative.format(s, 'second');
  if (abs < 90 * 60) return relative.format(Math.round(s / 60), 'minute');
  if (abs < 48 * 3600) return relative.format(Math.round(s / 3600), 'hour');
  return relative.format(Math.round(s / 86400), 'day');
}

/** A NumericDate (seconds since the epoch, RFC 7519 §2) as a date, with the number kept. */
function dateCell(cell, value) {
  const ms = typeof value === 'number' ? value * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) {
    cell.textContent = String(value);
    return;
  }
  const d = new Date(ms);
  const time = document.createElement('time');
  time.dateTime = d.toISOString();
  time.textContent = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  const more = document.createElement('span');
  more.className = 'muted';
  more.textContent = ` (${ago(ms - Date.now())}; ${value})`;
  cell.replaceChildren(time, more);
}

function fillTable(table, entries) {
  const body = table.tBodies[0];
  body.replaceChildren();
  for (const [k, v] of entries) {
    const tr = body.insertRow();
    tr.insertCell().textContent = k;
    const cell = tr.insertCell();
    if (DATE_CLAIMS.has(k) && (typeof v === 'number' || typeof v === 'string')) dateCell(cell, v);
    else cell.textContent = typeof v === 'object' ? JSON.stringify(v) : String(v);
    tr.dataset.claim = k;
  }
}

// ---- the session ----

// How the session began: what was sent, hence what was checked.
const HOW = {
  redirect: { text: 'Logged in at the provider\'s page: authorization code flow with PKCE, by redirect.', nonce: true },
  popup: { text: 'Logged in at the provider\'s page in a popup: authorization code flow with PKCE, answer by postMessage.', nonce: true },
  link: { text: 'Logged in with the magic link from the e-mail: authorization code flow with PKCE.', nonce: true },
  password: { text: 'Logged in with a password on this page (Auth0 password-realm grant).', nonce: false },
  passwordless: { text: 'Logged in with a one-time code on this page (Auth0 passwordless grant).', nonce: false },
  otp: { text: 'Logged in on this page, second factor: an authenticator app code (Auth0 mfa-otp grant).', nonce: false },
  push: { text: 'Logged in on this page, second factor: a push approved on the phone (Auth0 mfa-oob grant).', nonce: false },
  oob: { text: 'Logged in on this page, second factor: the code sent by SMS or e-mail (Auth0 mfa-oob grant).', nonce: false },
  recovery: { text: 'Logged in on this page, second factor: a recovery code (Auth0 mfa-recovery-code grant).', nonce: false },
  cache: { text: 'Session found when the page loaded (the cache, or a silent login at the provider).', nonce: null },
};

let config;
let client;

function signedOut(status = 'Signed out.') {
  $('signin').hidden = false;
  $('result').hidden = true;
  for (const id of ['login', 'popup', 'signup']) $(id).disabled = false;
  $('status').textContent = status;
}

/** A list of checks made (✓), and notes on checks not made. */
function checkList(target, lead, checks, notes = []) {
  const items = checks.map((c) => {
    const li = document.createElement('li');
    li.textContent = c;
    return li;
  });
  for (const n of notes) {
    const li = document.createElement('li');
    li.className = 'note';
    li.textContent = n;
    items.push(li);
  }
  const ul = document.createElement('ul');
  ul.className = 'checks';
  ul.append(...items);
  target.replaceChildren(lead, ul);
}

/** What the library checked when the ID token arrived, and only that (OIDC Core §3.1.3.7). */
function showIdTokenChecks(header, claims, how) {
  const checks = [`iss is the issuer, ${claims.iss}`, `aud includes this client, ${config.clientId}`, 'exp not passed', 'iat present, not far in the future'];
  const notes = [];
  const nonce = HOW[how]?.nonce;
  if (nonce === true || (nonce === null && typeof claims.nonce === 'string')) checks.push('nonce is the one sent with the login');
  else if (nonce === false) notes.push('No nonce: this grant sends none, so there was none to check.');
  if (typeof claims.at_hash === 'string' && nonce !== false) checks.push('at_hash matches the access token');
  if (how === 'cache') notes.push('Checked when the token arrived, before it was cached.');
  checkList($('verified'), `Signature verified (${header.alg}, kid ${header.kid ?? 'none'}) with the provider's JWKS when the ID token arrived, and:`, checks, notes);
}

async function showSession(how) {
  clearError();
  const claims = await client.getIdTokenClaims();
  const user = (await client.getUser()) ?? {};
  const { header } = decodeJwtUnverified(claims.__raw);
  $('mfa').hidden = true;
  $('signin').hidden = true;
  $('user-name').textContent = user.name ?? user.sub;
  $('user-email').textContent = user.email ? ` (${user.email})` : '';
  const picture = $('user-picture');
  picture.hidden = !user.picture;
  if (user.picture) picture.src = user.picture;
  $('how').textContent = HOW[how]?.text ?? '';
  showIdTokenChecks(header, claims, how);
  const { __raw, ...shown } = claims;
  fillTable($('claims'), Object.entries(shown));
  for (const id of ['token', 'userinfo', 'logout']) $(id).disabled = false;
  $('status').textContent = `Signed in as ${user.name ?? user.sub}.`;
  $('result').hidden = false;
  const reduce = matchMedia('(prefers-reduced-motion: reduce)').matches;
  $('result').scrollIntoView({ block: 'start', behavior: reduce ? 'auto' : 'smooth' });
  $('result').focus({ preventScroll: true });
  // The access token the login brought, from the cache (no request).
  const t = await client.getTokenSilently({ cacheMode: 'cache-only', detailedResponse: true }).catch(() => undefined);
  if (t?.access_token) await showAccessToken(t.access_token);
  else {
    $('at-verified').className = 'verdict muted';
    $('at-verified').textContent = 'None in the cache yet: "Get access token" asks for one.';
  }
}

let verifier;
let shownToken = 0;

/** The access token decoded, and verified with the Verifier against the provider's JWKS. */
async function showAccessToken(token) {
  const mine = ++shownToken;
  const line = $('at-verified');
  const table = $('at-claims');
  let decoded;
  try {
    decoded = decodeJwtUnverified(token);
  } catch {
    table.hidden = true;
    line.className = 'verdict muted';
    line.textContent = `Opaque (${token.length} characters): not a JWT, so this page can neither read nor verify it; only the provider can (token introspection). Ask for an audience (an API) to get a JWT access token.`;
    return;
  }
  const { header, claims } = decoded;
  fillTable(table, [['(header)', `alg ${header.alg}, typ ${header.typ ?? 'none'}, kid ${header.kid ?? 'none'}`], ...Object.entries(claims)]);
  table.hidden = false;
  if (!config.audience) {
    line.className = 'verdict muted';
    line.textContent = 'Decoded, not verified: the demo has no audience (API) to verify it for.';
    return;
  }
  line.className = 'verdict muted';
  line.textContent = 'Verifying…';
  try {
    const issuer = (await client.getIdTokenClaims())?.iss ?? config.issuer;
    const check = async () => {
      verifier ??= await createVerifier({ issuer, audience: config.audience, typ: 'at+jwt' });
      return verifier.verify(token);
    };
    const { protectedHeader } = await (network ? network.during('Verifier (access token)', check) : check());
    if (mine !== shownToken) return;
    line.className = 'verdict ok';
    checkList(line, `Verified on this page with the package's Verifier: signature (${protectedHeader.alg}, kid ${protectedHeader.kid ?? 'none'}) with the provider's JWKS, and:`, [
      `iss is ${issuer}`, `aud includes the API, ${config.audience}`, 'exp not passed (60 s tolerance)',
      'typ is at+jwt, with the claims RFC 9068 requires (iss, exp, aud, sub, client_id, iat, jti)',
    ]);
  } catch (e) {
    if (mine !== shownToken) return;
    line.className = 'verdict bad';
    line.textContent = `Verification failed: ${e.code ?? e.name}: ${e.message}`;
  }
}

let tokenCalls = 0;
async function getToken() {
  const t = await client.getTokenSilently({ detailedResponse: true });
  tokenCalls += 1;
  let payload = {};
  try { payload = decodeJwtUnverified(t.access_token).claims; } catch { /* opaque */ }
  $('tokens-title').hidden = false;
  fillTable($('tokens'), [
    ['call', tokenCalls],
    ['access_token', `${t.access_token.slice(0, 24)}… (${t.access_token.length} chars)`],
    ['jti', payload.jti ?? '(opaque)'],
    ['aud', payload.aud ?? ''],
    ['expires_in', `${t.expires_in} s`],
    ['expires_at', Math.floor(Date.now() / 1000) + t.expires_in],
    ['scope', t.scope ?? ''],
  ]);
  await showAccessToken(t.access_token);
}

const navigate = (how) => (url) => {
  network?.navigation(url, how);
  location.assign(url);
};

/** The demo server's config; it answers 503 while the provider is starting. */
async function loadConfig() {
  for (let attempt = 0; ; attempt += 1) {
    const r = await pageFetch('/config.json');
    if (r.ok) return r.json();
    if (r.status !== 503 || attempt >= 60) throw new Error(`the demo server did not give its configuration (HTTP ${r.status})`);
    $('status').textContent = 'Waiting for the provider to start…';
    await new Promise((done) => { setTimeout(done, 500); });
  }
}

async function main() {
  config = await loadConfig();
  $('issuer').textContent = config.issuer;
  client = await createAuthClient({
    domain: config.issuer,
    clientId: config.clientId,
    useRefreshTokens: config.useRefreshTokens ?? true,
    // A reload empties the memory cache (the refresh token too): the provider's session then
    // signs the user in again, in a hidden iframe, when createAuthClient restores the session.
    useRefreshTokensFallback: config.useRefreshTokensFallback ?? true,
    cacheLocation: config.cacheLocation ?? 'memory',
    leeway: config.leeway ?? 60,
    authorizationParams: { redirect_uri: `${location.origin}/callback`, scope: config.scope, audience: config.audience },
  });
  window.oidcDemo = { client };
  const redirectError = { near: $('redirect-actions') };
  $('login').onclick = act($('login'), () => client.loginWithRedirect({ appState: { returnTo: '/', via: 'redirect' }, openUrl: navigate('redirect') }), () => redirectError);
  $('signup').onclick = act($('signup'), () => client.loginWithRedirect({ authorizationParams: { screen_hint: 'signup' }, appState: { via: 'redirect' }, openUrl: navigate('redirect') }), () => redirectError);
  $('popup').onclick = act($('popup'), async () => {
    await client.loginWithPopup();
    await showSession('popup');
  }, () => redirectError);
  const sessionError = { near: $('session-actions') };
  $('token').onclick = act($('token'), getToken, () => sessionError);
  $('userinfo').onclick = act($('userinfo'), async () => {
    fillTable($('userinfo-claims'), Object.entries(await client.getUserInfo()));
    $('userinfo-section').hidden = false;
  }, () => sessionError);
  $('logout').onclick = act($('logout'), () => client.logout({
    logoutParams: { returnTo: `${location.origin}/` },
    revokeRefreshToken: $('logout-revoke').checked,
    openUrl: navigate('redirect'),
  }), () => sessionError);

  setupEmbedded();
  setupOutbox();

  const params = new URLSearchParams(location.search);
  if (location.pathname === '/callback' && (params.has('code') || params.has('error'))) {
    const callbackUrl = location.href;
    history.replaceState(null, '', '/');
    $('status').textContent = 'Exchanging the authorization code…';
    try {
      const { appState } = await client.handleRedirectCallback(callbackUrl);
      await showSession(appState?.via ?? 'redirect');
    } catch (e) {
      // Whatever went wrong, the page stays usable: log in again from here.
      signedOut('Signed out: the login did not complete.');
      showError(e, redirectError);
    }
    return;
  }
  if (await client.isAuthenticated()) {
    await showSession('cache');
    return;
  }
  signedOut();
}

// ---- password, passwordless and MFA, all without leaving the page ----

const value = (id) => $(id).value.trim();

function setupEmbedded() {
  let pending = null; // { connection, email | phone_number }

  // Password login and sign-up: the wrong password is the password's fault, a taken e-mail the
  // username's, a weak password the password's.
  const pwPlace = (e) => {
    const err = e instanceof AuthError ? e.error : undefined;
    if (err === 'invalid_grant' || err === 'invalid_password') return { field: $('pw-password') };
    if (err === 'user_exists' || err === 'username_exists' || err === 'invalid_signup' || err === 'bad.email') return { field: $('pw-username') };
    return { near: $('pw-login').parentElement };
  };
  const needBoth = () => {
    if (!value('pw-username')) { fieldError($('pw-username'), 'Enter a username or an e-mail address.'); return false; }
    if (!$('pw-password').value) { fieldError($('pw-password'), 'Enter the password.'); return false; }
    return true;
  };
  const pwLogin = act($('pw-login'), async () => {
    try {
      await client.loginWithPassword({ username: value('pw-username'), password: $('pw-password').value, realm: REALM });
    } catch (e) {
      if (e instanceof AuthError && e.code === 'ERR_MFA_REQUIRED') return startMfa(e);
      throw e;
    }
    return showSession('password');
  }, pwPlace);
  $('pw-form').onsubmit = (e) => { e.preventDefault(); if (needBoth()) pwLogin(); };
  const pwSignup = act($('pw-signup'), async () => {
    const email = value('pw-username');
    await client.signup({ connection: REALM, email, password: $('pw-password').value });
    $('status').textContent = `Signed up ${email}: now log in with the password.`;
  }, pwPlace);
  $('pw-signup').onclick = () => { if (needBoth()) pwSignup(); };

  // Passwordless: the address or number is at fault, or (too many requests) the button.
  const identityPlace = (field, button) => (e) => (e instanceof AuthError && (e.code === 'ERR_RATE_LIMITED' || e.kind === 'network')
    ? { near: button.parentElement } : { field });
  const startPasswordless = async (connection, identity, send) => {
    await client.passwordless.start({ connection, send, ...identity, ...(send === 'link' ? { appState: { via: 'link' } } : {}) });
    if (send === 'link') {
      $('status').textContent = `Link sent to ${identity.email}: open it ${config.testEndpoints ? 'from the outbox below' : 'from the e-mail'}, in this browser.`;
      return;
    }
    pending = { connection, ...identity };
    $('pl-target').textContent = identity.email ?? identity.phone_number;
    $('pl-verify-form').hidden = false;
    $('pl-code').value = '';
    $('pl-code').focus();
    $('status').textContent = `Code sent to ${identity.email ?? identity.phone_number}.`;
  };
  const emailFirst = (then) => () => {
    if (!value('pl-email')) return fieldError($('pl-email'), 'Enter an e-mail address.');
    return then();
  };
  const sendCode = act($('pl-email-send'), () => startPasswordless('email', { email: value('pl-email') }, 'code'),
    identityPlace($('pl-email'), $('pl-email-send')));
  $('pl-email-form').onsubmit = (e) => { e.preventDefault(); emailFirst(sendCode)(); };
  $('pl-email-link').onclick = emailFirst(act($('pl-email-link'), () => startPasswordless('email', { email: value('pl-email') }, 'link'),
    identityPlace($('pl-email'), $('pl-email-link'))));
  const sendSms = act($('pl-sms-send'), () => startPasswordless('sms', { phone_number: value('pl-phone') }, 'code'),
    identityPlace($('pl-phone'), $('pl-sms-send')));
  $('pl-sms-form').onsubmit = (e) => {
    e.preventDefault();
    if (!value('pl-phone')) return fieldError($('pl-phone'), 'Enter a phone number, starting with + and the country code.');
    return sendSms();
  };
  const verify = act($('pl-verify'), async () => {
    try {
      await client.passwordless.verify({ ...pending, otp: value('pl-code') });
    } catch (e) {
      if (e instanceof AuthError && e.code === 'ERR_MFA_REQUIRED') return startMfa(e);
      throw e;
    }
    $('pl-verify-form').hidden = true;
    return showSession('passwordless');
  }, (e) => (e instanceof AuthError && e.kind === 'network' ? { near: $('pl-verify').parentElement } : { field: $('pl-code') }));
  $('pl-verify-form').onsubmit = (e) => {
    e.preventDefault();
    if (!value('pl-code')) return fieldError($('pl-code'), 'Enter the code from the message.');
    return verify();
  };

  // MFA after ERR_MFA_REQUIRED: enrol an app, or choose an enrolled factor; a recovery code
  // always works. "Start over" goes back to the forms (and stops waiting for a push).
  let mfaToken = null;
  let waiting = null; // AbortController of a push being waited for
  let oobCode = null; // a challenge that needs the code sent by SMS / e-mail

  const resetMfa = () => {
    waiting?.abort();
    waiting = null;
    mfaToken = null;
    oobCode = null;
    for (const id of ['mfa-enroll', 'mfa-otp-form', 'mfa-oob-form']) if ($(id)) $(id).hidden = true;
    $('mfa-choices').replaceChildren();
  };
  $('mfa-cancel').onclick = () => {
    clearError();
    resetMfa();
    $('mfa').hidden = true;
    $('embedded').hidden = false;
    $('redirect-card').hidden = false;
    $('status').textContent = 'Signed out.';
  };
  const finish = (how) => async (tokens) => {
    if (tokens.recovery_code) {
      $('mfa-new-recovery').hidden = false;
      $('mfa-new-recovery-code').textContent = tokens.recovery_code;
    }
    resetMfa();
    $('embedded').hidden = false;
    $('redirect-card').hidden = false;
    return showSession(how);
  };
  const otpVerify = act($('mfa-otp-verify'), () => client.mfa.verify({ mfaToken, otp: value('mfa-otp') }).then(finish('otp')),
    () => ({ field: $('mfa-otp') }));
  $('mfa-otp-form').onsubmit = (e) => {
    e.preventDefault();
    if (!value('mfa-otp')) return fieldError($('mfa-otp'), 'Enter the 6-digit code your authenticator app shows.');
    return otpVerify();
  };
  const recoveryVerify = act($('mfa-recovery-verify'), () => client.mfa.verify({ mfaToken, recoveryCode: value('mfa-recovery') }).then(finish('recovery')),
    () => ({ field: $('mfa-recovery') }));
  $('mfa-recovery-form').onsubmit = (e) => {
    e.preventDefault();
    if (!value('mfa-recovery')) return fieldError($('mfa-recovery'), 'Enter a recovery code.');
    return recoveryVerify();
  };
  // The code an SMS / voice / e-mail challenge sent (binding_method "prompt").
  const oobForm = document.createElement('form');
  oobForm.id = 'mfa-oob-form';
  oobForm.hidden = true;
  oobForm.noValidate = true;
  oobForm.innerHTML = '<label>Code we sent you <input id="mfa-binding" inputmode="numeric" autocomplete="one-time-code" required></label>'
    + '<div class="buttons"><button id="mfa-oob-verify" type="submit">Verify</button></div>';
  $('mfa-otp-form').after(oobForm);
  const oobVerify = act($('mfa-oob-verify'), () => client.mfa.verify({ mfaToken, oobCode, bindingCode: value('mfa-binding') }).then(finish('oob')),
    () => ({ field: $('mfa-binding') }));
  oobForm.onsubmit = (e) => {
    e.preventDefault();
    if (!value('mfa-binding')) return fieldError($('mfa-binding'), 'Enter the code from the message.');
    return oobVerify();
  };

  // Called from a login's action: what goes wrong here belongs to the MFA card, not to the form.
  async function startMfa(e) {
    try {
      await showMfa(e);
    } catch (err) {
      showError(err, { near: $('mfa-status') });
    }
  }

  async function showMfa(e) {
    resetMfa();
    mfaToken = e.mfa_token;
    $('embedded').hidden = true;
    $('redirect-card').hidden = true;
    $('mfa').hidden = false;
    $('mfa-new-recovery').hidden = true;
    $('status').textContent = 'A second factor is needed.';
    if (e.mfa_requirements?.enroll) {
      $('mfa-status').textContent = 'Your account needs a second factor. Set one up now.';
      const enrolled = await client.mfa.enroll({ mfaToken, authenticatorType: 'otp' });
      $('mfa-enroll').hidden = false;
      $('mfa-secret').textContent = enrolled.secret;
      $('mfa-barcode').href = enrolled.barcode_uri;
      $('mfa-recovery-codes').textContent = (enrolled.recovery_codes ?? []).join(' ');
      $('mfa-otp-form').hidden = false;
      $('mfa-otp').focus();
      return;
    }
    $('mfa-status').textContent = 'Confirm it is you: choose a factor.';
    // Recovery codes are listed as authenticators too; they have their own form.
    const authenticators = (await client.mfa.getAuthenticators(mfaToken))
      .filter((a) => a.active && (a.authenticator_type === 'otp' || a.authenticator_type === 'oob'));
    const choices = $('mfa-choices');
    for (const a of authenticators) {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.authenticator = a.id;
      const push = a.authenticator_type === 'oob' && a.oob_channel === 'auth0';
      b.textContent = a.authenticator_type === 'otp' ? 'Authenticator app' : push ? 'Push notification' : `Code by ${a.oob_channel ?? 'message'}`;
      b.onclick = act(b, async () => {
        if (a.authenticator_type === 'otp') {
          $('mfa-otp-form').hidden = false;
          $('mfa-otp').focus();
          return;
        }
        const ch = await client.mfa.challenge({ mfaToken, challengeType: 'oob', authenticatorId: a.id });
        if (ch.binding_method === 'prompt') {
          oobCode = ch.oob_code;
          oobForm.hidden = false;
          $('mfa-binding').focus();
          $('mfa-status').textContent = `Code sent by ${a.oob_channel}.`;
          return;
        }
        $('mfa-status').textContent = config.testEndpoints
          ? 'Push sent to the phone: approve it there (in this demo, in the outbox below).'
          : 'Push sent to your phone: approve it there.';
        waiting?.abort();
        waiting = new AbortController();
        const tokens = await client.mfa.verify({ mfaToken, oobCode: ch.oob_code, interval: config.mfaPollInterval ?? 1, signal: waiting.signal });
        await finish('push')(tokens);
      }, () => ({ near: choices }));
      choices.appendChild(b);
    }
  }
}

// ---- the outbox of the local test provider (only when the demo server names its test endpoints) ----

function setupOutbox() {
  const base = config.testEndpoints;
  if (!base) return;
  $('outbox').hidden = false;
  const list = $('outbox-list');
  let running = null;
  let again = false;

  const json = async (path, init) => {
    const r = await pageFetch(`${base}${path}`, init);
    if (!r.ok) throw new Error(`${path}: ${r.status}`);
    return r.status === 204 ? null : r.json();
  };
  const decide = (oob, decision) => json(`/oob/${decision}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ oob_code: oob }),
  }).finally(refresh);

  const LABEL = { passwordless: 'Passwordless', mfa: 'Second factor', verification_email: 'Verify your e-mail', change_password: 'Reset your password' };
  const CHANNEL = { email: 'E-mail', sms: 'SMS', voice: 'Voice call', auth0: 'Push' };
  const PUSH_STATE = { pending: '(waiting for an answer)', approved: '(approved)', used: '(approved)', denied: '(denied)',
    rejected: '(denied)', expired: '(expired)' };

  function useCode(code, input) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary small';
    b.textContent = 'Use this code';
    b.onclick = () => {
      input.value = code;
      input.focus();
    };
    return b;
  }

  async function render() {
    const { messages } = await json('/outbox');
    const shown = messages.slice(-8).reverse();
    // A push's state (pending, approved, ...) is its transaction's.
    const states = new Map(await Promise.all(shown.filter((m) => m.channel === 'auth0' && m.oob_code)
      .map(async (m) => [m.oob_code, (await json(`/last-oob?oob_code=${encodeURIComponent(m.oob_code)}`).catch(() => null))?.status ?? 'unknown'])));
    const items = shown.map((m) => {
      const li = document.createElement('li');
      li.dataset.kind = m.kind;
      li.dataset.channel = m.channel;
      const head = document.createElement('p');
      head.className = 'outbox-head';
      const time = new Date(m.sent_at).toLocaleTimeString();
      head.textContent = `${CHANNEL[m.channel] ?? m.channel} to ${m.to} · ${LABEL[m.kind] ?? m.kind} · ${time}`;
      const body = document.createElement('p');
      body.className = 'outbox-body';
      const code = m.binding_code ?? m.code;
      li.append(head, body);
      if (m.channel === 'auth0') {
        const state = states.get(m.oob_code) ?? 'unknown';
        li.dataset.oob = m.oob_code;
        li.dataset.state = state;
        body.append(`"Is it you signing in?" ${PUSH_STATE[state] ?? state}`);
        if (state === 'pending') {
          const buttons = document.createElement('div');
          buttons.className = 'buttons';
          const yes = document.createElement('button');
          yes.type = 'button';
          yes.className = 'small approve';
          yes.textContent = 'Approve';
          yes.onclick = () => { yes.disabled = true; decide(m.oob_code, 'approve'); };
          const no = document.createElement('button');
          no.type = 'button';
          no.className = 'small secondary deny';
          no.textContent = 'Deny';
          no.onclick = () => { no.disabled = true; decide(m.oob_code, 'deny'); };
          buttons.append(yes, no);
          li.append(buttons);
        }
      } else {
        if (code) {
          const c = document.createElement('code');
          c.className = 'code';
          c.textContent = code;
          body.append('Code ', c, ' ');
          const input = m.kind === 'mfa' ? $('mfa-binding') : $('pl-code');
          if (input) body.append(useCode(code, input));
        }
        if (m.link) {
          const a = document.createElement('a');
          a.href = m.link;
          a.textContent = m.kind === 'passwordless' ? 'Open the magic link' : 'Link';
          a.className = 'wrap';
          body.append(code ? ' ' : '', a);
        }
      }
      return li;
    });
    list.replaceChildren(...items);
    $('outbox-empty').hidden = items.length > 0;
  }

  // One refresh at a time; a request during one asks for another after it.
  async function refresh() {
    if (running) { again = true; return running; }
    running = (async () => {
      do {
        again = false;
        try { await render(); } catch (e) { console.warn('outbox', e); }
      } while (again);
    })();
    try { await running; } finally { running = null; }
  }

  $('outbox-refresh').onclick = refresh;
  // What may have sent something: refresh once its answer is in.
  network?.subscribe((entry) => {
    if (entry?.type === 'fetch' && entry.status !== null && ['passwordless', 'mfa', 'signup', 'poll'].includes(entry.kind)) refresh();
  });
  refresh();
}

// ---- the requests panel ----

function setupNetwork() {
  if (!network) { $('network').hidden = true; return; }
  const list = $('network-list');
  const render = () => {
    const rows = [];
    // Repeated polls (same request, same answer) are one row with a count.
    for (const e of network.entries) {
      const last = rows.at(-1);
      if (last && last.type === 'fetch' && e.type === 'fetch' && last.path === e.path && last.why === e.why && last.status === e.status && last.note === e.note) {
        last.count += 1;
      } else rows.push({ ...e, count: 1 });
    }
    list.replaceChildren(...rows.map((e) => {
      const li = document.createElement('li');
      li.dataset.kind = e.kind;
      li.dataset.type = e.type;
      if (e.status !== null) li.dataset.status = e.status;
      const line = document.createElement('span');
      line.className = 'req';
      const method = document.createElement('span');
      method.className = 'method';
      method.textContent = e.type === 'step' ? (e.kind === 'page' ? 'page' : 'go') : e.method;
      const path = document.createElement('code');
      path.className = 'path';
      path.textContent = e.path;
      if (e.origin) path.title = `${e.origin}${e.path}`;
      line.append(method, ' ', path);
      if (e.type === 'fetch') {
        const status = document.createElement('span');
        const ok = typeof e.status === 'number' && e.status < 400;
        // Answers that are a step of the flow, not a failure: wait, or go on with a second factor.
        const step = ['authorization_pending', 'slow_down', 'mfa_required'].includes(e.note);
        status.className = `st ${e.status === null || step ? 'wait' : ok ? 'ok' : 'bad'}`;
        status.textContent = e.status === null ? '…' : String(e.status);
        line.append(' ', status);
        if (e.note) line.append(` ${e.note}`);
        if (e.count > 1) line.append(` ×${e.count}`);
      }
      const why = document.createElement('span');
      why.className = 'why';
      why.textContent = e.why;
      li.append(line, why);
      return li;
    }));
  };
  network.subscribe(render);
  $('network-clear').onclick = () => network.clear();
  render();
}

setupNetwork();
main().catch((e) => {
  $('status').textContent = 'The demo could not start.';
  showError(e, { near: $('redirect-actions') });
});
