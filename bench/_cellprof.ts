import { enableRelaxedSimd } from '../packages/gated/src/node/index.js';
import { setBackend, setNumThreads, GRUCell, Tensor, noGrad } from '../packages/gated/src/index.js';
enableRelaxedSimd(); setBackend('wasm'); setNumThreads(1);
const H = 256, I = 64;
const cell = new GRUCell({ inputSize: I, hiddenSize: H }), xs = new Tensor(new Float32Array(I).map(() => Math.random()), [1, I]);
let h = new Tensor(new Float32Array(H), [1, H]);
for (let i = 0; i < 100000; i++) h = noGrad(() => cell.forward(xs, h));
