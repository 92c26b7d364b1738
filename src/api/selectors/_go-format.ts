// Go formatting verbs that leak into kube-apiserver error messages. Selector errors are
// compared character for character by clients and tests, so `%q` and json.Marshal output
// must match Go's, not JavaScript's.

/** Go's `%q` / strconv.Quote for a string: double quotes, Go escapes, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd'; // lone surrogate: Go sees invalid UTF-8
    else if (isGoNonPrintable(cp)) out += cp > 0xffff ? '\\U' + cp.toString(16).padStart(8, '0') : '\\u' + cp.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

// A small approximation of unicode.IsPrint for the ranges that matter in practice:
// C1 controls, the line/paragraph separators and the BOM are escaped by Go.
function isGoNonPrintable(cp: number): boolean {
  return (cp >= 0x80 && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff || cp === 0xad;
}

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
