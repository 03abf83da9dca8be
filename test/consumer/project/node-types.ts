// A strict TypeScript consumer of `gated/node` (Node resolution only).
import { writeFileAtomic, readModelDir } from 'gated/node';

export const used = [writeFileAtomic, readModelDir];
