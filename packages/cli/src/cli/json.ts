// JSON as the CLI writes it into model directories and result files: two-space indented, one trailing newline.
const enc = new TextEncoder();
export const jsonBytes = (v: unknown): Uint8Array => enc.encode(JSON.stringify(v, null, 2) + '\n');
