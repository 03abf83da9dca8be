// loadOnnx's typed errors: an unsupported operator names itself and its node; bad feeds and bad files say what was
// expected and what came.
import { describe, expect, it } from 'vitest';
import { GatedError } from '../../../src/errors.js';
import { DT, GraphBuilder } from '../../../src/io/onnx/_builder.js';
import { loadOnnx, supportedOnnxOps } from '../../../src/io/onnx/import.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const code = (fn: () => unknown): string => { try { fn(); return 'none'; } catch (e) { return e instanceof GatedError ? e.code : `not a GatedError: ${String(e)}`; } };

function model(op: string): Uint8Array {
  const g = new GraphBuilder(), x = g.input('x', DT.FLOAT, [2, 3]);
  g.nodeNamed(op, [x], ['y']);
  g.output('y', DT.FLOAT, [2, 3]);
  return g.build({ opset: 17 });
}

describe('loadOnnx errors', () => {
  it('an unsupported operator is UNSUPPORTED, naming the operator and the node', () => {
    expect(code(() => loadOnnx(model('Conv')))).toBe('UNSUPPORTED');
    expect(() => loadOnnx(model('Conv'))).toThrow(/node 0 'Conv_0' \(Conv\): operator 'Conv' is not supported/);
    expect(supportedOnnxOps()).toEqual(expect.arrayContaining(['GRU', 'LSTM', 'RNN', 'Gather', 'MatMul', 'Gemm', 'Softmax', 'Where']));
  });
  it('feeds: a missing input, a wrong shape', () => {
    const m = loadOnnx(model('Tanh'));
    expect(code(() => m.run({}))).toBe('INVALID_ARGUMENT');
    expect(() => m.run({ x: new Tensor(new Float32Array(4), [2, 2]) })).toThrow(/expected shape \[2, 3\], got \[2, 2\]/);
    expect(Array.from(m.run({ x: new Tensor(new Float32Array(6).fill(1), [2, 3]) }).y.data)).toEqual(Array(6).fill(Math.fround(Math.tanh(1))));
  });
  it('bytes that are not an ONNX model are FORMAT errors', () => {
    expect(code(() => loadOnnx(new TextEncoder().encode('{"not": "onnx"}')))).toBe('FORMAT');
    expect(code(() => loadOnnx(new Uint8Array(0)))).toBe('FORMAT');
    expect(code(() => loadOnnx(model('Tanh').subarray(0, 20)))).toBe('FORMAT');
  });
});
