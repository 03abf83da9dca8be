// `gated/node`: Node-only helpers (files, shipped datasets). The core (`gated`) never imports these.
export { writeFileAtomic, writeModelDir, readModelDir, readCheckpoint, readText, type ReadCheckpoint } from './files.js';
export { firstNames, mobyDick } from './datasets.js';
