// Auth0's grant types at the token endpoint, registered on oidc-provider with
// provider.registerGrantType():
//
//   password                                            username, password, realm?, scope, audience
//   http://auth0.com/oauth/grant-type/password-realm    username, password, realm, scope, audience
//   http://auth0.com/oauth/grant-type/passwordless/otp  username, otp, realm (email|sms), scope, audience
//   http://auth0.com/oauth/grant-type/mfa-otp           mfa_token, otp
//   http://auth0.com/oauth/grant-type/mfa-oob           mfa_token, oob_code, binding_code?
//   http://auth0.com/oauth/grant-type/mfa-recovery-code mfa_token, recovery_code
//
// Tokens are issued by oidc-provider's own code path (the one its
// authorization_code and device_code grants use), so they are the provider's
// ordinary tokens: ID token signed with the client's alg, RFC 9068 JWT access
// token for the API audience (opaque userinfo token without one), rotating
// refresh token with offline_access. A user who requires MFA gets Auth0's 403
// mfa_required with an mfa_token instead; the mfa-* grants then issue the
// tokens of that first request (its scope and audience).

// oidc-provider keeps its grant helpers internal; these are the modules its
// built-in grants use (oidc-provider 9, no `exports` map in its package.json).
import * as grantHelpers from 'oidc-provider/lib/helpers/grants.js';
import { issueTokens } from 'oidc-provider/lib/helpers/grant_common.js';

import {
  DATABASE_CONNECTION,
  GRANT_MFA_OOB,
  GRANT_MFA_OTP,
  GRANT_MFA_RECOVERY_CODE,
  GRANT_PASSWORD,
  GRANT_PASSWORDLESS_OTP,
  GRANT_PASSWORD_REALM,
  PASSWORDLESS_CONNECTIONS,
} from './constants.mjs';
import { Auth0Error } from './http.mjs';
import { nowSeconds } from './state.mjs';

if (typeof issueTokens !== 'function' || typeof grantHelpers.validateDpop !== 'function') {
  throw new Error('oidc-provider internals changed: auth0/grants.mjs needs issueTokens and the grant helpers');
}

/**
 * A new (unsaved) Grant for an account and client: the requested OpenID scopes, and the API
 * scopes for `resource` (what the authorization endpoint holds after automatic consent; see
 * loadExistingGrant in ../provider-config.mjs).
 */
export function newGrant(provider, { accountId, clientId, scopes, resource, oidcScopes, resourceScopes }) {
  const grant = new provider.Grant({ accountId, clientId });
  const oidc = scopes.filter((s) => oidcScopes.includes(s));
  if (oidc.length) grant.addOIDCScope(oidc.join(' '));
  if (resource) {
    const api = scopes.filter((s) => resourceScopes[resource].includes(s));
    if (api.length) grant.addResourceScope(resource, api.join(' '));
  }
  return grant;
}

