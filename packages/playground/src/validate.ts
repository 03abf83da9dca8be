// The training form's rules: every field's allowed range, checked as the user types. Each error names the field and
// the range it accepts; the page keeps Train disabled while any field has one. Pure (no DOM): test/form.test.ts.
import type { CellKind } from './gated.js';
import { maxHiddenForMemory, memoryEstimate, MEMORY_LIMIT } from './params.js';

export interface FormValues {
  dataset: string; text: string; textMode: string; cell: string;
  hidden: string; layers: string; embed: string; lr: string; batch: string; seed: string; steps: string;
}

export type FormErrors = Partial<Record<keyof FormValues, string>>;

/** A checked form: the numbers, or the errors by field. */
export type Checked = { ok: true; hidden: number; layers: number; embed: number; lr: number; batch: number; seed: number; steps: number } | { ok: false; errors: FormErrors };

export const LIMITS = {
  hidden: [1, 1024], layers: [1, 4], embed: [1, 256], batch: [1, 256], seed: [0, 2 ** 31 - 1], steps: [1, 100_000],
  lr: [1e-5, 1], minLines: 10, minStream: 200,
} as const;

const MB = (b: number): string => `${Math.round(b / 2 ** 20)} MB`;

function integer(v: string, what: string, [lo, hi]: readonly [number, number]): number | string {
  const s = v.trim();
  if (!/^[+-]?\d+$/.test(s)) return `${what}: an integer from ${lo} to ${hi}${s ? `; "${s}" is not one` : ''}`;
  const n = Number(s);
  return n >= lo && n <= hi ? n : `${what}: an integer from ${lo} to ${hi}; got ${n}`;
}

function decimal(v: string, what: string, [lo, hi]: readonly [number, number]): number | string {
  const s = v.trim(), n = s === '' ? NaN : Number(s);
  if (!Number.isFinite(n)) return `${what}: a number from ${lo} to ${hi} (e.g. 0.003)${s ? `; "${s}" is not a number` : ''}`;
  return n >= lo && n <= hi ? n : `${what}: a number from ${lo} to ${hi}; got ${n}`;
}

/** Your text: enough of it to split into training and validation, with at least two different characters. */
export function checkText(text: string, mode: 'lines' | 'stream'): string | null {
  const distinct = new Set(text.replace(/\r?\n/g, '')).size;
  if (distinct < 2) return `your text: at least 2 different characters are needed to learn anything; got ${distinct === 0 ? 'no text' : `only "${[...new Set(text.replace(/\r?\n/g, ''))][0]}"`}`;
  if (mode === 'lines') {
    const n = text.split(/\r?\n/).filter((l) => l.trim().length > 0).length;
    if (n < LIMITS.minLines) return `your text, read as lines: at least ${LIMITS.minLines} non-empty lines (10% are held out for validation); got ${n}`;
  } else if ([...text].length < LIMITS.minStream) return `your text, read as continuous text: at least ${LIMITS.minStream} characters (the last 10% are held out for validation); got ${[...text].length}`;
  return null;
}

/**
 * Checks every field. `vocabSize` and `seqLength` (characters per sequence) are those of the chosen data, for the
 * memory check of the hidden size; `textKind` says how pasted text will be read.
 */
export function checkForm(v: FormValues, ctx: { vocabSize: number; seqLength: number; textKind: 'lines' | 'stream' }): Checked {
  const errors: FormErrors = {};
  const take = <K extends keyof FormValues>(k: K, r: number | string): number => {
    if (typeof r === 'string') { errors[k] = r; return NaN; }
    return r;
  };
  const layers = take('layers', integer(v.layers, 'layers', LIMITS.layers));
  const embed = take('embed', integer(v.embed, 'embedding size', LIMITS.embed));
  const batch = take('batch', integer(v.batch, 'batch size', LIMITS.batch));
  let hidden = take('hidden', integer(v.hidden, 'hidden size', LIMITS.hidden));
  const lr = take('lr', decimal(v.lr, 'learning rate', LIMITS.lr));
  const seed = take('seed', integer(v.seed, 'seed', LIMITS.seed));
  const steps = take('steps', integer(v.steps, 'training steps', LIMITS.steps));
  if (!['gru', 'lstm', 'rnn'].includes(v.cell)) errors.cell = `cell: GRU, LSTM or RNN; got "${v.cell}"`;
  if (v.dataset === 'text') {
    const e = checkText(v.text, ctx.textKind);
    if (e) errors.text = e;
  }
  if (Number.isFinite(hidden) && Number.isFinite(layers) && Number.isFinite(embed) && Number.isFinite(batch) && !errors.cell) {
    const s = { cell: v.cell as CellKind, vocabSize: ctx.vocabSize, embed, layers };
    const need = memoryEstimate({ ...s, hidden }, batch, ctx.seqLength);
    if (need > MEMORY_LIMIT) {
      const max = maxHiddenForMemory(s, batch, ctx.seqLength);
      errors.hidden = `hidden size: too large for memory — about ${MB(need)} needed, ${MB(MEMORY_LIMIT)} allowed per run; `
        + `with ${layers} ${v.cell.toUpperCase()} layer${layers > 1 ? 's' : ''} and batch ${batch} the allowed range is 1 to ${max}`;
      hidden = NaN;
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, hidden, layers, embed, lr, batch, seed, steps };
}
