// An edge worker compiled with the WebWorker library and no DOM (tsconfig.worker.json), as a
// Cloudflare Worker or Deno project may be: both entry points' types must compile there too.
import { createVerifier, authErrorResponse, AuthError, errorCodes } from 'oidc-wasm/verifier';
import type { VerifyResult } from 'oidc-wasm/verifier';
import { createVerifier as createVerifierFromMain } from 'oidc-wasm';

const verifier = createVerifier({ issuer: 'https://tenant.auth0.com/', audience: 'https://api.example', typ: 'at+jwt' });
const idTokens = createVerifierFromMain({ issuer: 'https://tenant.auth0.com/', audience: 'spa-client-id' });

export default {
  async fetch(request: Request): Promise<Response> {
    try {
      const { payload }: VerifyResult = await (await verifier).verifyRequest(request);
      const idToken = request.headers.get('x-id-token');
      if (idToken) await (await idTokens).verify(idToken);
      return Response.json({ sub: payload.sub, scope: payload.scope });
    } catch (e) {
      if (e instanceof AuthError && errorCodes()[e.code] === 'network') return new Response('keys unavailable', { status: 503 });
      return authErrorResponse(e, { realm: 'api' });
    }
  },
};
