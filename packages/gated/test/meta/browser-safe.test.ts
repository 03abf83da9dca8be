// The core (src/ minus cli/ and node/) must run unchanged in browsers: no node: imports, no Node globals.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const NODE_ONLY = new Set(['cli', 'node']);

function coreFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return dir === SRC && NODE_ONLY.has(n) ? [] : coreFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('browser-safe core', () => {
  const files = coreFiles(SRC);
  it('finds the core files', () => expect(files.length).toBeGreaterThan(10));
  for (const f of files) {
    it(relative(SRC, f), () => {
      const code = readFileSync(f, 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
      expect(code).not.toMatch(/from\s+['"]node:|require\(|import\(['"]node:/);
      expect(code).not.toMatch(/\bprocess\.|\bBuffer\.|__dirname|from\s+['"](fs|path|os|url|worker_threads)['"]/);
      expect(code).not.toMatch(/from\s+['"]\.\.?\/(\.\.\/)*(cli|node)\//);
    });
  }
});
