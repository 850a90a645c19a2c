// oidc-provider configuration of the test provider: clients, API (resource
// server), features, lifetimes.

import { AUTH0_GRANT_TYPES } from './auth0/constants.mjs';
import {
  deviceConfirmPage,
  deviceInputPage,
  deviceSuccessPage,
  errorPage,
  logoutPage,
  postLogoutPage,
} from './views.mjs';

export const SPA_CLIENT_ID = 'oidc-wasm-spa';
export const SPA_ES256_CLIENT_ID = 'oidc-wasm-spa-es256';

export const API_AUDIENCE = 'https://api.oidc-wasm.test';
export const API_SCOPES = ['read:messages', 'write:messages'];
// Scopes the API's access tokens may carry (oidc-provider filters the
// requested scope by this list when minting a token for the API).
export const API_TOKEN_SCOPES = ['openid', 'profile', 'email', 'offline_access', ...API_SCOPES];

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

export const SCOPE_CLAIMS = {
  profile: ['name', 'nickname', 'given_name', 'family_name', 'picture', 'updated_at'],
  email: ['email', 'email_verified'],
};

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export const REDIRECT_PATHS = ['/', '/callback', '/callback.html', '/silent.html', '/popup.html'];

// Cookie signing keys. Fixed values: this server is for tests and demos only.
export const COOKIE_KEYS = ['oidc-wasm-test-provider-cookie-key-1'];

export const REFRESH_TOKEN_TTL = 24 * 60 * 60;
export const DEVICE_CODE_TTL = 10 * 60;

export function normalizeOrigin(origin) {
  const url = new URL(origin);
  return url.origin;
}

export function clientMetadata(origins) {
  const base = {
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    // Plus Auth0's password, password-realm, passwordless OTP and MFA grants
    // (auth0/grants.mjs).
    grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT, ...AUTH0_GRANT_TYPES],
    response_types: ['code'],
    redirect_uris: origins.flatMap((o) => REDIRECT_PATHS.map((p) => `${o}${p}`)),
    post_logout_redirect_uris: origins.map((o) => `${o}/`),
  };
  return [
    {
      ...base,
      client_id: SPA_CLIENT_ID,
      client_name: 'oidc-wasm demo',
      id_token_signed_response_alg: 'RS256',
    },
    {
      ...base,
      client_id: SPA_ES256_CLIENT_ID,
      client_name: 'oidc-wasm demo (ES256)',
      id_token_signed_response_alg: 'ES256',
    },
  ];
}

function deviceInputMessage(err) {
  if (!err) return undefined;
  if (err.userCode || err.name === 'NoCodeError') return 'The code you entered is incorrect. Try again.';
  if (err.name === 'AbortedError') return 'The sign-in request was interrupted.';
  return 'There was an error processing your request.';
}

