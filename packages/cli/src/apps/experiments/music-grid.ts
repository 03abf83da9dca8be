// The music experiment under the protocol (docs/protocol.md §1): weight noise × learning rate are selected per model on
// validation from a small grid, then the selected setting is trained once per seed and evaluated once on test.
// The grid cannot look at test: `musicGrid` takes only { train, valid }, and `musicProtocol` hands it nothing else.
import { GatedError } from 'gated';
import { round, type ModelKind, type OnProgress, type RecurrentHead } from './common.js';
import { checkSplits, musicNll, musicOptions, trainMusic, type MusicData, type MusicFit, type MusicOptions, type MusicResult, type MusicRun, type MusicSplits } from './music.js';
import { runSeeds, type Seeded } from './seeds.js';

/** What the grid varies; every other option is the run's own (defaults, preset, flags). */
export interface MusicSetting { weightNoise: number; lr: number }

/** The grid: every weight noise σ with every learning rate, each candidate trained once with `seed`. */
export interface MusicGrid { weightNoise: number[]; lr: number[]; seed: number }

/**
 * The grid per data set. JSB: σ ∈ {0, 0.1, 0.15} around the paper's weight noise × Adam 10⁻³ and 3·10⁻³ (the earlier
 * default). Nottingham (13× JSB's time steps, so a smaller grid): no noise or the paper's σ = 0.075, at the learning
 * rate its GRU diagnosis chose on validation.
 */
export const musicGridPresets: Record<MusicOptions['dataset'], MusicGrid> = {
  jsb: { weightNoise: [0, 0.1, 0.15], lr: [1e-3, 3e-3], seed: 0 },
  nottingham: { weightNoise: [0, 0.075], lr: [3e-3], seed: 0 },
};
export const musicGridQuick: MusicGrid = { weightNoise: [0, 0.1], lr: [3e-3], seed: 0 };

/** One grid candidate: a model trained with one setting; train and validation NLL only (there is no test field). */
export interface MusicCandidate extends MusicSetting { model: ModelKind; seed: number; fit: MusicFit }

/** The setting selected for a model, with the validation NLL it was selected on. */
export interface MusicSelected extends MusicSetting { model: ModelKind; validNll: number }

/** result.json of `--grid`: the whole grid (validation numbers), the selection, and the final seeds (`perSeed`). */
export interface MusicGridResult extends Seeded<MusicResult> {
  grid: MusicGrid;
  candidates: MusicCandidate[];
  selected: MusicSelected[];
  /** Wall and CPU seconds of the grid stage (the final seeds' are in `perSeedSeconds`). */
  gridSeconds?: { seconds: number; cpuSeconds: number };
  /** Set by `mergeMusicGrids`: the processes the result was joined from. */
  parts?: { models: ModelKind[]; machine?: Seeded<MusicResult>['machine']; seconds?: number; cpuSeconds?: number }[];
}

export const isMusicGrid = (r: object): r is MusicGridResult => Array.isArray((r as Partial<MusicGridResult>).candidates);

/** result.json's `selection` of a grid run, in words. */
export function musicGridSelection(g: MusicGrid): string {
  return `per model, the setting of weight noise σ ∈ {${g.weightNoise.join(', ')}} × learning rate ∈ {${g.lr.join(', ')}} `
    + `with the lowest validation NLL (at its best validation epoch) among the grid's candidates is selected; each candidate is trained once (seed ${g.seed}) `
    + 'and only its train and validation NLL are computed — test is never evaluated for a candidate; ties go to the earlier candidate in grid order. '
    + 'Each final seed then trains the selected setting (early stopping on validation, the best validation epoch\'s weights kept) '
    + `and evaluates test NLL once per model; seed ${g.seed}'s final is the grid's own run of the selected setting, so its time is the test evaluation only`;
}

/** Candidates in grid order: σ outer, learning rate inner. */
export function gridSettings(g: MusicGrid): MusicSetting[] {
  if (!g.weightNoise.length || !g.lr.length) throw new GatedError('INVALID_ARGUMENT', 'music grid: needs at least one weight noise and one learning rate');
  for (const s of g.weightNoise) if (!(Number.isFinite(s) && s >= 0)) throw new GatedError('INVALID_ARGUMENT', `music grid: weight noise must be ≥ 0, got ${s}`);
  for (const lr of g.lr) if (!(Number.isFinite(lr) && lr > 0)) throw new GatedError('INVALID_ARGUMENT', `music grid: learning rate must be > 0, got ${lr}`);
  return g.weightNoise.flatMap((weightNoise) => g.lr.map((lr) => ({ weightNoise, lr })));
}

/**
 * Trains every model with every setting of the grid (seed `g.seed`) on `data.train`, early stopping on `data.valid`.
 * Returns the candidates (train / validation NLL) and, aligned with them, the trained models (for the final seed that
 * equals the grid's seed). Takes no test split.
 */
export function musicGrid(data: MusicSplits, o: MusicOptions, g: MusicGrid, onProgress?: OnProgress): { candidates: MusicCandidate[]; models: RecurrentHead[] } {
  const candidates: MusicCandidate[] = [], models: RecurrentHead[] = [];
  const settings = gridSettings(g);
  for (const model of o.models) {
    for (const [i, s] of settings.entries()) {
      const tag = (p: Parameters<OnProgress>[0]) => onProgress?.({ ...p, phase: `grid ${i + 1}/${settings.length} σ ${s.weightNoise} lr ${s.lr}: ${p.phase}` });
      const { run, model: trained } = trainMusic(model, data, { ...o, ...s, seed: g.seed }, tag);
      candidates.push({ model, ...s, seed: g.seed, fit: { ...run, setting: s } });
      models.push(trained);
    }
  }
  return { candidates, models };
}

