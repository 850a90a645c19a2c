// A workerd cold-start worker (one per sample, so one fresh isolate each): the library is imported
// dynamically inside the first request, so its evaluation is part of the figure.
import { coldStart } from './passes.mjs';

export default {
  async fetch(request) {
    const args = await request.json();
    return Response.json(await coldStart({ ...args, importLib: () => import('./lib.mjs') }));
  },
};
