// Node ESM consumer: the public API and `gated/node`, from the installed package; prints the computation as JSON.
// The numbers equal the repository's when both run the same build of the kernels (relaxed SIMD where available).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors, GRU } from 'gated';
import { enableRelaxedSimd, writeFileAtomic } from 'gated/node';
import { compute } from './compute.js';

enableRelaxedSimd();   // Node 20: the kernels' relaxed-SIMD build, as the repository's tests and the CLI run
const result = await compute();
const file = join(mkdtempSync(join(tmpdir(), 'gated-consumer-')), 'gru.safetensors');
writeFileAtomic(file, writeSafetensors(new GRU({ inputSize: 2, hiddenSize: 3 }).stateDict()));
result.savedKeys = Object.keys(readSafetensors(new Uint8Array(readFileSync(file)))).sort();
console.log(JSON.stringify(result));
