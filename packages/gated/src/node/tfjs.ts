// Node-only: a TF.js Layers model read from disk — model.json and the weight shards it names, read only from the
// directory model.json is in: each shard resolved with realpath inside that directory, a regular file, and no
// larger than the bytes the manifest leaves for it.
import { dirname, join } from 'node:path';
import { loadTfjs } from '../io/tfjs/import.js';
import { checkShardPath } from '../io/tfjs/_weights.js';
import type { StackModel } from '../io/stack.js';
import { MAX_JSON_BYTES } from '../limits.js';
import { MAX_TENSOR_FILE_BYTES, readFileChecked } from './read.js';

/** Reads a TF.js `model.json` and its shards (only from model.json's own directory) into a {@link StackModel}. */
export function readTfjsModel(jsonPath: string): StackModel {
  const dir = dirname(jsonPath);
  const json = readFileChecked(jsonPath, { maxBytes: MAX_JSON_BYTES, what: 'a JSON file' });
  return loadTfjs(new TextDecoder().decode(json), (p, maxBytes) =>
    readFileChecked(join(dir, checkShardPath(p)), { within: dir, maxBytes: Math.min(maxBytes, MAX_TENSOR_FILE_BYTES), what: 'this shard (the manifest\'s byte count)' }));
}
