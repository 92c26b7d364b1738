// Go formatting verbs that leak into kube-apiserver error messages. Selector errors are
// compared character for character by clients and tests, so `%q` and json.Marshal output
// must match Go's, not JavaScript's.

// Go's `%q` / strconv.Quote: one implementation for the whole api package.
export { goQuote } from '../validation/go-value.js';

/**
 * encoding/json's Marshal for a string slice (nil -> `null`). Go escapes <, > and & as
 * \u003c etc. (HTML-safe default) and U+2028/2029; JSON.stringify does not.
 */
export function goJSONStrings(values: readonly string[] | null): string {
  if (values === null) return 'null';
  return (
    '[' +
    values
      .map((v) =>
        JSON.stringify(v)
          .replace(/</g, '\\u003c')
          .replace(/>/g, '\\u003e')
          .replace(/&/g, '\\u0026')
          .replace(/\u2028/g, '\\u2028')
          .replace(/\u2029/g, '\\u2029'),
      )
      .join(',') +
    ']'
  );
}

const utf8 = new TextEncoder();

/** Go's len(string): UTF-8 bytes, which is what upstream length limits count. */
export function byteLength(s: string): number {
  return utf8.encode(s).length;
}

const NON_ASCII = /[^\x00-\x7f]/;
const isAscii = (s: string): boolean => !NON_ASCII.test(s);

/** Go's sort.Strings order (bytewise). For the ASCII strings labels allow this equals `<`. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order equals UTF-8 byte order unless a surrogate pair meets a code point in
  // U+E000..U+FFFF; only pay for encoding when a non-ASCII character is present.
  if (isAscii(a) && isAscii(b)) return a < b ? -1 : 1;
  const ab = utf8.encode(a);
  const bb = utf8.encode(b);
  const n = Math.min(ab.length, bb.length);
  for (let i = 0; i < n; i++) {
    const d = (ab[i] ?? 0) - (bb[i] ?? 0);
    if (d !== 0) return d;
  }
  return ab.length - bb.length;
}
