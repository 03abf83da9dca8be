// Prints, as JSON, the next-character log-probabilities a saved `gated` model gives at every position of each prompt
// (used by charlm_pytorch_check.py to compare with the same weights loaded into PyTorch).
// Usage: node --import tsx test/generators/lm_logprobs.ts MODEL_DIR PROMPT...
import { loadCharLM, type LMConfig } from '../../src/models/charlm-train.js';
import { decodeModelDir } from '../../src/io/checkpoint.js';
import { readModelDir } from '../../src/node/files.js';
import { logSoftmax } from '../../src/tensor/softmax.js';
import { noGrad } from '../../src/tensor/tensor.js';
import { BOUNDARY } from '../../src/train/data.js';

const [dir, ...prompts] = process.argv.slice(2);
const { model, vocab } = loadCharLM(decodeModelDir<LMConfig>(readModelDir(dir)));
const V = model.config.vocabSize;
const out = prompts.map((p) => noGrad(() => {
  const ids = Int32Array.from([BOUNDARY, ...vocab.encode(p)]);
  const { logits } = model.forward(ids, ids.length, 1);
  return { prompt: p, ids: Array.from(ids), logprobs: Array.from(logSoftmax(logits.reshape([ids.length, V])).data) };
}));
process.stdout.write(JSON.stringify(out));
