// A `gated` model directory as one .zip file (fflate), so the browser and the CLI exchange models. An upload is the
// zip saved here, a zip of a directory written by `gated train` (files at the top or in one folder, with or without
// its previous/ checkpoint), or the loose files. Checkpoints are verified as the CLI verifies them (gated/node's
// readCheckpoint): state.json lists the SHA-256 of every file; when the latest does not match, previous/ is used.
// Sizes are checked before bytes are read or inflated: a picked file by its File.size, a zip entry by its declared size.
import { unzipSync, zipSync } from 'fflate';
import { MAX_JSON_BYTES, parseJsonLimited } from './gated.js';
import type { Files } from './protocol.js';

/** The names of a model directory's files; anything else in an upload is ignored. */
const KNOWN = ['model.safetensors', 'config.json', 'optimizer.safetensors', 'state.json', 'metrics.json'];

/** Largest upload read (a .zip, or one file of a model, zipped or not): 2 GiB; JSON files: MAX_JSON_BYTES (16 MiB). */
export const MAX_UPLOAD_BYTES = 2 ** 31;

const limitOf = (name: string): number => (name.toLowerCase().endsWith('.json') ? MAX_JSON_BYTES : MAX_UPLOAD_BYTES);
const checkSize = (name: string, size: number): void => {
  if (size > limitOf(name)) throw new Error(`${name} is ${size} bytes, more than the ${limitOf(name)} bytes a model file may have`);
};

/** Refuses picked or dropped files over their limit before any of them is read (File.size is known up front). */
export function checkUploadSizes(files: readonly { name: string; size: number }[]): void {
  for (const f of files) checkSize(f.name, f.size);
}
const PREVIOUS = 'previous';

export function zipModel(files: Files): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, bytes])), { level: 6 });
}

const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** The model directory found in an upload, and its previous/ checkpoint when it has one. */
export interface FoundModel { files: Files; previous: Files | null; dir: string }

/**
 * The model directory in what the user dropped or picked. Files are grouped by folder; the model is the folder with
 * model.safetensors and config.json that is not a previous/ checkpoint (its previous/ is kept aside). Throws an
 * Error saying what was expected and what came when there is none, or more than one.
 */
export function modelFiles(uploads: { name: string; bytes: Uint8Array }[]): FoundModel {
  const entries: { name: string; bytes: Uint8Array }[] = [];
  for (const u of uploads) {
    if (u.name.toLowerCase().endsWith('.zip')) {
      let inside: Record<string, Uint8Array>;
      // a model file is inflated only when its declared size is within its limit
      const wanted = (f: { name: string; originalSize: number }): boolean => {
        if (KNOWN.includes(baseName(f.name))) checkSize(f.name, f.originalSize);
        return true;
      };
      try { inside = unzipSync(u.bytes, { filter: wanted }); } catch (e) { throw new Error(`${u.name} is not a readable .zip file (${(e as Error).message})`); }
      for (const [path, bytes] of Object.entries(inside)) if (!path.endsWith('/') && !path.startsWith('__MACOSX/')) entries.push({ name: path, bytes });
    } else { checkSize(u.name, u.bytes.length); entries.push(u); }
  }
  const dirs = new Map<string, Files>();
  for (const e of entries) {
    const name = baseName(e.name), dir = dirOf(e.name);
    if (!KNOWN.includes(name)) continue;
    const files = dirs.get(dir) ?? {};
    if (files[name]) throw new Error(`more than one ${name} in what was loaded: give one model directory`);
    files[name] = e.bytes;
    dirs.set(dir, files);
  }
  const isModel = (f: Files): boolean => f['model.safetensors'] !== undefined && f['config.json'] !== undefined;
  const models = [...dirs].filter(([d, f]) => isModel(f) && baseName(d) !== PREVIOUS);
  const got = entries.map((e) => e.name).join(', ') || 'nothing';
  if (models.length > 1) throw new Error(`more than one model directory in what was loaded (${models.map(([d]) => d || 'top level').join(', ')}): give one`);
  if (models.length === 0) {
    // a directory whose latest files are missing but whose previous/ checkpoint is complete still loads
    const prev = [...dirs].find(([d, f]) => isModel(f) && baseName(d) === PREVIOUS);
    if (prev) return { files: dirs.get(dirOf(prev[0])) ?? {}, previous: prev[1], dir: dirOf(prev[0]) };
    const all = Object.assign({}, ...dirs.values()) as Files;
    const missing = ['model.safetensors', 'config.json'].filter((n) => !all[n]);
    throw new Error(`a model needs model.safetensors and config.json${missing.length ? `; missing: ${missing.join(', ')}` : ' in one folder'} (got ${got})`);
  }
  const [dir, files] = models[0];
  return { files, previous: dirs.get(dir ? `${dir}/${PREVIOUS}` : PREVIOUS) ?? null, dir };
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** True when `files` is a checkpoint whose state.json checksums all match (false: no state.json, or a mismatch). */
async function verified(files: Files): Promise<boolean> {
  if (!files['state.json'] || !files['model.safetensors'] || !files['config.json']) return false;
  try {
    const sums = (parseJsonLimited(files['state.json'], 'state.json') as { files?: Record<string, string> }).files;
    if (!sums || typeof sums !== 'object') return false;
    for (const [name, sum] of Object.entries(sums)) if (!files[name] || await sha256(files[name]) !== sum) return false;
    return true;
  } catch { return false; }
}

/**
 * The files to load: a plain model as it is; a checkpoint (with state.json) when its checksums match, else its
 * previous/ checkpoint when that one does ('previous'); an Error when neither verifies.
 */
export async function chooseCheckpoint(found: FoundModel): Promise<{ files: Files; source: 'latest' | 'previous' | 'plain' }> {
  const { files, previous } = found;
  if (!files['state.json'] && files['model.safetensors'] && files['config.json']) return { files, source: 'plain' };
  if (await verified(files)) return { files, source: 'latest' };
  if (previous && await verified(previous)) return { files: previous, source: 'previous' };
  throw new Error(`the checkpoint${found.dir ? ` in ${found.dir}` : ''} is incomplete or corrupt (its files do not match the checksums in state.json)`
    + `${previous ? ' and so is its previous/ checkpoint' : ' and it has no previous/ checkpoint'}`);
}
