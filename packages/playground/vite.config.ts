// Vite config of the playground: `npm run web` serves it; `npm run build:web` writes a static dist-web/ (at the
// repository's top) with relative paths (any static host, any sub-path) and no external requests.
// `gated` resolves to the library's sources, so the playground needs no library build first.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  base: './',
  resolve: { alias: [{ find: /^gated$/, replacement: at('../gated/src/index.ts') }] },
  build: { outDir: '../../dist-web', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 800 },
  worker: { format: 'es' },
  server: { fs: { allow: ['../..'] } },
});
