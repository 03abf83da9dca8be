// A Keras-layout model.json with GRU reset_after=True (which TF.js cannot run): the reference is PyTorch, since a
// sigmoid-gated reset_after=True GRU is exactly torch.nn.GRU (test/generators/tfjs_keras_fixture.py converts the
// weights to Keras's layout independently of gated's converters).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../src/io/safetensors.js';
import { loadTfjs } from '../../../src/io/tfjs/import.js';
import { GRU } from '../../../src/nn/gru.js';
import { expectClose } from '../onnx/_close.js';

const DIR = fileURLToPath(new URL('../../fixtures/tfjs/keras_gru_reset_after/', import.meta.url));

describe('Keras model.json, GRU reset_after=True', () => {
  it('matches PyTorch within 1e-5, on gated\'s fused GRU', () => {
    const model = loadTfjs(readFileSync(DIR + 'model.json', 'utf8'), (p) => new Uint8Array(readFileSync(DIR + p)));
    const io = readSafetensors(new Uint8Array(readFileSync(DIR + 'expected.safetensors')));
    expectClose(model.forward(io.ids), io.output, 'output');
    expect(model.layers.filter((l) => l instanceof GRU).length).toBe(2); // sigmoid + reset_after=True → the PyTorch-exact layer
  });
});
