// The playground's only door into the library: gated's public API (the package entry).
// Nothing in the playground imports from the library's files past this one.
export * from 'gated';
