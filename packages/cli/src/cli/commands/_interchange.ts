// Shared by `gated convert` and `gated run`: reading a model from any interchange source on disk — a gated model
// directory, an .onnx file, or a TF.js model.json (with its weight shards beside it).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GatedError, loadOnnx, type OnnxModel, decodeStackDir, type StackModel } from 'gated';
import { MAX_TENSOR_FILE_BYTES, readFileChecked, readModelDir, readTfjsModel } from 'gated/node';

export type Source = { kind: 'stack'; model: StackModel; from: string } | { kind: 'onnx'; model: OnnxModel; bytes: Uint8Array };

export function readSource(path: string): Source {
  if (!existsSync(path)) throw new GatedError('IO', `'${path}' does not exist`);
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'config.json'))) return { kind: 'stack', model: decodeStackDir(readModelDir(path)), from: 'gated model directory' };
    if (existsSync(join(path, 'model.json'))) return { kind: 'stack', model: readTfjsModel(join(path, 'model.json')), from: 'TF.js model' };
    throw new GatedError('IO', `'${path}' holds neither config.json (a gated model) nor model.json (a TF.js model)`);
  }
  if (path.endsWith('.json')) return { kind: 'stack', model: readTfjsModel(path), from: 'TF.js model' };
  const bytes = readFileChecked(path, { maxBytes: MAX_TENSOR_FILE_BYTES, what: 'an ONNX file' });
  return { kind: 'onnx', model: loadOnnx(bytes), bytes };
}