/** Per model (in first-seen order), the candidate with the lowest validation NLL; the earlier one on a tie. */
export function selectSettings(candidates: readonly MusicCandidate[]): MusicSelected[] {
  const best = new Map<ModelKind, MusicCandidate>();
  for (const c of candidates) {
    if (!Number.isFinite(c.fit.validNll)) continue;
    const b = best.get(c.model);
    if (!b || c.fit.validNll < b.fit.validNll) best.set(c.model, c);
  }
  const models = [...new Set(candidates.map((c) => c.model))];
  for (const m of models) if (!best.has(m)) throw new GatedError('NOT_FINITE', `music grid: no candidate of ${m} has a finite validation NLL`);
  return models.map((m) => { const c = best.get(m)!; return { model: m, weightNoise: c.weightNoise, lr: c.lr, validNll: c.fit.validNll }; });
}

/**
 * The whole protocol: grid on train/validation, selection, then per seed and model the selected setting trained and
 * evaluated once on test. `time` gives [wall, cpu] seconds so far; `onSave` sees the result after the grid and after
 * every final seed (so a long run is saved as it goes).
 */
export function musicProtocol(data: MusicData, options: Partial<MusicOptions>, g: MusicGrid, seeds: readonly number[], onProgress?: OnProgress,
  time: () => [number, number] = () => [performance.now() / 1000, 0], onSave?: (soFar: MusicGridResult) => void): MusicGridResult {
  const o = musicOptions(options);
  checkSplits(data, ['train', 'valid', 'test']);
  const seen: MusicSplits = { train: data.train, valid: data.valid };
  const [w0, c0] = time();
  const { candidates, models } = musicGrid(seen, o, g, onProgress);
  const selected = selectSettings(candidates);
  const [w1, c1] = time();
  const notebook = { grid: g, candidates, selected, gridSeconds: { seconds: round(w1 - w0, 4), cpuSeconds: round(c1 - c0, 4) } };
  const selection = musicGridSelection(g);
  onSave?.({ experiment: 'music', seeds: [], selection, perSeed: [], ...notebook });
  const one = (seed: number): MusicResult => ({
    experiment: 'music', dataset: o.dataset, options: { ...o, seed },
    results: selected.map((sel): MusicRun => {
      const setting = { weightNoise: sel.weightNoise, lr: sel.lr };
      const i = seed === g.seed ? candidates.findIndex((c) => c.model === sel.model && c.weightNoise === sel.weightNoise && c.lr === sel.lr) : -1;
      const { run, model } = i >= 0 ? { run: candidates[i].fit, model: models[i] } : trainMusic(sel.model, seen, { ...o, ...setting, seed }, onProgress);
      return { ...run, setting, testNll: round(musicNll(model, data.test), 5) };
    }),
  });
  const seeded = runSeeds('music', seeds, selection, one, time, (soFar) => onSave?.({ ...soFar, ...notebook }));
  return { ...seeded, ...notebook };
}

/**
 * Joins grid runs of disjoint model sets (e.g. two processes on two cores) into one result: candidates, selections
 * and each seed's runs concatenated; wall time the longest, CPU time the sum. Seeds, grid and options must agree.
 */
export function mergeMusicGrids(parts: readonly MusicGridResult[]): MusicGridResult {
  if (parts.length === 0) throw new GatedError('INVALID_ARGUMENT', 'music merge: nothing to merge');
  const [first] = parts, key = (r: MusicGridResult) => JSON.stringify([r.seeds, r.grid, { ...r.perSeed[0]?.options, models: [] }]);
  const models = parts.flatMap((p) => p.selected.map((s) => s.model));
  if (new Set(models).size !== models.length) throw new GatedError('INVALID_ARGUMENT', `music merge: a model appears in two parts (${models.join(', ')})`);
  for (const p of parts) {
    if (!isMusicGrid(p)) throw new GatedError('FORMAT', 'music merge: each part must be a --grid result');
    if (p.complete === false) throw new GatedError('FORMAT', 'music merge: a part is incomplete (complete: false)');
    if (key(p) !== key(first)) throw new GatedError('INVALID_ARGUMENT', 'music merge: parts differ in seeds, grid or options');
  }
  const sum = (f: (p: MusicGridResult) => number | undefined) => round(parts.reduce((a, p) => a + (f(p) ?? 0), 0), 4);
  const max = (f: (p: MusicGridResult) => number | undefined) => Math.max(...parts.map((p) => f(p) ?? 0));
  return {
    ...first,
    candidates: parts.flatMap((p) => p.candidates), selected: parts.flatMap((p) => p.selected),
    perSeed: first.perSeed.map((r, i) => ({ ...r, options: { ...r.options, models }, results: parts.flatMap((p) => p.perSeed[i].results) })),
    perSeedSeconds: first.perSeedSeconds?.map((s, i) => ({ seed: s.seed, seconds: max((p) => p.perSeedSeconds?.[i].seconds), cpuSeconds: sum((p) => p.perSeedSeconds?.[i].cpuSeconds) })),
    gridSeconds: { seconds: max((p) => p.gridSeconds?.seconds), cpuSeconds: sum((p) => p.gridSeconds?.cpuSeconds) },
    seconds: max((p) => p.seconds), cpuSeconds: sum((p) => p.cpuSeconds),
    parts: parts.map((p) => ({ models: p.selected.map((s) => s.model), machine: p.machine, seconds: p.seconds, cpuSeconds: p.cpuSeconds })),
  };
}
