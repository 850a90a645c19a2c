import { createServer } from 'node:http';
import { createVerifier, authErrorResponse } from 'oidc-wasm/verifier';

const verifier = await createVerifier({ issuer: process.env.ISSUER, audience: process.env.AUDIENCE });

const server = createServer(async (req, res) => {
  let answer;
  try {
    const { payload } = await verifier.verifyRequest({ headers: new Headers(req.headers) });
    answer = Response.json({ sub: payload.sub });
  } catch (e) {
    answer = authErrorResponse(e, { realm: 'api' });
  }
  res.writeHead(answer.status, Object.fromEntries(answer.headers)).end(await answer.text());
});
server.listen(Number(process.env.PORT ?? 8000), '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
