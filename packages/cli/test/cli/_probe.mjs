// Preloaded into the CLI by reliability.test.ts (node --import): at exit, writes the peak resident set size (KiB)
// and the CPU time used (user + system, ms) as JSON to the file named by GATED_TEST_PROBE_FILE.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const u = process.resourceUsage();
  if (process.env.GATED_TEST_PROBE_FILE) writeFileSync(process.env.GATED_TEST_PROBE_FILE, JSON.stringify({ rssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
});
