// Domain names between wire form and dotted text. Text form has no trailing dot and uses
// RFC 1035 escapes for bytes that would be ambiguous or unprintable in a label, so any
// wire name survives a round trip and never collides with a plain name we serve.

/** RFC 1035 3.1: a name is at most 255 octets on the wire, a label at most 63. */
export const MAX_NAME_WIRE = 255;
export const MAX_LABEL = 63;

function needsEscape(c: number): boolean {
  return c <= 0x20 || c >= 0x7f || c === 0x2e /* . */ || c === 0x5c /* \ */;
}

/** Text of the label at buf[start, start+len), escaped where needed. */
export function labelText(buf: Uint8Array, start: number, len: number): string {
  let plain = true;
  for (let i = start; i < start + len; i++) {
    if (needsEscape(buf[i]!)) {
      plain = false;
      break;
    }
  }
  if (plain) return String.fromCharCode.apply(null, buf.subarray(start, start + len) as unknown as number[]);
  let s = '';
  for (let i = start; i < start + len; i++) {
    const c = buf[i]!;
    if (c === 0x2e || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c <= 0x20 || c >= 0x7f) s += '\\' + String(c).padStart(3, '0');
    else s += String.fromCharCode(c);
  }
  return s;
}

/** Splits dotted text into labels, honouring `\.` so an escaped dot stays inside its label. */
export function splitName(name: string): string[] {
  if (name === '' || name === '.') return [];
  const n = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  if (!n.includes('\\')) return n.split('.');
  const labels: string[] = [];
  let cur = '';
  for (let i = 0; i < n.length; i++) {
    const ch = n[i]!;
    if (ch === '\\' && i + 1 < n.length) {
      cur += ch + n[i + 1]!;
      i++;
    } else if (ch === '.') {
      labels.push(cur);
      cur = '';
    } else cur += ch;
  }
  labels.push(cur);
  return labels;
}

/** Wire bytes of one text label (escapes decoded). */
export function labelBytes(label: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c === 0x5c && i + 1 < label.length) {
      const d = label.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d)) {
        out.push(Number(d) & 0xff);
        i += 3;
      } else {
        out.push(label.charCodeAt(i + 1) & 0xff);
        i += 1;
      }
    } else out.push(c & 0xff);
  }
  return out;
}

/**
 * Reads a possibly compressed name at `offset`. Returns the labels and the offset just past
 * the name's own bytes, or undefined when the name is malformed (out of bounds, a pointer
 * loop or forward pointer, a reserved label type, or longer than 255 octets).
 */
export function readName(buf: Uint8Array, offset: number, allowPointers: boolean): { labels: string[]; end: number } | undefined {
  const labels: string[] = [];
  let pos = offset;
  let end = -1;
  let wireLen = 1;
  let lowestTarget = offset;
  for (;;) {
    if (pos >= buf.length) return undefined;
    const len = buf[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      return { labels, end };
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (!allowPointers || pos + 1 >= buf.length) return undefined;
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      // Only strictly backwards pointers: this rules out loops without a hop counter.
      if (target >= lowestTarget) return undefined;
      lowestTarget = target;
      if (end < 0) end = pos + 2;
      pos = target;
      continue;
    }
    if (kind !== 0) return undefined;
    if (pos + 1 + len > buf.length) return undefined;
    wireLen += len + 1;
    if (wireLen > MAX_NAME_WIRE) return undefined;
    labels.push(labelText(buf, pos + 1, len));
    pos += len + 1;
  }
}

/** Offset just past a possibly compressed name, without decoding it; undefined if malformed. */
export function skipName(buf: Uint8Array, offset: number): number | undefined {
  let pos = offset;
  for (let hops = 0; hops < 128; hops++) {
    if (pos >= buf.length) return undefined;
    const len = buf[pos]!;
    if (len === 0) return pos + 1;
    const kind = len & 0xc0;
    if (kind === 0xc0) return pos + 2 <= buf.length ? pos + 2 : undefined;
    if (kind !== 0) return undefined;
    pos += len + 1;
  }
  return undefined;
}

/** Joins labels back into text; the inverse of splitName. */
export function joinLabels(labels: readonly string[]): string {
  return labels.join('.');
}
