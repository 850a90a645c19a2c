// Auth0 Authentication API endpoints that oidc-provider does not have, on the
// same server (see README.md in the parent directory, "Auth0 Authentication
// API"):
//
//   POST /passwordless/start                       passwordless.mjs
//   GET  /passwordless/verify_redirect             magic-link.mjs
//   POST /dbconnections/signup, /change_password   dbconnections.mjs
//   GET|POST|DELETE /mfa/...                       mfa.mjs
//   GET  /v2/logout                                logout.mjs
//   token endpoint grants (also at /oauth/token)   grants.mjs, http.mjs
//   /__test/... helpers                            harness.mjs
//
// Wiring (server.mjs):
//   const auth0 = createAuth0({...});
//   provider = new Provider(...);  auth0.registerGrants(provider);
//   auth0.registerRoutes(router);  provider.use(auth0.middleware) before compat

import { createRouteHelper, tokenEndpointMiddleware } from './http.mjs';
import { createDbConnections } from './dbconnections.mjs';
import { registerGrants } from './grants.mjs';
import { registerAuth0TestEndpoints } from './harness.mjs';
import { createLogout } from './logout.mjs';
import { createMagicLink } from './magic-link.mjs';
import { createMfa } from './mfa.mjs';
import { createPasswordless } from './passwordless.mjs';
import { createState } from './state.mjs';

export * from './constants.mjs';
export { DAVE_PUSH_AUTHENTICATOR_ID, DAVE_RECOVERY_AUTHENTICATOR_ID, DAVE_RECOVERY_CODE } from './mfa-users.mjs';
export { base32Decode, base32Encode, totp, verifyTotp } from './totp.mjs';

export function createAuth0({
  issuer,
  accounts,
  allowedOrigins,
  tokenPath,
  authorizationPath,
  oidcScopes,
  resourceScopes,
  passwordlessInterval = 5,
  mfaPollInterval = 5,
  log = () => {},
}) {
  const state = createState();
  let provider;
  let errors;
  let passwordless;
  let mfa;
  let db;
  let magicLink;
  let logout;

  function reset() {
    state.reset();
    accounts.removeAddedUsers();
    logout?.reset();
  }

  return {
    middleware: tokenEndpointMiddleware({ tokenPath, authorizationPath }),

    // Call once, right after `new Provider(...)`, before the first request.
    registerGrants(theProvider, providerErrors) {
      provider = theProvider;
      errors = providerErrors;
      passwordless = createPasswordless({ state, accounts, provider, issuer, interval: passwordlessInterval });
      mfa = createMfa({ state, accounts, issuer, pollInterval: mfaPollInterval });
      db = createDbConnections({ state, accounts, provider, issuer });
      magicLink = createMagicLink({ provider, passwordless, issuer, oidcScopes, resourceScopes });
      logout = createLogout({ provider });
      registerGrants(provider, { errors, accounts, mfa, passwordless, oidcScopes, resourceScopes });
    },

    registerRoutes(router) {
      if (!provider) throw new Error('registerGrants() first');
      const route = createRouteHelper({ router, allowedOrigins, log });
      passwordless.register(route);
      db.register(route);
      mfa.register(route);
      magicLink.register(router);
      logout.register(router);
      registerAuth0TestEndpoints(router, { state, mfa, reset });
    },

    // For code that starts the provider in-process (op.auth0).
    testApi: {
      reset,
      get outbox() {
        return state.outbox;
      },
      lastCode(to) {
        return state.lastMessage(to, (m) => m.kind === 'passwordless')?.code;
      },
      approveOob: (oobCode) => mfa.decide(oobCode, 'approve').status === 204,
      denyOob: (oobCode) => mfa.decide(oobCode, 'deny').status === 204,
      expireOob: (oobCode) => mfa.decide(oobCode, 'expire').status === 204,
    },
  };
}
