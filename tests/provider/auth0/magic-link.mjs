// GET /passwordless/verify_redirect: the "magic link" e-mailed by
// POST /passwordless/start with send: 'link' (passwordless.mjs builds it).
//
// The link carries the authParams of the start request (response_type,
// redirect_uri, scope, state, nonce, audience / resource, code_challenge,
// code_challenge_method, response_mode) plus verification_code, connection,
// client_id and email. Opening it:
//
// 1. client_id must be a known client and redirect_uri one of its registered
//    redirect URIs; otherwise 400 (HTML page, or JSON for API-ish requests)
//    and no redirect.
// 2. Errors of the request itself (response_type other than code, missing or
//    non-S256 PKCE, unknown audience, ...) are sent to redirect_uri as
//    authorization errors, without touching the code.
// 3. The verification code is checked by passwordless.verify(), the very
//    function of the passwordless OTP grant: same code store, single use,
//    expiry, attempt limit, and the same user (an existing user with that
//    e-mail address, else a new passwordless user `email|<id>`). A wrong,
//    expired or used code redirects with error=access_denied.
// 4. Success: a Grant as oidc-provider's authorization endpoint would hold
//    for these scopes and audience, and an oidc-provider AuthorizationCode
//    (account, client, redirect_uri, scope, nonce, PKCE challenge,
//    resource), then a redirect with code, state and iss (RFC 9207). The
//    client redeems the code with the ordinary authorization_code grant.
//
// As on the login page, no second factor is asked for (carol and dave log in
// with the link alone), and no provider session (SSO cookie) is created: the
// code is not bound to a session.

import instance from 'oidc-provider/lib/helpers/weak_cache.js';

import { Auth0Error } from './http.mjs';
import { newGrant } from './grants.mjs';
import { nowSeconds } from './state.mjs';
import { escapeHtml, layout } from '../views.mjs';

export const VERIFY_REDIRECT_PATH = '/passwordless/verify_redirect';

const RESPONSE_MODES = ['query', 'fragment', 'form_post'];
const PKCE_VALUE = /^[\w.\-~]{43,128}$/;

// An error answered by a 400 page: the redirect_uri cannot be trusted.
function pageError(error, description) {
  return Object.assign(new Error(description), {
    status: 400,
    statusCode: 400,
    expose: true,
    error,
    error_description: description,
  });
}

// An error sent to the (registered) redirect_uri.
class RedirectError extends Error {
  constructor(error, description) {
    super(description);
    this.error = error;
    this.description = description;
  }
}

function formPostPage(action, params) {
  const inputs = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return layout('Submitting', `
<form method="post" action="${escapeHtml(action)}">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form>
<script>document.forms[0].submit()</script>`);
}

