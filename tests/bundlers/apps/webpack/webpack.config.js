import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './src/app.js',
  output: { path: fileURLToPath(new URL('public/build', import.meta.url)), publicPath: '/build/', filename: 'app.js' },
};
