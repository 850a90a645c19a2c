// The demo's "Requests" panel: every request the library makes, and why. A classic script, run
// before any module, so it wraps globalThis.fetch before oidc-wasm loads; the library is not
// changed. Navigations the library starts (the login page, a popup, a hidden iframe, logout)
// are recorded as steps. The list is kept in sessionStorage, so a login that leaves the page
// and comes back shows in one list. The page's own requests (its config, the provider's outbox)
// use window.demoNetwork.pageFetch and are not listed.
(() => {
  const KEY = 'oidc-wasm-demo.network';
  const MAX = 200;
  const pageFetch = globalThis.fetch.bind(globalThis);
  const listeners = new Set();
  let saved = {};
  try { saved = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') ?? {}; } catch { saved = {}; }
  const entries = Array.isArray(saved.entries) ? saved.entries : [];
  // Learned from discovery answers: which URL is the token endpoint, the JWKS, userinfo...
  const endpoints = saved.endpoints && typeof saved.endpoints === 'object' ? saved.endpoints : {};
  let nextId = entries.reduce((n, e) => Math.max(n, e.id + 1), 1);

  const save = () => {
    try { sessionStorage.setItem(KEY, JSON.stringify({ entries: entries.slice(-MAX), endpoints })); } catch { /* full or blocked */ }
  };
  const changed = (entry) => {
    save();
    for (const fn of listeners) {
      try { fn(entry, entries); } catch (e) { console.error(e); }
    }
  };
  const add = (entry) => {
    entry.id = nextId++;
    entry.t = Date.now();
    entries.push(entry);
    if (entries.length > MAX) entries.splice(0, entries.length - MAX);
    changed(entry);
    return entry;
  };

  // Who asked, when the page knows (the Verifier it runs): named in the requests made meanwhile.
  const actors = [];

  const GRANTS = {
    authorization_code: ['token', 'exchange the authorization code for tokens (with the PKCE code_verifier)'],
    refresh_token: ['token', 'refresh: a new access token with the refresh token (it rotates)'],
    password: ['token', 'log in with username and password (password grant)'],
    'http://auth0.com/oauth/grant-type/password-realm': ['token', 'log in with username and password (password-realm grant)'],
    'http://auth0.com/oauth/grant-type/passwordless/otp': ['token', 'log in with the one-time code (passwordless grant)'],
    'http://auth0.com/oauth/grant-type/mfa-otp': ['token', 'second factor: the authenticator app code (mfa-otp grant)'],
    'http://auth0.com/oauth/grant-type/mfa-oob': ['poll', 'second factor: is the push approved yet? (mfa-oob grant)'],
    'http://auth0.com/oauth/grant-type/mfa-recovery-code': ['token', 'second factor: a recovery code (mfa-recovery-code grant)'],
    'urn:ietf:params:oauth:grant-type:device_code': ['poll', 'device flow: approved yet? (device_code grant)'],
  };

  function params(body) {
    if (typeof body !== 'string') {
      if (body instanceof URLSearchParams) return body;
      if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) body = new TextDecoder().decode(body);
      else return new URLSearchParams();
    }
    const text = body.trim();
    if (text.startsWith('{')) {
      try {
        const o = JSON.parse(text);
        return new URLSearchParams(Object.entries(o).filter(([, v]) => typeof v !== 'object').map(([k, v]) => [k, String(v)]));
      } catch { return new URLSearchParams(); }
    }
    return new URLSearchParams(text);
  }

  const is = (url, name) => endpoints[name] && url.href.split('?')[0] === endpoints[name];

  /** [kind, why] of a request, from the endpoint it goes to. */
  function describe(url, method, body) {
    const p = url.pathname;
    if (p.endsWith('.wasm')) {
      return ['wasm', p.includes('crypto') ? 'load the signature arithmetic module (only where WebCrypto cannot check a signature)' : 'load the WebAssembly module (the client\'s core)'];
    }
    if (p.endsWith('/.well-known/openid-configuration')) return ['discovery', 'discovery: the provider\'s endpoints and its keys\' URL'];
    if (is(url, 'jwks_uri') || /\/(jwks|\.well-known\/jwks\.json)$/.test(p)) return ['jwks', 'JWKS: the provider\'s public keys, to check a token\'s signature'];
    if (is(url, 'token_endpoint') || p === '/oauth/token' || p === '/token') {
      const q = params(body);
      const grant = q.get('grant_type') ?? '';
      if (grant === 'http://auth0.com/oauth/grant-type/mfa-oob' && q.get('binding_code')) {
        return ['token', 'second factor: the code sent by SMS, voice or e-mail (mfa-oob grant)'];
      }
      const [kind, why] = GRANTS[grant] ?? ['token', `token request (${grant || 'no grant_type'})`];
      return [kind, why];
    }
    if (is(url, 'userinfo_endpoint') || p === '/userinfo' || p === '/me') return ['userinfo', 'userinfo: the user\'s claims, with the access token'];
    if (is(url, 'revocation_endpoint') || p === '/oauth/revoke' || p === '/token/revocation') return ['revocation', 'revoke the refresh token (RFC 7009)'];
    if (is(url, 'device_authorization_endpoint') || p === '/oauth/device/code') return ['device', 'device flow: a user code to show'];
    if (p === '/passwordless/start') {
      const q = params(body);
      const connection = q.get('connection');
      if (q.get('send') === 'link') return ['passwordless', 'passwordless: e-mail a magic link'];
      return ['passwordless', `passwordless: send a one-time code by ${connection === 'sms' ? 'SMS' : 'e-mail'}`];
    }
    if (p === '/dbconnections/signup') return ['signup', 'sign up: create the user in the database connection'];
    if (p === '/dbconnections/change_password') return ['signup', 'ask for a password reset e-mail'];
    if (p === '/mfa/authenticators') return ['mfa', 'MFA: list the user\'s second factors'];
    if (p.startsWith('/mfa/authenticators/') && method === 'DELETE') return ['mfa', 'MFA: remove a second factor'];
    if (p === '/mfa/associate') return ['mfa', 'MFA: enrol a second factor'];
    if (p === '/mfa/challenge') return ['mfa', 'MFA: challenge a factor (send the push or the code)'];
    return ['other', `${method} ${p}`];
  }

  /** A navigation's why, from its URL (the login page, prompt=none, logout). */
  function describeNavigation(url, how) {
    const q = url.searchParams;
    if (q.has('client_id') && (q.has('code_challenge') || q.has('response_type'))) {
      const parts = [q.get('code_challenge_method') === 'S256' ? 'PKCE S256' : null, q.has('state') ? 'state' : null,
        q.has('nonce') ? 'nonce' : null].filter(Boolean);
      const mode = q.get('response_mode') === 'web_message' ? ', answer by postMessage' : '';
      const silent = q.get('prompt') === 'none' ? 'silent login (prompt=none): a fresh token without showing anything' : 'the provider\'s login page';
      return `${how}: ${silent} (${parts.join(', ')}${mode})`;
    }
    if (/logout|session\/end/.test(url.pathname)) return `${how}: log out at the provider, then back to the app`;
    return `${how}: ${url.pathname}`;
  }

  function learn(json) {
    for (const k of ['token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'revocation_endpoint', 'device_authorization_endpoint',
      'authorization_endpoint', 'end_session_endpoint']) {
      if (typeof json?.[k] === 'string') endpoints[k] = json[k];
    }
  }

  const at = (href) => {
    try { return new URL(href, location.href); } catch { return null; }
  };

  globalThis.fetch = async function demoFetch(input, init = {}) {
    const url = at(input instanceof Request ? input.url : String(input));
    if (!url) return pageFetch(input, init);
    const method = String(init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const [kind, reason] = describe(url, method, init.body);
    const why = actors.length ? `${actors.at(-1)}: ${reason}` : reason;
    const entry = add({ type: 'fetch', kind, method, origin: url.origin, path: url.pathname, why, status: null, note: '' });
    let response;
    try {
      response = await pageFetch(input, init);
    } catch (e) {
      entry.status = 'failed';
      entry.note = e?.name === 'TimeoutError' ? 'timed out' : 'network error';
      changed(entry);
      throw e;
    }
    entry.status = response.status;
    const type = response.headers.get('content-type') ?? '';
    if (kind === 'wasm') {
      const size = Number(response.headers.get('content-length'));
      if (size) entry.note = `${Math.round(size / 1024)} KB`;
      changed(entry);
    } else if (type.includes('json')) {
      response.clone().json().then((json) => {
        if (kind === 'discovery') learn(json);
        if (response.status >= 400 && typeof json?.error === 'string') entry.note = json.error;
        else if (kind === 'jwks' && Array.isArray(json?.keys)) entry.note = `${json.keys.length} keys`;
        changed(entry);
      }, () => changed(entry));
    } else {
      changed(entry);
    }
    return response;
  };

  /** A navigation the library starts (or the page for it): listed as a step. */
  function navigation(href, how) {
    const url = at(href);
    if (!url) return;
    add({ type: 'step', kind: 'navigate', method: 'GET', origin: url.origin, path: url.pathname, why: describeNavigation(url, how), status: null, note: '' });
  }

  // Hidden iframes (getTokenSilently / checkSession without a refresh token): the library sets
  // their src before adding them to the page.
  new MutationObserver((records) => {
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (node.nodeName === 'IFRAME' && node.src) navigation(node.src, 'hidden iframe');
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });

  // loginWithPopup opens an empty popup, then sends it to the login page.
  const open = globalThis.open;
  globalThis.open = function demoOpen(...args) {
    const win = open.apply(this, args);
    add({ type: 'step', kind: 'navigate', method: 'GET', origin: '', path: '(popup)', why: 'popup: the provider\'s login page, the answer comes back by postMessage', status: win ? null : 'blocked', note: '' });
    return win;
  };

  window.demoNetwork = {
    pageFetch,
    entries,
    /** Called with (entry, entries) when an entry is added or its answer arrives. */
    subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    navigation,
    /** A marker: a page load, a callback. */
    step(path, why) { add({ type: 'step', kind: 'page', method: '', origin: location.origin, path, why, status: null, note: '' }); },
    /** Runs `fn` (a promise-returning function) with the requests it makes listed as `actor`'s. */
    async during(actor, fn) {
      actors.push(actor);
      try { return await fn(); } finally { actors.splice(actors.lastIndexOf(actor), 1); }
    },
    clear() { entries.length = 0; changed(null); },
  };
  const q = new URLSearchParams(location.search);
  let why = 'page loaded';
  if (location.pathname === '/callback' && q.has('error')) why = `back from the provider with an error: ${q.get('error')}`;
  else if (location.pathname === '/callback' && q.has('code')) why = `back from the provider with an authorization code (state${q.has('iss') ? ', iss' : ''})`;
  window.demoNetwork.step(location.pathname, why);
})();
