// Signature arithmetic by node:crypto (OpenSSL), synchronous, so verifySync uses it too: the
// signature backend both Node.js entry points (node.js, verifier/node.js) hand to their core. The
// core still decides everything else (the algorithm allowed, the key, the signature's length).
import { constants, createPublicKey, verify } from 'node:crypto';

const HASH = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', PS256: 'sha256', ES256: 'sha256' };

export const nodeCryptoBackend = {
  name: 'node:crypto',
  sync: true,
  importKey: (jwk) => createPublicKey({ key: jwk, format: 'jwk' }),
  verify: (alg, key, signature, data) => verify(HASH[alg], data,
    alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' }
      : alg === 'PS256' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key,
    signature),
};
