// The applications' public surface (`gated-cli`): the tasks, the experiments and the plots, browser-safe. The
// library itself is the `gated` package; the `gated` command lives in cli/.
export { trainG2P, prepareG2P, testG2P, loadG2P, predictG2P, defaultG2POptions, type G2POptions, type G2PConfig, type G2PData } from './apps/tasks/g2p.js';
export { trainSpam, testSpam, loadSpam, defaultSpamOptions, type SpamOptions, type SpamConfig } from './apps/tasks/spam.js';
export { trainBirths, testBirths, loadBirths, defaultBirthsOptions, type BirthsOptions, type BirthsConfig } from './apps/tasks/births.js';
export { figure, type Panel } from './apps/plot/svg.js';
export { lineChart, type LineChartSpec, type Series, type Axis, type RefLine } from './apps/plot/line.js';
export { heatmap, colorAt, type HeatmapSpec, type Colormap } from './apps/plot/heatmap.js';
export { RecurrentHead, type ModelKind, type Progress, type OnProgress } from './apps/experiments/common.js';
export { hiddenGradients, type HiddenGrads } from './apps/experiments/hidden-grads.js';
export { vanishingExperiment, vanishingFigure, vanishingTable, vanishingDefaults, vanishingQuick, type VanishingOptions, type VanishingResult } from './apps/experiments/vanishing.js';
export { addingExperiment, addingFigure, addingTable, addingDefaults, addingQuick, type AddingOptions, type AddingResult } from './apps/experiments/adding.js';
export { copyExperiment, copyFigure, copyTable, copyDefaults, copyQuick, type CopyOptions, type CopyResult } from './apps/experiments/copy.js';
export { costExperiment, costFigure, costTable, costDefaults, costQuick, type CostOptions, type CostResult } from './apps/experiments/cost.js';
export { musicExperiment, musicNll, musicDefaults, musicPresets, musicQuick, type MusicData, type MusicOptions, type MusicResult } from './apps/experiments/music.js';
export { musicFigure, musicTable, paperNll } from './apps/experiments/music-report.js';
export { inspectGates, gatesFigure, gatesHtml, type GateReport, type GateLayer } from './apps/experiments/gates.js';
