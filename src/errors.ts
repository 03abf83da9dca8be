// Typed errors: every failure the library reports is a GatedError with a stable `code`
// and a message naming what was expected and what came.

export type GatedErrorCode =
  | 'SHAPE_MISMATCH'     // operand shapes do not fit the op
  | 'INVALID_ARGUMENT'   // an option or argument outside its domain
  | 'STATE_DICT'         // missing / unexpected key or wrong shape in loadStateDict
  | 'SAFETENSORS'        // malformed safetensors bytes
  | 'AUTOGRAD'           // backward on something that cannot be differentiated
  | 'DTYPE'              // integer data used where exact float32 is impossible
  | 'NOT_FINITE'         // NaN / Inf loss during training
  | 'IO'                 // file system or data-loading failure
  | 'CHECKPOINT';        // unreadable or inconsistent checkpoint

export class GatedError extends Error {
  readonly code: GatedErrorCode;
  constructor(code: GatedErrorCode, message: string) {
    super(message);
    this.name = 'GatedError';
    this.code = code;
  }
}

/** Throws a GatedError with `code` unless `cond` holds. */
export function check(cond: unknown, code: GatedErrorCode, message: string | (() => string)): asserts cond {
  if (!cond) throw new GatedError(code, typeof message === 'function' ? message() : message);
}

export const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;
