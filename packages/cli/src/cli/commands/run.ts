// `gated run --model M --input x.safetensors --output y.safetensors`: batch inference with any model gated reads.
import { GatedError, readSafetensors, writeSafetensors, noGrad, type Tensor } from 'gated';
import { MAX_TENSOR_FILE_BYTES, readFileChecked, writeFileAtomic } from 'gated/node';
import { parse, UsageError } from '../args.js';
import { readSource } from './_interchange.js';

export const help = `Usage: gated run --model M --input X.safetensors --output Y.safetensors

Run a model on a batch. M is a gated model directory, an .onnx file or a TF.js model.json (see gated convert).

Input tensors, by name in X.safetensors:
  gated / TF.js models   'input' (token ids [T, B] — [B, T] for batch-first models such as TF.js ones — or
                         features [T, B, F]), optional 'lengths' [B]
  ONNX models            every graph input by its name (e.g. 'input', 'lengths')
Output tensors in Y.safetensors: 'output' and the final states 'h_n.K' / 'c_n.K' per recurrent layer
(ONNX models: every graph output by name).

  --model M        the model (required)
  --input FILE     input safetensors (required)
  --output FILE    where to write the outputs (required)
  -h, --help       show this help
`;

export function run(argv: string[]): void {
  const { values: v } = parse(argv, { model: { type: 'string' }, input: { type: 'string' }, output: { type: 'string' } });
  if (v.help) { process.stdout.write(help); return; }
  for (const k of ['model', 'input', 'output']) if (typeof v[k] !== 'string') throw new UsageError(`--${k} is required`);
  const src = readSource(v.model as string);
  const x = readSafetensors(readFileChecked(v.input as string, { maxBytes: MAX_TENSOR_FILE_BYTES, what: 'a tensor file' }));
  const out: Record<string, Tensor> = noGrad(() => {
    if (src.kind === 'onnx') return src.model.run(x);
    const input = x.input ?? (Object.keys(x).length === 1 ? Object.values(x)[0] : undefined);
    if (!input) throw new GatedError('INVALID_ARGUMENT', `${String(v.input)} must hold a tensor named 'input' (it has: ${Object.keys(x).join(', ') || 'none'})`);
    const lengths = x.lengths ? Array.from(x.lengths.intData ?? x.lengths.data, Number) : undefined;
    const r = src.model.run(input, { lengths });
    const o: Record<string, Tensor> = { output: r.output };
    r.states.forEach((s, k) => { o[`h_n.${k}`] = s.h; if (s.c) o[`c_n.${k}`] = s.c; });
    return o;
  });
  writeFileAtomic(v.output as string, writeSafetensors(out));
  process.stderr.write(`wrote ${Object.entries(out).map(([k, t]) => `${k} [${t.shape.join(', ')}]`).join(', ')} to ${String(v.output)}\n`);
}
