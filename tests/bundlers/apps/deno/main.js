import { createVerifier, authErrorResponse } from 'oidc-wasm/verifier';

const verifier = await createVerifier({ issuer: Deno.env.get('ISSUER'), audience: Deno.env.get('AUDIENCE') });

Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.env.get('PORT') ?? 8000) }, async (request) => {
  try {
    const { payload } = await verifier.verifyRequest(request);
    return Response.json({ sub: payload.sub });
  } catch (e) {
    return authErrorResponse(e, { realm: 'api' });
  }
});
