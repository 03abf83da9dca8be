// Vitest: the whole suite runs against one kernel backend, chosen by GATED_BACKEND (see test/setup.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { setupFiles: ['test/setup.ts'] },
});
