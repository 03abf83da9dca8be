// The training form: reads the fields, checks them as the user types (validate.ts), shows each error under its field
// and keeps Train and Compare disabled while any is left. Also the data behind the form (shipped or pasted).
import { shippedData, textData, type DatasetName } from './datasets.js';
import { CharVocab, type CellKind, type LMData } from './gated.js';
import { defaultPlayOptions, type PlayOptions } from './options.js';
import { hiddenForParameters, parameterCount } from './params.js';
import { checkForm, type Checked, type FormValues } from './validate.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const FIELDS: (keyof FormValues)[] = ['dataset', 'text', 'textMode', 'cell', 'hidden', 'layers', 'embed', 'lr', 'batch', 'seed', 'steps'];

/** Vocabulary size and longest sequence of each shipped dataset before it is loaded (for the memory check). */
const SHIPPED_SIZES: Record<string, { vocabSize: number; seqLength: number }> = { names: { vocabSize: 60, seqLength: 16 }, 'moby-dick': { vocabSize: 90, seqLength: 64 } };

const dataCache = new Map<string, Promise<LMData>>();
const loaded = new Map<string, { data: LMData; vocabSize: number; seqLength: number }>();

export function values(): FormValues {
  return Object.fromEntries(FIELDS.map((k) => [k, ($(k) as HTMLInputElement).value])) as unknown as FormValues;
}

/** How pasted text will be read ('auto' decided as datasets.ts decides). */
function textKind(v: FormValues): 'lines' | 'stream' {
  return v.textMode === 'lines' || v.textMode === 'stream' ? v.textMode : textData(v.text || ' ', 'auto').kind;
}

function sizes(v: FormValues): { vocabSize: number; seqLength: number } {
  if (v.dataset !== 'text') return loaded.get(v.dataset) ?? SHIPPED_SIZES[v.dataset];
  const kind = textKind(v);
  const seqLength = kind === 'lines' ? Math.max(1, ...v.text.split(/\r?\n/).map((l) => [...l].length + 1)) : defaultPlayOptions.chunk;
  return { vocabSize: new Set(v.text.replace(/\r?\n/g, kind === 'lines' ? '' : '\n')).size + 1, seqLength };
}

/** Checks the form, shows every field's error (or clears it), enables or disables the buttons; returns the result. */
export function check(): Checked {
  const v = values();
  $('text-box').hidden = v.dataset !== 'text';
  const r = checkForm(v, { ...sizes(v), textKind: textKind(v) });
  for (const k of FIELDS) {
    const el = document.getElementById(`err-${k}`);
    const msg = r.ok ? '' : r.errors[k] ?? '';
    if (el) el.textContent = msg;
    $(k).toggleAttribute('aria-invalid', msg !== '');
  }
  $<HTMLButtonElement>('train').disabled = !r.ok;
  $<HTMLButtonElement>('compare').disabled = !r.ok;
  document.body.dataset.formValid = String(r.ok);
  return r;
}

/** The data the form names (shipped sets load once, lazily; pasted text is read as the form says). */
export async function formData(): Promise<LMData> {
  const v = values();
  if (v.dataset === 'text') return textData(v.text, v.textMode as 'auto' | 'lines' | 'stream');
  const name = v.dataset as Exclude<DatasetName, 'text'>;
  if (!dataCache.has(name)) {
    dataCache.set(name, shippedData(name).then((d) => {
      const vocab = CharVocab.fromTexts(d.kind === 'lines' ? d.lines : [d.text]);
      const seqLength = d.kind === 'lines' ? d.lines.reduce((m, l) => Math.max(m, [...l].length + 1), 1) : defaultPlayOptions.chunk;
      loaded.set(name, { data: d, vocabSize: vocab.size, seqLength });
      return d;
    }));
  }
  return dataCache.get(name)!;
}

/** The options of one run from a valid form. */
export function optionsOf(c: Extract<Checked, { ok: true }>, cell: CellKind, hidden = c.hidden): PlayOptions {
  return { ...defaultPlayOptions, cell, hidden, layers: c.layers, embed: c.embed, lr: c.lr, batch: c.batch, seed: c.seed };
}

/**
 * The three runs of a comparison: GRU, LSTM and RNN with the form's hidden size, or (matchParams) the LSTM and RNN
 * with the hidden size whose parameter count is closest to the GRU's at the form's hidden size.
 */
export function comparison(c: Extract<Checked, { ok: true }>, data: LMData, matchParams: boolean): PlayOptions[] {
  const vocabSize = CharVocab.fromTexts(data.kind === 'lines' ? data.lines : [data.text]).size;
  const base = { vocabSize, embed: c.embed, layers: c.layers };
  const target = parameterCount({ ...base, cell: 'gru', hidden: c.hidden });
  return (['gru', 'lstm', 'rnn'] as const).map((cell) => optionsOf(c, cell, matchParams && cell !== 'gru' ? hiddenForParameters(target, { ...base, cell }) : c.hidden));
}

export function watchForm(onChange: () => void): void {
  for (const k of FIELDS) { $(k).addEventListener('input', onChange); $(k).addEventListener('change', onChange); }
}
