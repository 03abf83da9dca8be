// The documented limits of what `gated` reads and builds: checked before anything is parsed or allocated, so that a
// hostile file or an absurd option fails with a typed error instead of exhausting memory, the stack or the CPU.
import { GatedError } from './errors.js';

/** Largest JSON file of a model or checkpoint (config.json, state.json, model.json, …) accepted: 16 MiB. */
export const MAX_JSON_BYTES = 16 * 2 ** 20;

/** Deepest nesting of arrays and objects accepted in any JSON that `gated` parses (the files have 3 to ~12 levels). */
export const MAX_JSON_DEPTH = 64;

/** Most parameters one model (or one recurrent module) may have: 2^28, i.e. 1 GiB of float32 weights. */
export const MAX_PARAMETERS = 2 ** 28;

/** Most stacked recurrent layers one GRU / LSTM / RNN may have. */
export const MAX_LAYERS = 1000;

/** Most distinct characters a training text may have (a larger vocabulary is almost surely not text). */
export const MAX_VOCAB = 4096;

const MiB = (n: number): string => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 3 : 1)} MiB`;

/** A byte count for messages: "16.0 MiB (16777216 bytes)". */
export const fmtBytes = (n: number): string => `${MiB(n)} (${n} bytes)`;

/**
 * Throws INVALID_ARGUMENT unless `count` parameters fit MAX_PARAMETERS: `what` names the thing and the sizes that
 * make it up ("a GRU with hiddenSize 1000000"). Counts beyond Number.MAX_SAFE_INTEGER (or NaN) are simply too large.
 */
export function checkParameterCount(what: string, count: number): void {
  if (count <= MAX_PARAMETERS) return;
  const gib = (count * 4) / 2 ** 30;
  throw new GatedError('INVALID_ARGUMENT', `${what} has ${count.toExponential(2)} parameters (${gib < 1e6 ? gib.toFixed(1) : gib.toExponential(1)} GiB of float32), over the limit of ${MAX_PARAMETERS} (2^28 parameters, 1 GiB)`);
}

/**
 * Parses JSON text of at most `maxBytes` (UTF-8 bytes, or UTF-16 units for a string) whose nesting is at most
 * MAX_JSON_DEPTH — both checked before JSON.parse, the depth by one linear scan that counts brackets outside strings
 * (no recursion, no allocation). `what` names the file in messages; a limit exceeded is a FORMAT error, invalid
 * JSON is `syntaxCode`.
 */
export function parseJsonLimited(text: string | Uint8Array, what: string, opts: { maxBytes?: number; syntaxCode?: 'FORMAT' | 'CHECKPOINT' | 'SAFETENSORS' } = {}): unknown {
  const maxBytes = opts.maxBytes ?? MAX_JSON_BYTES;
  if (text.length > maxBytes) throw new GatedError('FORMAT', `${what} is ${fmtBytes(text.length)}, over the ${fmtBytes(maxBytes)} limit for JSON`);
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new GatedError('FORMAT', `${what}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  const s = typeof text === 'string' ? text : new TextDecoder().decode(text);
  try { return JSON.parse(s); } catch (e) {
    throw new GatedError(opts.syntaxCode ?? 'FORMAT', `${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The deepest bracket nesting of JSON text, stopping as soon as it passes MAX_JSON_DEPTH. Brackets inside strings
 * (with their backslash escapes) do not count. Works on the text's code units or UTF-8 bytes alike: every
 * character that matters ([ ] { } " \) is ASCII.
 */
export function jsonDepth(text: string | Uint8Array): number {
  const str = typeof text === 'string';
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = str ? text.charCodeAt(i) : text[i];
    if (inString) {
      if (c === 0x5c) i++;                 // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) { if (++depth > max) { max = depth; if (max > MAX_JSON_DEPTH) return max; } }
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}