export function registerGrants(provider, {
  errors,
  accounts,
  mfa,
  passwordless,
  oidcScopes,
  resourceScopes,
}) {
  const helpers = Object.fromEntries(
    Object.entries(grantHelpers).map(([name, helper]) => [name, helper.bind(undefined, provider)]),
  );

  // Auth0Error -> an oidc-provider error rendered by its token endpoint.
  function toProviderError(ctx, err) {
    if (!(err instanceof Auth0Error)) return err;
    for (const [name, value] of Object.entries(err.headers ?? {})) {
      ctx.set(name, value);
      const exposed = ctx.response.get('Access-Control-Expose-Headers');
      if (ctx.response.get('Access-Control-Allow-Origin')) {
        ctx.set('Access-Control-Expose-Headers', exposed ? `${exposed}, ${name}` : name);
      }
    }
    const out = new errors.CustomOIDCProviderError(err.error, err.description);
    out.status = err.status;
    out.statusCode = err.status;
    return out;
  }

  function presence(ctx, ...names) {
    const missing = names.filter((name) => ctx.oidc.params[name] === undefined);
    if (missing.length) {
      throw new errors.InvalidRequest(`missing required parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    }
  }

  // Known audience (checked before the first factor, so that a bad audience
  // is reported before an mfa_required).
  function requestedResource(ctx) {
    const { resource } = ctx.oidc.params;
    if (resource === undefined) return undefined;
    if (!resourceScopes[resource]) {
      throw new errors.InvalidTarget(`unknown resource indicator (audience) ${resource}`);
    }
    return resource;
  }

  // Known scopes of the request (unknown ones are dropped, as Auth0 does).
  function requestedScope(scope, resource) {
    const known = new Set([...oidcScopes, ...(resource ? resourceScopes[resource] : [])]);
    return [...new Set(String(scope ?? '').split(' ').filter((s) => known.has(s)))];
  }

  async function issue(ctx, { accountId, scope, resource, amr, gty, extra }) {
    const dPoP = await helpers.validateDpop(ctx);
    const cert = helpers.checkMtlsCert(ctx);
    helpers.checkDpopRequired(ctx, dPoP);

    const scopes = requestedScope(scope, resource);
    const grant = newGrant(provider, { accountId, clientId: ctx.oidc.client.clientId, scopes, resource, oidcScopes, resourceScopes });
    const grantId = await grant.save();
    ctx.oidc.entity('Grant', grant);

    const source = {
      accountId,
      grantId,
      scope: scopes.join(' '),
      scopes: new Set(scopes),
      resource,
      resourceIndicators: new Set(resource ? [resource] : []),
      amr,
      authTime: nowSeconds(),
      expiresWithSession: false,
    };
    await issueTokens(provider, helpers, ctx, source, grant, { gty, entityLabel: 'grant', cert, dPoP });
    if (extra) ctx.body = { ...ctx.body, ...extra };
  }

  // After the first factor: tokens, or mfa_required for users with MFA.
  async function firstFactorDone(ctx, sub, { scope, resource, gty }) {
    if (!mfa.requiresMfa(sub)) {
      await issue(ctx, { accountId: sub, scope, resource, gty });
      return;
    }
    const mfaToken = mfa.issueMfaToken({ sub, clientId: ctx.oidc.client.clientId, scope, resource });
    ctx.status = 403;
    ctx.body = {
      error: 'mfa_required',
      error_description: 'Multifactor authentication required',
      mfa_token: mfaToken,
      mfa_requirements: mfa.requirements(sub),
    };
  }

  function grantType(name, params, handler) {
    provider.registerGrantType(name, async (ctx) => {
      try {
        await handler(ctx);
      } catch (err) {
        throw toProviderError(ctx, err);
      }
    }, params);
  }

  async function passwordGrant(ctx, gty, realmRequired) {
    presence(ctx, 'username', 'password', ...(realmRequired ? ['realm'] : []));
    const { username, password, realm, scope } = ctx.oidc.params;
    if (realm !== undefined && realm !== DATABASE_CONNECTION) {
      throw new errors.InvalidRequest(`unknown realm ${realm}: the database connection is ${DATABASE_CONNECTION}`);
    }
    const resource = requestedResource(ctx);
    const sub = accounts.authenticate(username, password);
    if (!sub) throw new Auth0Error(403, 'invalid_grant', 'Wrong email or password.');
    await firstFactorDone(ctx, sub, { scope, resource, gty });
  }

  const common = ['scope', 'audience', 'resource'];

  grantType(GRANT_PASSWORD, [...common, 'username', 'password', 'realm'],
    (ctx) => passwordGrant(ctx, 'password', false));

  grantType(GRANT_PASSWORD_REALM, [...common, 'username', 'password', 'realm'],
    (ctx) => passwordGrant(ctx, 'password-realm', true));

  grantType(GRANT_PASSWORDLESS_OTP, [...common, 'username', 'otp', 'realm', 'redirect_uri'], async (ctx) => {
    presence(ctx, 'username', 'otp', 'realm');
    const { username, otp, realm, scope } = ctx.oidc.params;
    if (!PASSWORDLESS_CONNECTIONS.includes(realm)) {
      throw new errors.InvalidRequest(`unknown realm ${realm}: use email or sms`);
    }
    const resource = requestedResource(ctx);
    const user = passwordless.verify({ connection: realm, username, otp, clientId: ctx.oidc.client.clientId });
    await firstFactorDone(ctx, user.claims.sub, { scope, resource, gty: 'passwordless-otp' });
  });

  grantType(GRANT_MFA_OTP, ['mfa_token', 'otp'], async (ctx) => {
    presence(ctx, 'mfa_token', 'otp');
    const context = mfa.contextForGrant(ctx.oidc.params.mfa_token, ctx.oidc.client.clientId);
    mfa.verifyOtp(context, ctx.oidc.params.otp);
    await issue(ctx, { accountId: context.sub, scope: context.scope, resource: context.resource, amr: ['mfa'], gty: 'mfa-otp' });
  });

  grantType(GRANT_MFA_OOB, ['mfa_token', 'oob_code', 'binding_code'], async (ctx) => {
    presence(ctx, 'mfa_token', 'oob_code');
    const context = mfa.contextForGrant(ctx.oidc.params.mfa_token, ctx.oidc.client.clientId);
    mfa.verifyOob(ctx, context, ctx.oidc.params.oob_code, ctx.oidc.params.binding_code);
    await issue(ctx, { accountId: context.sub, scope: context.scope, resource: context.resource, amr: ['mfa'], gty: 'mfa-oob' });
  });

  grantType(GRANT_MFA_RECOVERY_CODE, ['mfa_token', 'recovery_code'], async (ctx) => {
    presence(ctx, 'mfa_token', 'recovery_code');
    const context = mfa.contextForGrant(ctx.oidc.params.mfa_token, ctx.oidc.client.clientId);
    const recoveryCode = mfa.useRecoveryCode(context, ctx.oidc.params.recovery_code);
    await issue(ctx, {
      accountId: context.sub,
      scope: context.scope,
      resource: context.resource,
      amr: ['mfa'],
      gty: 'mfa-recovery-code',
      extra: { recovery_code: recoveryCode },
    });
  });
}
