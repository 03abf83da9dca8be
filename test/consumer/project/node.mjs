// Node ESM consumer: the public API and `gated/node`, from the installed package; prints the computation as JSON.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors, GRU } from 'gated';
import { writeFileAtomic } from 'gated/node';
import { compute } from './compute.js';

const result = await compute();
const file = join(mkdtempSync(join(tmpdir(), 'gated-consumer-')), 'gru.safetensors');
writeFileAtomic(file, writeSafetensors(new GRU({ inputSize: 2, hiddenSize: 3 }).stateDict()));
result.savedKeys = Object.keys(readSafetensors(new Uint8Array(readFileSync(file)))).sort();
console.log(JSON.stringify(result));
