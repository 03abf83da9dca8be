// A model trained and exported in PyTorch (Embedding → GRU → Linear, `torch.onnx.export`, see
// packages/gated/test/generators/onnx_export.py) loaded from model.onnx and run with gated; the inputs and PyTorch's
// own outputs come from pytorch-io.safetensors, so the page shows both side by side. `npx vite examples/browser`.
import { getBackend, loadOnnx, readSafetensors, ready, type OnnxFeed } from 'gated';

const bytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());

async function main(): Promise<{ maxAbsDiff: number; backend: string; outputs: number }> {
  await ready();                                               // compiles the WebAssembly kernels (async on a page)
  const model = loadOnnx(await bytes('./model.onnx'));
  const io = readSafetensors(await bytes('./pytorch-io.safetensors'));  // inputs by name, PyTorch's outputs as out.<name>
  const feeds: Record<string, OnnxFeed> = Object.fromEntries(model.inputs.map((i) => [i.name, io[i.name]]));
  const out = model.run(feeds);
  let maxAbsDiff = 0, outputs = 0;
  const rows = ['<tr><th>output</th><th>index</th><th>PyTorch</th><th>gated</th></tr>'];
  for (const o of model.outputs) {
    const ours = out[o.name].data, theirs = io[`out.${o.name}`].data;
    for (let i = 0; i < ours.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ours[i] - theirs[i]));
    outputs += ours.length;
    for (let i = 0; i < Math.min(5, ours.length); i++) rows.push(`<tr><td>${o.name}</td><td>${i}</td><td>${theirs[i].toFixed(6)}</td><td>${ours[i].toFixed(6)}</td></tr>`);
  }
  document.querySelector('#out')!.innerHTML = rows.join('');
  document.querySelector('#status')!.textContent = `${outputs} outputs on the ${getBackend()} backend; largest difference from PyTorch ${maxAbsDiff.toExponential(2)}`;
  return { maxAbsDiff, backend: getBackend(), outputs };
}

(window as unknown as { result: Promise<unknown> }).result = main();
