// A bare torch.nn.GRU in gated, both ways export_gru.py wrote it: its state_dict as safetensors into gated's own GRU
// (the same parameter names), and its torch.onnx.export graph through loadOnnx — each beside PyTorch's outputs.
// Run: npx tsx examples/pytorch/load.ts
import { readFileSync } from 'node:fs';
import { GRU, loadOnnx, noGrad, readSafetensors } from 'gated';

const read = (name: string) => new Uint8Array(readFileSync(new URL(`./${name}`, import.meta.url)));
const io = readSafetensors(read('io.safetensors'));                       // x [B, T, I], PyTorch's y [B, T, H], h [L, B, H]
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

// 1. state_dict → gated's GRU, built with the same options as in Python
const gru = new GRU({ inputSize: 8, hiddenSize: 16, numLayers: 2, batchFirst: true });
gru.loadStateDict(readSafetensors(read('gru.safetensors')));             // strict: every name and shape must match
const { output, h } = noGrad(() => gru.forward(io.x));
console.log(`safetensors → GRU: max |Δ| y ${maxDiff(output.data, io.y.data).toExponential(1)}, h ${maxDiff(h.data, io.h.data).toExponential(1)}`);

// 2. torch.onnx.export → loadOnnx
const onnx = loadOnnx(read('gru.onnx'));
const out = onnx.run({ x: io.x });
console.log(`ONNX → loadOnnx:  max |Δ| y ${maxDiff(out.y.data, io.y.data).toExponential(1)}, h ${maxDiff(out.h.data, io.h.data).toExponential(1)}`);
