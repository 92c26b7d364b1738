// Canonical JSON (object keys sorted, null/undefined members dropped): equal values encode
// equally whatever their key order, so "did anything change?" is a string comparison.
// Objects from informers are never mutated, so their encodings are cached per object.
const cache = new WeakMap<object, string>();

export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== null && x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

/** canonicalJson for a value that will never be mutated (an informer's object or a part of one). */
export function frozenCanonicalJson(v: object): string {
  let s = cache.get(v);
  if (s === undefined) cache.set(v, (s = canonicalJson(v)));
  return s;
}
