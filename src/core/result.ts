// A discriminated result instead of exceptions for expected failures (parse errors,
// allocation exhaustion). Exceptions stay for programmer errors.
export type Result<T, E = string> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** Unwraps or throws; for tests and for values already known to be valid. */
export function unwrap<T, E>(r: Result<T, E>): T {
  if (r.ok) return r.value;
  throw new Error(typeof r.error === 'string' ? r.error : JSON.stringify(r.error));
}
