// Rendering of "bad values" the way kube-apiserver 1.32 prints them in field errors.
//
// Upstream (k8s.io/apimachinery v0.32 field.Error.ErrorBody) prints int/float/bool with %v,
// strings with %q and everything else with Go's %#v (pointers are dereferenced first, nil
// becomes the *string* "null" and is therefore quoted). We cannot recover Go types from
// JSON, so callers say what Go would have seen: a plain string/number/boolean/null, or a
// pre-rendered %#v literal built with the helpers below. Worked examples:
//   goStringMap({app: 'x'})            -> map[string]string{"app":"x"}
//   goStringSlice(['10.0.0.1'])        -> []string{"10.0.0.1"}
//   goIntOrString(80)                  -> intstr.IntOrString{Type:0, IntVal:80, StrVal:""}

/** A Go %#v rendering that is printed verbatim. */
export interface GoLiteral {
  readonly goLiteral: string;
}

export type GoValue = string | number | boolean | null | GoLiteral;

export function goLiteral(text: string): GoLiteral {
  return { goLiteral: text };
}

export function isGoLiteral(v: unknown): v is GoLiteral {
  return typeof v === 'object' && v !== null && typeof (v as { goLiteral?: unknown }).goLiteral === 'string';
}

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.Quote: Go double-quoted string literal with Go's escapes. */
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
      default:
        break;
    }
    if (PRINTABLE.test(ch)) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + '"';
}

/** Go %v of a number: integers bare; other floats in Go's shortest form (close enough for JS doubles). */
export function goNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  const s = String(n);
  // Go prints exponents with a sign and at least two digits (1e+21, 1e-07).
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** %#v of map[K]string with sorted keys (fmt sorts map keys). undefined renders as a nil map. */
export function goStringMap(m: Readonly<Record<string, string>> | undefined, type = 'map[string]string'): GoLiteral {
  if (m === undefined) return goLiteral(`${type}(nil)`);
  const keys = Object.keys(m).sort();
  return goLiteral(`${type}{${keys.map((k) => `${goQuote(k)}:${goQuote(m[k] ?? '')}`).join(', ')}}`);
}

/** %#v of []T where T is a string kind (string, core.IPFamily, ...). undefined renders as a nil slice. */
export function goStringSlice(a: readonly string[] | undefined, elemType = 'string'): GoLiteral {
  if (a === undefined) return goLiteral(`[]${elemType}(nil)`);
  return goLiteral(`[]${elemType}{${a.map(goQuote).join(', ')}}`);
}

/** %#v of intstr.IntOrString as built from JSON (a number is Type 0, a string Type 1). */
export function goIntOrString(v: number | string | undefined): GoLiteral {
  return goLiteral(goIntOrStringText(v));
}

export function goIntOrStringText(v: number | string | undefined): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${v ?? 0}, StrVal:""}`;
}

/** %#v of a *string field: (*string)(nil) when absent; Go prints the pointer address otherwise, which we avoid needing. */
export function goStringPtrText(v: string | undefined): string {
  return v === undefined ? '(*string)(nil)' : `(*string)(${goQuote(v)})`;
}

/** %#v of a struct from ordered [field, rendered-value] pairs. */
export function goStruct(type: string, fields: ReadonlyArray<readonly [string, string]>): GoLiteral {
  return goLiteral(`${type}{${fields.map(([k, v]) => `${k}:${v}`).join(', ')}}`);
}

/** Renders a bad value the way ErrorBody does (without the leading type text). */
export function formatGoValue(v: GoValue): string {
  if (v === null) return '"null"';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v.goLiteral;
}
