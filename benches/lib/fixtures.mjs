// Keys and tokens, generated once per run in Node with jose.
import { generateKeyPair, exportJWK, SignJWT } from 'jose';

export const ISSUER = 'https://issuer.example/';
export const AUDIENCE = 'https://api.example';
export const STEADY_JWKS_URI = 'https://issuer.example/.well-known/jwks.json';

async function signAll(alg, kid, privateKey, n, now) {
  const tokens = [];
  for (let i = 0; i < n; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 50); j++) {
      batch.push(new SignJWT({ scope: 'read:messages' })
        .setProtectedHeader({ alg, kid, typ: 'JWT' })
        .setIssuer(ISSUER).setAudience(AUDIENCE)
        .setSubject(`user-${j}`).setJti(`${alg}-${j}-${now}`)
        .setIssuedAt(now).setExpirationTime(now + 6 * 3600)
        .sign(privateKey));
    }
    tokens.push(...await Promise.all(batch));
  }
  return tokens;
}

export async function makeFixtures(n) {
  const now = Math.floor(Date.now() / 1000);
  const rs = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const es = await generateKeyPair('ES256', { extractable: true });
  const keys = [
    { ...(await exportJWK(rs.publicKey)), kid: 'bench-rs256', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(es.publicKey)), kid: 'bench-es256', alg: 'ES256', use: 'sig' },
  ];
  const sets = {};
  for (const [alg, kid, key] of [['RS256', 'bench-rs256', rs.privateKey], ['ES256', 'bench-es256', es.privateKey]]) {
    const tokens = await signAll(alg, kid, key, n, now);
    sets[alg] = { tokens, first: { sub: 'user-0', jti: `${alg}-0-${now}` } };
  }
  return {
    issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256', 'ES256'],
    steadyJwksUri: STEADY_JWKS_URI, jwks: { keys }, sets,
  };
}
