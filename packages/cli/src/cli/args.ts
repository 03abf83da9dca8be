// Flag parsing shared by the commands: node:util parseArgs in strict mode (an unknown flag is an error),
// typed number conversion, and the one-line usage error.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export type Flags = NonNullable<ParseArgsConfig['options']>;

/**
 * `--hidden -1` → `--hidden=-1`: parseArgs refuses a value that starts with '-' as ambiguous, so a negative number
 * after a flag that takes a value is joined to it here, and reaches the flag's own range check.
 */
function joinNegativeNumbers(argv: string[], options: Flags): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], next = argv[i + 1];
    const takesValue = a.startsWith('--') && !a.includes('=') && options[a.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-(\d|\.\d|Infinity$)/.test(next)) { out.push(`${a}=${next}`); i++; } else out.push(a);
  }
  return out;
}

export function parse(argv: string[], options: Flags, positionals = false): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: joinNegativeNumbers(argv, options), options: { help: { type: 'boolean', short: 'h' }, ...options }, strict: true, allowPositionals: positionals });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
}

/** A flag's value as a number, or `fallback` when absent; anything non-numeric is a usage error. */
export function num(values: Record<string, unknown>, name: string, fallback: number, opts: { int?: boolean; min?: number; below?: number } = {}): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${name} expects a number, got '${String(raw)}'`);
  if (opts.int && !Number.isInteger(v)) throw new UsageError(`--${name} expects an integer, got '${raw}'`);
  if (opts.min !== undefined && v < opts.min) throw new UsageError(`--${name} must be ≥ ${opts.min}, got ${raw}`);
  if (opts.below !== undefined && v >= opts.below) throw new UsageError(`--${name} must be < ${opts.below}, got ${raw}`);
  return v;
}

export function choice<T extends string>(values: Record<string, unknown>, name: string, allowed: readonly T[], fallback: T): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${String(raw)}'`);
  return raw as T;
}
