// Node-only: a TF.js Layers model read from disk — model.json and the weight shards it names, read only from the
// directory model.json is in.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GatedError } from '../errors.js';
import { loadTfjs } from '../io/tfjs/import.js';
import { checkShardPath } from '../io/tfjs/_weights.js';
import type { StackModel } from '../io/stack.js';

function readBytes(path: string): Uint8Array {
  try { return new Uint8Array(readFileSync(path)); } catch (e) {
    throw new GatedError('IO', `cannot read '${path}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** Reads a TF.js `model.json` and its shards (only from model.json's own directory) into a {@link StackModel}. */
export function readTfjsModel(jsonPath: string): StackModel {
  const dir = dirname(jsonPath);
  return loadTfjs(new TextDecoder().decode(readBytes(jsonPath)), (p) => readBytes(join(dir, checkShardPath(p))));
}
