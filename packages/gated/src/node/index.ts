// `gated/node`: Node-only helpers (crash-safe files, model directories, TF.js models on disk). The core (`gated`) never imports these.
export { writeFileAtomic, writeModelDir, readModelDir, readCheckpoint, readText, type ReadCheckpoint } from './files.js';
export { readTfjsModel } from './tfjs.js';
