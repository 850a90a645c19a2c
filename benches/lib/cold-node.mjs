// One Node cold-start sample, in a fresh process: argv[2] is JSON
// { contender, libUrl, crypto?, fixtures, token, nextToken, jwksUri } (see coldArgs in verify.mjs). Prints the timings as JSON.
import { coldStart } from './passes.mjs';

const args = JSON.parse(process.argv[2]);
const r = await coldStart({ ...args, importLib: () => import(args.libUrl) });
process.stdout.write(JSON.stringify(r));
