// A `gated` model directory as one .zip file (fflate), so the browser and the CLI exchange models: the zip holds
// model.safetensors, config.json and optimizer.safetensors (+ state.json from the CLI) at its top level or in one folder.
import { unzipSync, zipSync } from 'fflate';
import type { Files } from './protocol.js';

/** The names of a model directory's files; anything else in an upload is ignored. */
const KNOWN = ['model.safetensors', 'config.json', 'optimizer.safetensors', 'state.json', 'metrics.json'];

export function zipModel(files: Files): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, bytes])), { level: 6 });
}

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/**
 * The model directory in what the user dropped or picked: one .zip (of the directory or its files), or the files
 * themselves. Throws an Error saying what was expected when model.safetensors or config.json is missing.
 */
export function modelFiles(uploads: { name: string; bytes: Uint8Array }[]): Files {
  const entries: { name: string; bytes: Uint8Array }[] = [];
  for (const u of uploads) {
    if (u.name.toLowerCase().endsWith('.zip')) {
      for (const [path, bytes] of Object.entries(unzipSync(u.bytes))) if (!path.endsWith('/') && !path.startsWith('__MACOSX/')) entries.push({ name: path, bytes });
    } else entries.push(u);
  }
  const files: Files = {};
  for (const e of entries) {
    const name = baseName(e.name);
    if (!KNOWN.includes(name)) continue;
    if (files[name]) throw new Error(`more than one ${name} in what was loaded: give one model directory`);
    files[name] = e.bytes;
  }
  const missing = ['model.safetensors', 'config.json'].filter((n) => !files[n]);
  if (missing.length) throw new Error(`a model needs model.safetensors and config.json; missing: ${missing.join(', ')} (got ${entries.map((e) => e.name).join(', ') || 'nothing'})`);
  return files;
}
