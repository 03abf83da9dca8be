// The README's quickstart, kept runnable (test/examples.test.ts runs it).
import { GRU, tensor, manualSeed, readSafetensors, writeSafetensors } from 'gated';

manualSeed(0);
const gru = new GRU({ inputSize: 8, hiddenSize: 16, numLayers: 2, bidirectional: true });
const x = tensor(Array.from({ length: 5 * 3 * 8 }, (_, i) => Math.sin(i)), [5, 3, 8], { requiresGrad: true }); // [T, B, I]
const { output, h } = gru.forward(x, { lengths: [5, 2, 4] });   // output [5, 3, 32], h [4, 3, 16]
output.sum().add(h.sum()).backward();                             // one fused BPTT node for the whole layer
for (const [name, p] of gru.namedParameters()) console.log(name, p.shape, p.grad!.shape); // weight_ih_l0, …, bias_hh_l1_reverse
const bytes = writeSafetensors(gru.stateDict());                  // a PyTorch state_dict (torch: safetensors.torch.load_file)
gru.loadStateDict(readSafetensors(bytes));                        // and back; weights saved from PyTorch load the same way
