// Vitest: the whole suite runs against one kernel backend, chosen by GATED_BACKEND (see test/setup.ts).
// Tests check correctness, never timing: the generous timeouts only keep a busy CI machine from failing them.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { setupFiles: ['test/setup.ts'], testTimeout: 120_000, hookTimeout: 300_000 },
});
