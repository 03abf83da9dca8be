// `gated convert IN OUT`: moves a model between gated model directories, ONNX files and TF.js model.json.
import { mkdirSync, existsSync, statSync } from 'node:fs';
import { GatedError, exportOnnx, onnxToStack, encodeStackDir, type StackModel } from 'gated';
import { writeFileAtomic, writeModelDir } from 'gated/node';
import { parse, UsageError } from '../args.js';
import { readSource } from './_interchange.js';

export const help = `Usage: gated convert IN OUT [options]

Convert a model between formats. IN is a gated model directory (written by \`gated train\` or \`gated convert\`),
an .onnx file (a layer stack: Embedding → GRU/LSTM/RNN → Linear …, e.g. from torch.onnx.export), or a TF.js
Layers model (model.json, or its directory, with the weight shards beside it). OUT ending in .onnx is written
as ONNX (opset 17); any other OUT is written as a gated model directory (model.safetensors + config.json).

  --lengths     ONNX output: add an int32 'lengths' input [B] (sequence lengths)
  --states      ONNX output: add initial-state inputs h0.K (and c0.K) per recurrent layer
  -h, --help    show this help
`;

export function run(argv: string[]): void {
  const { values: v, positionals } = parse(argv, { lengths: { type: 'boolean' }, states: { type: 'boolean' } }, true);
  if (v.help) { process.stdout.write(help); return; }
  if (positionals.length !== 2) throw new UsageError(`expected IN and OUT, got ${positionals.length} argument(s)`);
  const [input, output] = positionals;
  const src = readSource(input);
  const model: StackModel = src.kind === 'stack' ? src.model : onnxToStack(src.model);
  if (output.endsWith('.onnx')) {
    writeFileAtomic(output, exportOnnx(model, { lengths: !!v.lengths, states: !!v.states }));
  } else {
    if (v.lengths || v.states) throw new UsageError('--lengths and --states apply to ONNX output only');
    if (existsSync(output) && !statSync(output).isDirectory()) throw new GatedError('IO', `'${output}' exists and is not a directory`);
    mkdirSync(output, { recursive: true });
    writeModelDir(output, encodeStackDir(model));
  }
  const layers = model.config.layers.map((l) => l.type).join(' → ');
  process.stderr.write(`converted ${src.kind === 'onnx' ? 'ONNX model' : src.from} '${input}' (${layers}) → ${output.endsWith('.onnx') ? 'ONNX' : 'gated model directory'} '${output}'\n`);
}
