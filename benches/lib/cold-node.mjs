// One Node cold-start sample, in a fresh process: argv[2] is JSON
// { contender: 'size' | 'speed' | 'verifier' | 'jose', libUrl, fixtures, token, nextToken, jwksUri }. Prints the timings as JSON.
import { coldStart } from './passes.mjs';

const args = JSON.parse(process.argv[2]);
const r = await coldStart({ ...args, importLib: () => import(args.libUrl) });
process.stdout.write(JSON.stringify(r));
