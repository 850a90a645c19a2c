// Node.js: the .wasm is read from disk and instantiated synchronously at import, so the whole
// API is usable at once.
import { readFileSync } from 'node:fs';
import { constants, createPublicKey, verify } from 'node:crypto';
import { _setLoader, _initSync, _setSignatureBackend, _setWasmCryptoLoader } from './core.js';
import * as cryptoGlue from './oidc_wasm_crypto.js';

_setLoader(() => _initSync(readFileSync(new URL('./oidc_wasm_bg.wasm', import.meta.url))), { eager: true });
// The signature arithmetic module, read when first needed (node:crypto decides almost everything).
_setWasmCryptoLoader({
  sync: () => {
    cryptoGlue.initSync({ module: readFileSync(new URL('./oidc_wasm_crypto_bg.wasm', import.meta.url)) });
    return cryptoGlue;
  },
});

// Signature arithmetic by node:crypto (OpenSSL), synchronous, so verifySync uses it too. The
// core still decides everything else (see core.js).
const HASH = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', PS256: 'sha256', ES256: 'sha256' };
_setSignatureBackend({
  name: 'node:crypto',
  sync: true,
  importKey: (jwk) => createPublicKey({ key: jwk, format: 'jwk' }),
  verify: (alg, key, signature, data) => verify(HASH[alg], data,
    alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' }
      : alg === 'PS256' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key,
    signature),
});

export * from './core.js';
export * from './spa.js';
