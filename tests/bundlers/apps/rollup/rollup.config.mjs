import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'src/app.js',
  output: { dir: 'public/build', format: 'es' },
  plugins: [nodeResolve({ browser: true })],
};
