// Decoding a Seq2Seq model without gradients: greedy (argmax each step) and beam search (width K, length
// normalisation score / length^α), both batched — every live row of every example advances in one decoder step.
// Both return the attention weights of each emitted token (empty rows for the Cho context-vector decoder).
//
// Beam search, per example: expand each of the ≤ K live hypotheses by every token, keep the K best by total log
// probability (ties: earlier hypothesis, then lower token id); candidates ending in the end symbol are finished,
// scored by logp / length^α (the end symbol counts in the length); stop when K are finished or none is live.
// With K = 1 this is exactly greedy decoding.
import { check } from '../errors.js';
import { concat, indexSelect, reshape, slice } from '../tensor/ops.js';
import { Tensor, noGrad } from '../tensor/tensor.js';
import { argmaxRow, type DecoderMemory, type DecoderState, type Seq2Seq, type TokenBatch } from './seq2seq.js';

/** What {@link greedyDecode} and {@link beamDecode} return, one entry per source example. */
export interface Decoded {
  /** Output ids without the end symbol, per example. */
  tokens: number[][];
  /** Per example, per emitted token (end symbol included): the attention weights over the source (length S_b). */
  weights: number[][][];
  /** Per example: total log probability (greedy) or the length-normalised score (beam). */
  scores: number[];
}

/** Rows `idx` of every per-row tensor (state and memory). */
function pickRows(t: Tensor, idx: number[]): Tensor {
  const [R, ...rest] = t.shape, width = t.size / Math.max(R, 1);
  return reshape(indexSelect(reshape(t, [R, width]), idx), [idx.length, ...rest]);
}
/** Rows `idx` along axis 1 of a state [L, B, H]. */
function pickStateRows(t: Tensor, idx: number[]): Tensor {
  const [L, , H] = t.shape;
  const layers = Array.from({ length: L }, (_, l) => reshape(pickRows(reshape(slice(t, 0, l, l + 1), [t.shape[1], H]), idx), [1, idx.length, H]));
  return L === 1 ? layers[0] : concat(layers, 0);
}
const pickState = (s: DecoderState, idx: number[]): DecoderState => ({
  h: pickStateRows(s.h, idx), c: s.c && pickStateRows(s.c, idx), ...(s.feed ? { feed: pickRows(s.feed, idx) } : {}),
});
const pickMemory = (m: DecoderMemory, idx: number[]): DecoderMemory => ({
  memory: pickRows(m.memory, idx), summary: pickRows(m.summary, idx), keys: m.keys && pickRows(m.keys, idx),
  lengths: Int32Array.from(idx, (i) => m.lengths[i]),
});

/** log softmax of row r of logits [R, V] in float64. */
function logProbs(x: Float32Array, r: number, V: number): Float64Array {
  let m = -Infinity;
  for (let j = 0; j < V; j++) m = Math.max(m, x[r * V + j]);
  let s = 0;
  for (let j = 0; j < V; j++) s += Math.exp(x[r * V + j] - m);
  const lse = m + Math.log(s), out = new Float64Array(V);
  for (let j = 0; j < V; j++) out[j] = x[r * V + j] - lse;
  return out;
}

/** Row r of weights [R, 1, S], its first `len` entries. */
const weightRow = (w: Tensor | null, r: number, len: number): number[] =>
  w ? Array.from(w.data.subarray(r * w.shape[2], r * w.shape[2] + len)) : [];

/** Greedy decoding of every example of `src`, at most `maxLen` tokens each (end symbol excluded). */
export function greedyDecode(model: Seq2Seq, src: TokenBatch, maxLen: number): Decoded {
  return noGrad(() => {
    const B = src.B, dec = model.decoder;
    let { mem, state } = dec.start(model.encoder.forward(src));
    const out: Decoded = { tokens: Array.from({ length: B }, () => []), weights: Array.from({ length: B }, () => []), scores: new Array<number>(B).fill(0) };
    let rows = Array.from({ length: B }, (_, b) => b);   // example of each live row
    let prev = new Int32Array(B).fill(model.bos);
    for (let t = 0; t <= maxLen && rows.length > 0; t++) {
      const r = dec.step(prev, state, mem), V = r.logits.shape[2];
      const keep: number[] = [], next: number[] = [];
      rows.forEach((b, i) => {
        const tok = t === maxLen ? model.eos : argmaxRow(r.logits.data, i, V);
        out.scores[b] += logProbs(r.logits.data, i, V)[tok];
        out.weights[b].push(weightRow(r.weights, i, src.lengths[b]));
        if (tok === model.eos) return;
        out.tokens[b].push(tok); keep.push(i); next.push(tok);
      });
      if (keep.length < rows.length) { state = pickState(r.state, keep); mem = pickMemory(mem, keep); rows = keep.map((i) => rows[i]); }
      else state = r.state;
      prev = Int32Array.from(next);
    }
    return out;
  });
}

