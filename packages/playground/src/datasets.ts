// The playground's data: the shipped names list and Moby-Dick's opening (each a lazily loaded chunk of the build), and
// text the user pastes or drops. All of it is bundled: no request leaves the page.
import type { LMData } from './gated.js';

export type DatasetName = 'names' | 'moby-dick' | 'text';

export async function shippedData(name: 'names' | 'moby-dick'): Promise<LMData> {
  if (name === 'names') return { kind: 'lines', lines: (await import('./data/names.js')).names, source: 'names' };
  const m = await import('./data/moby.js');
  return { kind: 'stream', text: m.text, source: `moby-dick (chapters 1-${m.CHAPTERS})` };
}

/**
 * Pasted or dropped text. 'auto' reads it as lines (one example per line, like names) when it has at least 20
 * non-empty lines averaging at most 40 characters, else as one continuous stream (prose).
 */
export function textData(text: string, mode: 'auto' | 'lines' | 'stream'): LMData {
  const lines = text.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.length > 0);
  const asLines = mode === 'lines' || (mode === 'auto' && lines.length >= 20 && lines.reduce((n, l) => n + l.length, 0) / lines.length <= 40);
  return asLines ? { kind: 'lines', lines, source: 'pasted text' } : { kind: 'stream', text, source: 'pasted text' };
}
