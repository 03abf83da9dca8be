// `gated/node`: Node-only helpers (crash-safe files, model directories, TF.js models on disk, safe reading, a lock per
// output directory). The core (`gated`) never imports these.
/**
 * Node-only helpers of gated: crash-safe files and model directories on disk, TF.js models read from disk, files read
 * safely (regular files under a size limit, inside a model's directory) and one writer per output directory.
 * The core, {@link "gated"}, never imports these and runs unchanged in browsers.
 * @module gated/node
 */
export { writeFileAtomic, writeModelDir, readModelDir, readCheckpoint, readText, prepareOutDir, type ReadCheckpoint } from './files.js';
export { readFileChecked, fileError, MAX_TENSOR_FILE_BYTES, MAX_TEXT_BYTES, type ReadFileOptions } from './read.js';
export { lockDir, type DirLock, type LockInfo } from './lock.js';
export { readTfjsModel } from './tfjs.js';
export { enableRelaxedSimd } from './_relaxed.js';
