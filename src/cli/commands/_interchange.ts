// Shared by `gated convert` and `gated run`: reading a model from any interchange source on disk — a gated model
// directory, an .onnx file, or a TF.js model.json (with its weight shards beside it).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GatedError } from '../../errors.js';
import { loadOnnx, type OnnxModel } from '../../io/onnx/import.js';
import { decodeStackDir, type StackModel } from '../../io/stack.js';
import { checkShardPath } from '../../io/tfjs/_weights.js';
import { loadTfjs } from '../../io/tfjs/import.js';
import { readModelDir } from '../../node/files.js';

export type Source = { kind: 'stack'; model: StackModel; from: string } | { kind: 'onnx'; model: OnnxModel; bytes: Uint8Array };

function readBytes(path: string): Uint8Array {
  try { return new Uint8Array(readFileSync(path)); } catch (e) {
    throw new GatedError('IO', `cannot read '${path}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** A TF.js model.json and its shards, read only from the directory model.json is in. */
function readTfjs(jsonPath: string): StackModel {
  const dir = dirname(jsonPath);
  return loadTfjs(new TextDecoder().decode(readBytes(jsonPath)), (p) => readBytes(join(dir, checkShardPath(p))));
}

export function readSource(path: string): Source {
  if (!existsSync(path)) throw new GatedError('IO', `'${path}' does not exist`);
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'config.json'))) return { kind: 'stack', model: decodeStackDir(readModelDir(path)), from: 'gated model directory' };
    if (existsSync(join(path, 'model.json'))) return { kind: 'stack', model: readTfjs(join(path, 'model.json')), from: 'TF.js model' };
    throw new GatedError('IO', `'${path}' holds neither config.json (a gated model) nor model.json (a TF.js model)`);
  }
  if (path.endsWith('.json')) return { kind: 'stack', model: readTfjs(path), from: 'TF.js model' };
  const bytes = readBytes(path);
  return { kind: 'onnx', model: loadOnnx(bytes), bytes };
}
