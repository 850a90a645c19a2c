// The conditions the faulty provider (faulty-provider.mjs) injects: one per module of the OpenID
// Foundation's RP test plans (oidcc-client-basic, -config, -refreshtoken and -rp-initiated-logout
// certification plans), under the name the OpenID conformance suite gives the module, plus a few
// conditions those plans do not have, named `oidcc-client-extra-...`.
//
// A module is a set of hooks the provider calls while it answers; a module without hooks answers
// as a correct provider does. Every hook is optional:
//
//   discovery(doc, ctx)                the discovery document, before it is sent (mutate it)
//   jwks(ctx) -> [jwk]                 the public JWKs served at jwks_uri instead of the current ones
//   idToken(claims, ctx)               the claims of the code exchange's ID token (mutate)
//   refreshIdToken(claims, ctx)        the claims of a refresh's ID token (mutate)
//   beforeSigning(ctx)                 called (awaited) before an ID token is signed
//   alg                                the ID token's algorithm: 'RS256' (default) or 'ES256'
//   header(header, ctx)                the ID token's JWS header (mutate)
//   signature                          'none' (unsigned, RFC 7519 §6), 'HS256' (HMAC with a
//                                      secret the client does not have), 'corrupt' (signed, then
//                                      one bit of the signature flipped)
//   authorizationResponse(params, ctx) the redirect's parameters, a URLSearchParams (mutate)
//   userinfo(body, ctx)                the userinfo response (mutate)
//   spareKey                           true: a second RSA key, keys.spare, is generated for jwks()
//
// ctx: { issuer, clientId, options (given to op.use(module, options)), now (seconds), keys,
// rotateKeys() }. `spec` is the rule the condition breaks, `summary` what the provider does.

const HOUR = 3600;

