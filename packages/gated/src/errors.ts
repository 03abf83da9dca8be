// Typed errors: every failure the library reports is a GatedError with a stable `code`
// and a message naming what was expected and what came.

/**
 * The stable `code` of a {@link GatedError}, one per kind of failure; the error's class tells its family:
 *
 * | code | family | when |
 * |---|---|---|
 * | `SHAPE_MISMATCH` | {@link ShapeError} | operand shapes do not fit the op |
 * | `INVALID_ARGUMENT` | {@link ArgumentError} | an option or argument outside its domain, or an unknown option |
 * | `AUTOGRAD` | {@link ArgumentError} | backward on something that cannot be differentiated |
 * | `DTYPE` | {@link DTypeError} | integer data used where exact float32 is impossible |
 * | `STATE_DICT` | {@link FormatError} | missing / unexpected key or wrong shape in `loadStateDict` |
 * | `SAFETENSORS` | {@link FormatError} | malformed safetensors bytes |
 * | `CHECKPOINT` | {@link FormatError} | unreadable, corrupt or inconsistent checkpoint |
 * | `FORMAT` | {@link FormatError} | any other malformed file (ONNX, model.json, config) |
 * | `UNSUPPORTED` | {@link UnsupportedError} | a valid input this library does not implement (e.g. an ONNX op) |
 * | `NOT_FINITE` | {@link NumericError} | NaN / Inf where a finite number is required |
 * | `IO` | {@link FileError} | file system or data-loading failure |
 */
export type GatedErrorCode =
  | 'SHAPE_MISMATCH'     // operand shapes do not fit the op                              → ShapeError
  | 'INVALID_ARGUMENT'   // an option or argument outside its domain, or an unknown option → ArgumentError
  | 'AUTOGRAD'           // backward on something that cannot be differentiated             → ArgumentError
  | 'DTYPE'              // integer data used where exact float32 is impossible             → DTypeError
  | 'STATE_DICT'         // missing / unexpected key or wrong shape in loadStateDict        → FormatError
  | 'SAFETENSORS'        // malformed safetensors bytes                                     → FormatError
  | 'CHECKPOINT'         // unreadable, corrupt or inconsistent checkpoint                  → FormatError
  | 'FORMAT'             // any other malformed file (ONNX, model.json, config)             → FormatError
  | 'UNSUPPORTED'        // a valid input this library does not implement (e.g. an ONNX op) → UnsupportedError
  | 'NOT_FINITE'         // NaN / Inf where a finite number is required                     → NumericError
  | 'IO';                // file system or data-loading failure                             → FileError

/**
 * The one error type of the library. Its `code` is stable; its class tells the family, so callers can catch
 * `ShapeError`, `FormatError`, … or test `err.code`. `new GatedError(code, msg)` is an instance of the family class
 * of its code (the constructor sets the prototype), so every throw site gets the right family.
 * @example
 * ```ts
 * try { gru.loadStateDict(dict); }
 * catch (e) { if (e instanceof FormatError && e.code === 'STATE_DICT') console.error(e.message); else throw e; }
 * ```
 */
export class GatedError extends Error {
  /** Stable machine-readable code; see {@link GatedErrorCode}. */
  readonly code: GatedErrorCode;
  constructor(code: GatedErrorCode, message: string) {
    super(message);
    this.code = code;
    const family = families[code];
    if (family && !(this instanceof family)) Object.setPrototypeOf(this, family.prototype);
    this.name = Object.getPrototypeOf(this).constructor.name;
  }
}

/** Operand shapes do not fit the op (code `SHAPE_MISMATCH`); the message names the expected and the received shape. */
export class ShapeError extends GatedError {}
/** An option or argument outside its domain, an unknown option (`INVALID_ARGUMENT`), or an impossible backward (`AUTOGRAD`). */
export class ArgumentError extends GatedError {}
/** Integer data used where float32 cannot hold it exactly (code `DTYPE`). */
export class DTypeError extends GatedError {}
/** A malformed or inconsistent file or state: codes `STATE_DICT`, `SAFETENSORS`, `CHECKPOINT`, `FORMAT`. */
export class FormatError extends GatedError {}
/** A valid input this library does not implement, e.g. an ONNX operator or attribute (code `UNSUPPORTED`). */
export class UnsupportedError extends GatedError {}
/** NaN or Inf where a finite number is required, e.g. a non-finite loss in `fit` (code `NOT_FINITE`). */
export class NumericError extends GatedError {}
/** A file-system or data-loading failure (code `IO`); the message names the path. */
export class FileError extends GatedError {}

const families: Record<GatedErrorCode, typeof GatedError> = {
  SHAPE_MISMATCH: ShapeError, INVALID_ARGUMENT: ArgumentError, AUTOGRAD: ArgumentError, DTYPE: DTypeError,
  STATE_DICT: FormatError, SAFETENSORS: FormatError, CHECKPOINT: FormatError, FORMAT: FormatError,
  UNSUPPORTED: UnsupportedError, NOT_FINITE: NumericError, IO: FileError,
};

/** Rejects option keys outside `allowed` (a typo like `hiddensize` must not be silently ignored). */
export function checkOptions(what: string, opts: object | undefined | null, allowed: readonly string[]): void {
  if (opts === undefined || opts === null) return;
  if (typeof opts !== 'object' || Array.isArray(opts)) throw new GatedError('INVALID_ARGUMENT', `${what}: options must be an object, got ${Array.isArray(opts) ? 'an array' : typeof opts}`);
  const unknown = Object.keys(opts).filter((k) => !allowed.includes(k));
  if (unknown.length) {
    throw new GatedError('INVALID_ARGUMENT', `${what}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; expected any of ${allowed.join(', ')}`);
  }
}

/** Throws a GatedError with `code` unless `cond` holds. */
export function check(cond: unknown, code: GatedErrorCode, message: string | (() => string)): asserts cond {
  if (!cond) throw new GatedError(code, typeof message === 'function' ? message() : message);
}

export const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;