export function createMagicLink({ provider, passwordless, issuer, oidcScopes, resourceScopes }) {
  const { configuration } = instance(provider);
  if (typeof configuration?.pkce?.required !== 'function') {
    throw new Error('oidc-provider internals changed: auth0/magic-link.mjs needs the pkce configuration');
  }

  function respond(ctx, { redirectUri, responseMode, params }) {
    const out = Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === 'string'));
    ctx.set('Cache-Control', 'no-store');
    if (responseMode === 'form_post') {
      ctx.status = 200;
      ctx.type = 'html';
      ctx.body = formPostPage(redirectUri, out);
      return;
    }
    const url = new URL(redirectUri);
    if (responseMode === 'fragment') {
      url.hash = new URLSearchParams(out).toString();
    } else {
      for (const [k, v] of Object.entries(out)) url.searchParams.set(k, v);
    }
    ctx.status = 302;
    ctx.redirect(url.href);
  }

  // The Grant the authorization endpoint would hold after (automatic) consent.
  async function saveGrant({ accountId, clientId, scopes, resource }) {
    const grant = newGrant(provider, { accountId, clientId, scopes, resource, oidcScopes, resourceScopes });
    const grantId = await grant.save();
    return { grant, grantId };
  }

  async function handle(ctx) {
    ctx.state.route = 'auth0.passwordless.verify_redirect';
    const { query } = ctx;
    const single = (name) => {
      const value = query[name];
      if (Array.isArray(value)) return { duplicate: true };
      return { value: typeof value === 'string' && value !== '' ? value : undefined };
    };

    // 1. Who may receive the answer.
    const clientId = single('client_id');
    if (clientId.duplicate) throw pageError('invalid_request', "'client_id' parameter must not be provided twice");
    if (!clientId.value) throw pageError('invalid_request', 'missing required parameter client_id');
    const client = await provider.Client.find(clientId.value);
    if (!client) throw pageError('invalid_client', 'client is invalid');

    const redirect = single('redirect_uri');
    if (redirect.duplicate) throw pageError('invalid_request', "'redirect_uri' parameter must not be provided twice");
    if (!redirect.value) throw pageError('invalid_request', 'missing required parameter redirect_uri');
    if (!client.redirectUriAllowed(redirect.value)) {
      throw pageError('invalid_redirect_uri', "redirect_uri did not match any of the client's registered redirect_uris");
    }
    const redirectUri = redirect.value;

    const state = typeof query.state === 'string' ? query.state : undefined;
    const requestedMode = typeof query.response_mode === 'string' ? query.response_mode : undefined;
    const responseMode = RESPONSE_MODES.includes(requestedMode) ? requestedMode : 'query';
    const fail = (error, description) => respond(ctx, {
      redirectUri,
      responseMode,
      params: { error, error_description: description, state, iss: issuer },
    });

    try {
      // 2. The request itself.
      for (const [name, value] of Object.entries(query)) {
        if (Array.isArray(value)) throw new RedirectError('invalid_request', `'${name}' parameter must not be provided twice`);
      }
      if (requestedMode !== undefined && !RESPONSE_MODES.includes(requestedMode)) {
        throw new RedirectError('unsupported_response_mode', 'unsupported response_mode requested');
      }
      const responseType = query.response_type ?? 'code';
      if (responseType !== 'code' || !client.responseTypeAllowed('code')) {
        throw new RedirectError('unsupported_response_type', 'unsupported response_type requested');
      }
      if (!client.grantTypeAllowed('authorization_code')) {
        throw new RedirectError('unauthorized_client', 'the client may not use the authorization_code grant');
      }
      if (query.connection !== 'email') {
        throw new RedirectError('invalid_request', 'connection must be email: only e-mail messages carry a link');
      }
      const email = query.email;
      if (!email) throw new RedirectError('invalid_request', 'missing required parameter email');
      const verificationCode = query.verification_code;
      if (!verificationCode) throw new RedirectError('invalid_request', 'missing required parameter verification_code');

      // PKCE, as oidc-provider's authorization endpoint checks it.
      const codeChallenge = query.code_challenge || undefined;
      const codeChallengeMethod = query.code_challenge_method || undefined;
      if (!codeChallengeMethod && codeChallenge) {
        throw new RedirectError('invalid_request', 'code_challenge_method must be provided');
      }
      if (codeChallengeMethod !== undefined && codeChallengeMethod !== 'S256') {
        throw new RedirectError('invalid_request', 'not supported value of code_challenge_method');
      }
      if (!codeChallenge && configuration.pkce.required(ctx, client)) {
        throw new RedirectError('invalid_request', 'Authorization Server policy requires PKCE to be used for this request');
      }
      if (codeChallenge !== undefined && !PKCE_VALUE.test(codeChallenge)) {
        throw new RedirectError('invalid_request', 'code_challenge must be 43 to 128 characters of [A-Za-z0-9._~-]');
      }

      // Auth0's audience is the RFC 8707 resource (as in ../compat.mjs).
      const { audience } = query;
      if (audience && query.resource && audience !== query.resource) {
        throw new RedirectError('invalid_request', 'audience and resource must not differ');
      }
      const resource = query.resource || audience || undefined;
      if (resource !== undefined && !resourceScopes[resource]) {
        throw new RedirectError('invalid_target', `unknown resource indicator (audience) ${resource}`);
      }
      const known = new Set([...oidcScopes, ...(resource ? resourceScopes[resource] : [])]);
      const scopes = [...new Set(String(query.scope ?? 'openid').split(' ').filter((s) => known.has(s)))];

      // 3. The code, exactly like the passwordless OTP grant.
      let user;
      try {
        user = passwordless.verify({ connection: 'email', username: email, otp: verificationCode, clientId: client.clientId });
      } catch (err) {
        if (err instanceof Auth0Error) throw new RedirectError('access_denied', err.description);
        throw err;
      }

      // 4. Grant and authorization code.
      const accountId = user.claims.sub;
      const { grant, grantId } = await saveGrant({ accountId, clientId: client.clientId, scopes, resource });
      const granted = new Set(grant.getOIDCScopeFiltered(new Set(scopes)).split(' ').filter(Boolean));
      if (resource) {
        for (const s of grant.getResourceScopeFiltered(resource, new Set(scopes)).split(' ').filter(Boolean)) granted.add(s);
      }
      const code = new provider.AuthorizationCode({
        accountId,
        authTime: nowSeconds(),
        client,
        codeChallenge,
        codeChallengeMethod: codeChallenge ? codeChallengeMethod : undefined,
        grantId,
        nonce: query.nonce || undefined,
        redirectUri,
        resource,
        scope: [...granted].join(' '),
        // No provider session: the code must not be bound to one.
        expiresWithSession: false,
      });
      const value = await code.save();
      respond(ctx, { redirectUri, responseMode, params: { code: value, state, iss: issuer } });
    } catch (err) {
      if (err instanceof RedirectError) return fail(err.error, err.description);
      throw err;
    }
    return undefined;
  }

  function register(router) {
    router.get(VERIFY_REDIRECT_PATH, handle);
  }

  return { register };
}