export const MODULES = {
  'oidcc-client-test': {
    spec: 'OIDC Core §3.1',
    summary: 'a correct provider: code flow with PKCE, signed ID token, userinfo',
  },
  'oidcc-client-test-idtoken-sig-none': {
    spec: 'OIDC Core §3.1.3.7 step 7, RFC 8725 §3.1',
    summary: 'the ID token is unsigned (alg none) while discovery announces RS256 only',
    discovery(doc) { doc.id_token_signing_alg_values_supported = ['RS256']; },
    signature: 'none',
  },
  'oidcc-client-test-invalid-sig-rs256': {
    spec: 'OIDC Core §3.1.3.7 step 6, RFC 7515 §5.2',
    summary: 'the RS256 signature of the ID token has one bit flipped',
    signature: 'corrupt',
  },
  'oidcc-client-test-invalid-sig-es256': {
    spec: 'OIDC Core §3.1.3.7 step 6, RFC 7515 §5.2',
    summary: 'the ES256 signature of the ID token has one bit flipped',
    alg: 'ES256',
    signature: 'corrupt',
  },
  'oidcc-client-test-invalid-sig-hs256': {
    spec: 'OIDC Core §3.1.3.7 step 8, RFC 8725 §3.1',
    summary: 'discovery announces HS256 only; the ID token is HMAC-signed with a key the public client has no share of',
    discovery(doc) { doc.id_token_signing_alg_values_supported = ['HS256']; },
    signature: 'HS256',
  },
  'oidcc-client-test-invalid-iss': {
    spec: 'OIDC Core §3.1.3.7 step 2',
    summary: 'the ID token\'s iss is the issuer with a trailing slash (not an exact match)',
    idToken(claims) { claims.iss = `${claims.iss}/`; },
  },
  'oidcc-client-test-invalid-aud': {
    spec: 'OIDC Core §3.1.3.7 step 3',
    summary: 'the ID token\'s aud names another client',
    idToken(claims) { claims.aud = 'another-client'; },
  },
  'oidcc-client-test-missing-aud': {
    spec: 'OIDC Core §2, §3.1.3.7 step 3',
    summary: 'the ID token has no aud',
    idToken(claims) { delete claims.aud; },
  },
  'oidcc-client-test-missing-sub': {
    spec: 'OIDC Core §2',
    summary: 'the ID token has no sub',
    idToken(claims) { delete claims.sub; },
  },
  'oidcc-client-test-missing-iat': {
    spec: 'OIDC Core §2',
    summary: 'the ID token has no iat',
    idToken(claims) { delete claims.iat; },
  },
  'oidcc-client-test-nonce-invalid': {
    spec: 'OIDC Core §3.1.3.7 step 11',
    summary: 'the ID token\'s nonce is not the one of the authorization request',
    idToken(claims) { claims.nonce = 'a-nonce-the-client-never-sent'; },
  },
  'oidcc-client-extra-missing-nonce': {
    spec: 'OIDC Core §3.1.3.7 step 11',
    summary: 'the ID token has no nonce although the authorization request had one',
    idToken(claims) { delete claims.nonce; },
  },
  'oidcc-client-extra-expired-id-token': {
    spec: 'OIDC Core §3.1.3.7 step 9, RFC 7519 §4.1.4',
    summary: 'the ID token expired before it was sent: by default issued 2 h ago and expired 1 h ago; '
      + 'with { iat: "now" } issued now with exp 2 min before iat',
    idToken(claims, { now, options }) {
      if (options.iat === 'now') {
        claims.iat = now;
        claims.exp = now - 120;
      } else {
        claims.iat = now - 2 * HOUR;
        claims.exp = now - HOUR;
      }
    },
  },
  'oidcc-client-extra-iat-far-off': {
    spec: 'OIDC Core §3.1.3.7 step 10',
    summary: 'the ID token\'s iat is 2 h in the future (options.offset seconds), exp 1 h after it',
    idToken(claims, { now, options }) {
      claims.iat = now + (options.offset ?? 2 * HOUR);
      claims.exp = claims.iat + HOUR;
    },
  },
  'oidcc-client-test-kid-absent-single-jwks': {
    spec: 'OIDC Core §10.1, RFC 7515 §4.1.4',
    summary: 'no kid in the ID token nor in the RSA key; the JWKS holds that RSA key and an EC key',
    header(header) { delete header.kid; },
    jwks({ keys }) { return [withoutKid(keys.rsa.public), keys.ec.public]; },
  },
  'oidcc-client-test-kid-absent-multiple-jwks': {
    spec: 'OIDC Core §10.1, RFC 7515 §4.1.4',
    summary: 'no kid in the ID token; the JWKS holds two RSA keys without kid',
    spareKey: true,
    header(header) { delete header.kid; },
    jwks({ keys }) { return [withoutKid(keys.rsa.public), withoutKid(keys.spare.public)]; },
  },
  'oidcc-client-test-signing-key-rotation': {
    spec: 'OIDC Core §10.1.1',
    summary: 'the test calls op.rotateKeys() between two logins: a new RSA key (new kid) replaces the old one in the JWKS',
  },
  'oidcc-client-test-signing-key-rotation-just-before-signing': {
    spec: 'OIDC Core §10.1.1',
    summary: 'a new RSA key (new kid) replaces the old one right before each ID token is signed',
    async beforeSigning({ rotateKeys }) { await rotateKeys(); },
  },
  'oidcc-client-test-invalid-athash': {
    spec: 'OIDC Core §3.1.3.8, §3.2.2.9',
    summary: 'the ID token\'s at_hash is the hash of another access token',
    idToken(claims) { claims.at_hash = 'qI-kgLMb6bhvRB53sY7N-w'; },
  },
  'oidcc-client-test-missing-athash': {
    spec: 'OIDC Core §3.1.3.6 (at_hash OPTIONAL in the code flow)',
    summary: 'the ID token has no at_hash',
    idToken(claims) { delete claims.at_hash; },
  },
  'oidcc-client-test-invalid-chash': {
    spec: 'OIDC Core §3.3.2.11 (hybrid flow only)',
    summary: 'the token endpoint\'s ID token carries a wrong c_hash',
    idToken(claims) { claims.c_hash = 'qI-kgLMb6bhvRB53sY7N-w'; },
  },
  'oidcc-client-test-userinfo-invalid-sub': {
    spec: 'OIDC Core §5.3.2',
    summary: 'the userinfo response is for another sub than the ID token',
    userinfo(body) { body.sub = 'conformance|mallory'; },
  },
  'oidcc-client-test-discovery-issuer-mismatch': {
    spec: 'OIDC Discovery §4.3',
    summary: 'the discovery document\'s issuer is another one than the issuer it was fetched for',
    discovery(doc) { doc.issuer = `${doc.issuer}/invalid`; },
  },
  'oidcc-client-extra-authorization-response-iss-wrong': {
    spec: 'RFC 9207 §2.4',
    summary: 'the authorization response carries another issuer\'s iss (a mix-up)',
    authorizationResponse(params) { params.set('iss', 'https://attacker.example'); },
  },
  'oidcc-client-extra-authorization-response-iss-missing': {
    spec: 'RFC 9207 §2.4',
    summary: 'the authorization response has no iss; discovery announces authorization_response_iss_parameter_supported '
      + '(unless { announce: false })',
    discovery(doc, { options }) { if (options.announce === false) delete doc.authorization_response_iss_parameter_supported; },
    authorizationResponse(params) { params.delete('iss'); },
  },
  'oidcc-client-test-refresh-token': {
    spec: 'RFC 6749 §6, RFC 9700 §4.14.2',
    summary: 'refresh tokens rotate: each refresh spends the one presented; a spent one revokes the grant',
  },
  'oidcc-client-test-refresh-token-invalid-sub': {
    spec: 'OIDC Core §12.2',
    summary: 'the refresh response\'s ID token is for another sub',
    refreshIdToken(claims) { claims.sub = 'conformance|mallory'; },
  },
  'oidcc-client-test-refresh-token-invalid-issuer': {
    spec: 'OIDC Core §12.2',
    summary: 'the refresh response\'s ID token has another iss',
    refreshIdToken(claims) { claims.iss = 'https://attacker.example'; },
  },
  'oidcc-client-test-rp-init-logout': {
    spec: 'OIDC RP-Initiated Logout §2, §3',
    summary: 'end_session_endpoint checks id_token_hint (signature, iss, aud) and post_logout_redirect_uri, then redirects',
  },
};

function withoutKid(jwk) {
  const { kid: _, ...rest } = jwk;
  return rest;
}