export function buildConfiguration({
  errors,
  jwks,
  adapter,
  accounts,
  compat,
  clientOrigins,
  accessTokenTtl,
  idTokenTtl,
  routes,
}) {
  const allowedOrigins = new Set(clientOrigins);

  return {
    ...(routes ? { routes } : {}),
    adapter,
    jwks,
    clients: clientMetadata(clientOrigins),
    findAccount: accounts.findAccount,

    scopes: OIDC_SCOPES,
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ['sub'],
      ...SCOPE_CLAIMS,
    },
    // Auth0 puts the scope's claims in the ID token; oidc-provider by default
    // only does so when the access token cannot be used at userinfo.
    conformIdTokenClaims: false,

    extraParams: compat.extraParams,
    responseTypes: ['code'],
    pkce: { required: () => true },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
    },

    cookies: {
      keys: COOKIE_KEYS,
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },

    clientBasedCORS(_ctx, origin) {
      return allowedOrigins.has(origin);
    },

    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },

    // First-party clients: every requested scope, claim and API scope is
    // granted without a consent page (this also makes prompt=none work for
    // new scopes or a new audience while a session exists).
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const accountId = oidc.account.accountId;
      const clientId = oidc.client.clientId;
      const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(clientId);

      let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (grant && grant.accountId !== accountId) grant = undefined;
      grant ||= new oidc.provider.Grant({ accountId, clientId });

      const scopes = [...oidc.requestParamOIDCScopes];
      if (scopes.length) grant.addOIDCScope(scopes.join(' '));
      const claims = [...oidc.requestParamClaims];
      if (claims.length) grant.addOIDCClaims(claims);
      for (const [indicator, resourceServer] of Object.entries(oidc.resourceServers)) {
        const rsScopes = [...oidc.requestParamScopes].filter((s) => resourceServer.scopes.has(s));
        if (rsScopes.length) grant.addResourceScope(indicator, rsScopes.join(' '));
      }
      await grant.save();
      return grant;
    },

    // Refresh tokens whenever offline_access was asked for; compat.mjs keeps
    // offline_access in the scope without prompt=consent.
    async issueRefreshToken(_ctx, client, source) {
      return client.grantTypeAllowed('refresh_token') && source.scopes.has('offline_access');
    },
    rotateRefreshToken: true,

    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessTokenTtl,
      AuthorizationCode: 60,
      BackchannelAuthenticationRequest: 10 * 60,
      ClientCredentials: 10 * 60,
      DeviceCode: DEVICE_CODE_TTL,
      Grant: REFRESH_TOKEN_TTL,
      IdToken: idTokenTtl,
      Interaction: 60 * 60,
      PreAuthorizedCode: 10 * 60,
      // A rotated refresh token keeps the expiry of the first one (absolute
      // lifetime of one day from the code exchange).
      RefreshToken(ctx) {
        const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
        return rotated ? rotated.remainingTTL : REFRESH_TOKEN_TTL;
      },
      Session: REFRESH_TOKEN_TTL,
    },

    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },

    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      // response_mode=web_message, as Auth0 offers it: silent authentication in an iframe and
      // popup login post the authorization response to the opener / parent window.
      webMessageResponseMode: { enabled: true, ack: 'individual-draft-01' },
      claimsParameter: { enabled: true },
      revocation: {
        enabled: true,
        async allowedPolicy(_ctx, client, token) {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      introspection: {
        enabled: true,
        async allowedPolicy(_ctx, client, token) {
          return !(client.clientAuthMethod === 'none' && token.clientId !== client.clientId);
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = logoutPage({ form, host: ctx.host });
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = postLogoutPage({
            clientName: ctx.oidc.client?.clientName || ctx.oidc.client?.clientId,
          });
        },
      },
      deviceFlow: {
        enabled: true,
        async userCodeInputSource(ctx, form, _out, err) {
          ctx.type = 'html';
          ctx.body = deviceInputPage({ form, error: deviceInputMessage(err) });
        },
        async userCodeConfirmSource(ctx, form, client, _deviceInfo, userCode) {
          ctx.type = 'html';
          ctx.body = deviceConfirmPage({
            form,
            clientName: client.clientName || client.clientId,
            userCode,
          });
        },
        async successSource(ctx) {
          ctx.type = 'html';
          ctx.body = deviceSuccessPage({
            clientName: ctx.oidc.client.clientName || ctx.oidc.client.clientId,
          });
        },
      },
      resourceIndicators: {
        enabled: true,
        async defaultResource(_ctx, _client, oneOf) {
          return oneOf;
        },
        // Without a `resource` at the token endpoint, use the one granted at
        // the authorization endpoint (Auth0's audience semantics). Otherwise
        // oidc-provider mints an opaque userinfo token whenever `openid` is in
        // the scope.
        async useGrantedResource() {
          return true;
        },
        async getResourceServerInfo(_ctx, resourceIndicator) {
          if (resourceIndicator !== API_AUDIENCE) {
            throw new errors.InvalidTarget(`unknown resource indicator (audience) ${resourceIndicator}`);
          }
          return {
            audience: API_AUDIENCE,
            scope: API_TOKEN_SCOPES.join(' '),
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  };
}
