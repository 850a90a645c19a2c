// Signing keys of the test provider, generated fresh at every start.

import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

async function signingJwk(alg, options) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...options });
  const jwk = await exportJWK(privateKey);
  const thumbprint = await calculateJwkThumbprint(jwk);
  return {
    ...jwk,
    kid: `${alg.toLowerCase()}-${thumbprint.slice(0, 16)}`,
    use: 'sig',
    alg,
  };
}

// Public members of a JWK (drops the private key parameters).
const PUBLIC_MEMBERS = ['kty', 'kid', 'use', 'alg', 'n', 'e', 'crv', 'x', 'y'];
export function publicJwk(jwk) {
  return Object.fromEntries(PUBLIC_MEMBERS.filter((k) => jwk[k] !== undefined).map((k) => [k, jwk[k]]));
}

// Returns { jwks, publicJwks }: `jwks` holds the private JWKs in the shape the
// oidc-provider `jwks` option expects (RS256 first: it is the default for
// ID tokens and JWT access tokens), `publicJwks` what /jwks serves.
export async function generateSigningKeys() {
  const [rsa, ec] = await Promise.all([
    signingJwk('RS256', { modulusLength: 2048 }),
    signingJwk('ES256'),
  ]);
  const keys = [rsa, ec];
  return {
    jwks: { keys },
    publicJwks: { keys: keys.map(publicJwk) },
  };
}
