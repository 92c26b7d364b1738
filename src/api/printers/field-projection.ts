// Which parts of an object a printer reads, so a server holding objects as stored JSON can
// decode just those parts (perf: a Table of 100k pods must not JSON.parse 100k whole pods).
// A projection is applied the same way to a decoded object (projectFields, here) and to
// stored bytes (the API server's scanner); printing either must give the same row.

/**
 * `true`: the whole value. An object of sub-projections: keep only those keys of an object
 * (recursively), apply to every element of an array, keep a scalar as is.
 */
export type FieldProjection = true | { readonly [field: string]: FieldProjection };

/** The projection applied to a decoded value. The result shares no objects it did not keep whole. */
export function projectFields(value: unknown, p: FieldProjection): unknown {
  if (p === true) return value;
  if (Array.isArray(value)) return value.map((e: unknown) => projectFields(e, p));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const sub = Object.hasOwn(p, k) ? p[k] : undefined;
    if (sub !== undefined) out[k] = projectFields(v, sub);
  }
  return out;
}
