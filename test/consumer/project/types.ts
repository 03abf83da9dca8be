// A strict TypeScript consumer: the main classes and their option types, as an application would use them.
import { GRU, LSTM, RNN, GRUCell, Linear, Adam, Module, Tensor, GatedError, crossEntropy, fit, tensor, readSafetensors, writeSafetensors,
  type GRUOptions, type LSTMOptions, type RNNOptions, type AdamOptions, type FitOptions, type StateDict, type RecurrentOutput } from 'gated';

const opts: GRUOptions = { inputSize: 4, hiddenSize: 8, numLayers: 2, bidirectional: true, batchFirst: false, dropout: 0 };
const lstmOpts: LSTMOptions = { inputSize: 4, hiddenSize: 8, projSize: 4 };
const rnnOpts: RNNOptions = { inputSize: 4, hiddenSize: 8, nonlinearity: 'relu' };
const gru = new GRU(opts), lstm = new LSTM(lstmOpts), rnn = new RNN(rnnOpts), cell = new GRUCell({ inputSize: 4, hiddenSize: 8 });
const x: Tensor = tensor(new Float32Array(5 * 3 * 4), [5, 3, 4]);
const out: RecurrentOutput = gru.forward(x);
const shape: readonly number[] = out.output.shape;
const h: Tensor = cell.forward(tensor(new Float32Array(12), [3, 4]));
const state: StateDict = lstm.stateDict();
const bytes: Uint8Array = writeSafetensors(state);
rnn.loadStateDict(readSafetensors(bytes));
const head = new Linear(16, 5);
const adamOpts: AdamOptions = { lr: 1e-3 };
const opt = new Adam([...gru.parameters(), ...head.parameters()], adamOpts);
const loss: Tensor = crossEntropy(head.forward(out.output.reshape([15, 16])), Array.from({ length: 15 }, (_, i) => i % 5));
const fitOpts: Pick<FitOptions<number>, 'epochs'> = { epochs: 1 };
const err: GatedError | null = null;
export const used = [shape, h, opt, loss, fitOpts, err, Module, fit];
