// The workerd steady-state worker: POST the fixtures (one algorithm's token set), get the timings.
import { runPasses, makeContenders } from './passes.mjs';
import * as size from './oidc-size.mjs';
import * as speed from './oidc-speed.mjs';
import * as jose from './jose.mjs';

export default {
  async fetch(request) {
    const { fixtures, passes, repeatPasses } = await request.json();
    const contenders = await makeContenders({ oidc: { size, speed }, jose, fixtures });
    const out = await runPasses({ contenders, sets: fixtures.sets, passes, repeatPasses });
    return Response.json(out);
  },
};
