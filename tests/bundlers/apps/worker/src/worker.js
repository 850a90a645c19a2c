import { createVerifier, authErrorResponse } from 'oidc-wasm/verifier';

let verifier; // one per isolate: the provider's keys are fetched once and kept

export default {
  async fetch(request, env) {
    verifier ??= createVerifier({ issuer: env.ISSUER, audience: env.AUDIENCE });
    try {
      const { payload } = await (await verifier).verifyRequest(request);
      return Response.json({ sub: payload.sub });
    } catch (e) {
      return authErrorResponse(e, { realm: 'api' });
    }
  },
};
