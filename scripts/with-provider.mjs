// Runs a command with the local test provider up: `node scripts/with-provider.mjs -- cmd args...`.
// The command sees the issuer in OIDC_WASM_TEST_ISSUER; the provider stops when it exits.
import { spawn } from 'node:child_process';
import { startProvider } from '../tests/provider/server.mjs';

const i = process.argv.indexOf('--');
const [cmd, ...args] = process.argv.slice(i + 1);
const provider = await startProvider({ port: 0, quiet: true });
const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, OIDC_WASM_TEST_ISSUER: provider.issuer } });
child.on('exit', async (code, signal) => {
  await provider.close();
  process.exit(code ?? (signal ? 1 : 0));
});