/** Options of {@link beamDecode}. */
export interface BeamOptions {
  /** Beam width K ≥ 1. */
  width: number;
  /** Most tokens per output (end symbol excluded). */
  maxLen: number;
  /** α of the length normalisation score / length^α (0 = none; default 1). */
  lengthPenalty?: number;
}

interface Hyp { tokens: number[]; weights: number[][]; logp: number }

/** Beam search over every example of `src`. */
export function beamDecode(model: Seq2Seq, src: TokenBatch, o: BeamOptions): Decoded {
  check(Number.isInteger(o.width) && o.width >= 1, 'INVALID_ARGUMENT', () => `beamDecode: width must be an integer ≥ 1, got ${o.width}`);
  check(Number.isInteger(o.maxLen) && o.maxLen >= 0, 'INVALID_ARGUMENT', () => `beamDecode: maxLen must be an integer ≥ 0, got ${o.maxLen}`);
  const K = o.width, alpha = o.lengthPenalty ?? 1;
  const norm = (h: Hyp): number => h.logp / Math.pow(h.tokens.length + 1, alpha);
  return noGrad(() => {
    const B = src.B, dec = model.decoder;
    const start = dec.start(model.encoder.forward(src));
    let mem = start.mem, state = start.state;
    const finished: Hyp[][] = Array.from({ length: B }, () => []);
    let live: { b: number; hyp: Hyp }[] = Array.from({ length: B }, (_, b) => ({ b, hyp: { tokens: [], weights: [], logp: 0 } }));
    for (let t = 0; t <= o.maxLen && live.length > 0; t++) {
      const prev = Int32Array.from(live, (l) => (l.hyp.tokens.length ? l.hyp.tokens[l.hyp.tokens.length - 1] : model.bos));
      const r = dec.step(prev, state, mem), V = r.logits.shape[2];
      const nextLive: { b: number; hyp: Hyp; row: number }[] = [];
      for (let i = 0; i < live.length;) {                                   // rows of one example are contiguous
        const b = live[i].b;
        let j = i;
        const cands: { row: number; tok: number; logp: number }[] = [];
        for (; j < live.length && live[j].b === b; j++) {
          const lp = logProbs(r.logits.data, j, V);
          if (t === o.maxLen) cands.push({ row: j, tok: model.eos, logp: live[j].hyp.logp + lp[model.eos] });
          else for (let v = 0; v < V; v++) cands.push({ row: j, tok: v, logp: live[j].hyp.logp + lp[v] });
        }
        cands.sort((x, y) => y.logp - x.logp || x.row - y.row || x.tok - y.tok);
        for (const c of cands.slice(0, K - finished[b].length)) {
          const parent = live[c.row].hyp;
          const hyp: Hyp = { tokens: parent.tokens, weights: [...parent.weights, weightRow(r.weights, c.row, src.lengths[b])], logp: c.logp };
          if (c.tok === model.eos) finished[b].push(hyp);
          else nextLive.push({ b, hyp: { ...hyp, tokens: [...parent.tokens, c.tok] }, row: c.row });
        }
        i = j;
      }
      // an example with K finished hypotheses stops; its remaining live rows are dropped
      const kept = nextLive.filter((l) => finished[l.b].length < K);
      const idx = kept.map((l) => l.row);
      state = pickState(r.state, idx);
      mem = pickMemory(mem, idx);                                         // memory rows follow the live rows
      live = kept.map(({ b, hyp }) => ({ b, hyp }));
    }
    const out: Decoded = { tokens: [], weights: [], scores: [] };
    for (let b = 0; b < B; b++) {
      let best = finished[b][0];
      for (const h of finished[b]) if (norm(h) > norm(best)) best = h;
      out.tokens.push(best.tokens); out.weights.push(best.weights); out.scores.push(norm(best));
    }
    return out;
  });
}
