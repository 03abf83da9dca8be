// The playground's only door into the library: gated's public API (the package entry, src/index.ts).
// Nothing in web/ imports from src/ past this file.
export * from '../../src/index.js';
