// Vite config of the playground: `npm run web` serves web/; `npm run build:web` writes a static dist-web/ with
// relative paths (any static host, any sub-path) and no external requests.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { outDir: '../dist-web', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 800 },
  worker: { format: 'es' },
  server: { fs: { allow: ['..'] } },
});
