// oidc-wasm/verifier (the Verifier alone, over its own module) in Node.js: as ../node.js.
// core.js is pkg/core.js, copied next to this module's glue by scripts/build.sh.
import { readFileSync } from 'node:fs';
import { constants, createPublicKey, verify } from 'node:crypto';
import { _setLoader, _initSync, _setSignatureBackend, _setWasmCryptoLoader } from './core.js';
import * as cryptoGlue from '../oidc_wasm_crypto.js';

_setLoader(() => _initSync(readFileSync(new URL('./oidc_wasm_bg.wasm', import.meta.url))), { eager: true });
// The signature arithmetic module (pkg/'s, shared), read when first needed.
_setWasmCryptoLoader({
  sync: () => {
    cryptoGlue.initSync({ module: readFileSync(new URL('../oidc_wasm_crypto_bg.wasm', import.meta.url)) });
    return cryptoGlue;
  },
});

// Signature arithmetic by node:crypto (OpenSSL), synchronous, so verifySync uses it too.
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

export {
  AuthError, init, isReady, Verifier, createVerifier, authErrorResponse, decodeJwtUnverified, errorCodes, loadWasmCrypto,
  _glue, _signatureBackend, _wasmCrypto,
} from './core.js';
