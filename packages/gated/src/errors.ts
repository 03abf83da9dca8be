// Typed errors: every failure the library reports is a GatedError with a stable `code`
// and a message naming what was expected and what came.

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
 */
export class GatedError extends Error {
  readonly code: GatedErrorCode;
  constructor(code: GatedErrorCode, message: string) {
    super(message);
    this.code = code;
    const family = families[code];
    if (family && !(this instanceof family)) Object.setPrototypeOf(this, family.prototype);
    this.name = Object.getPrototypeOf(this).constructor.name;
  }
}

export class ShapeError extends GatedError {}
export class ArgumentError extends GatedError {}
export class DTypeError extends GatedError {}
export class FormatError extends GatedError {}
export class UnsupportedError extends GatedError {}
export class NumericError extends GatedError {}
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
