// Vitest: the whole suite runs against one kernel backend, chosen by GATED_BACKEND (see packages/gated/test/setup.ts).
// Tests check correctness, never timing: the generous timeouts only keep a busy CI machine from failing them.
// `gated`, `gated/node` and `gated-cli` resolve to their sources (as in tsconfig.json's paths).
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^gated$/, replacement: at('./packages/gated/src/index.ts') },
      { find: /^gated\/node$/, replacement: at('./packages/gated/src/node/index.ts') },
      { find: /^gated-cli$/, replacement: at('./packages/cli/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['packages/gated/test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
