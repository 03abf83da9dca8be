// `gated/node`: Node-only helpers (crash-safe files, model directories, TF.js models on disk). The core (`gated`) never imports these.
/**
 * Node-only helpers of gated: crash-safe files and model directories on disk, and TF.js models read from disk.
 * The core, {@link "gated"}, never imports these and runs unchanged in browsers.
 * @module gated/node
 */
export { writeFileAtomic, writeModelDir, readModelDir, readCheckpoint, readText, type ReadCheckpoint } from './files.js';
export { readTfjsModel } from './tfjs.js';
export { enableRelaxedSimd } from './_relaxed.js';
