// The tokenizer behind every ovs-ofctl text syntax (ofputil_parse_key_value in OVS
// lib/ofp-parse.c): items separated by commas or white space, each `key`, `key=value`,
// `key:value` or `key(value)`, where parenthesised values nest.

export interface KeyValue {
  readonly key: string;
  readonly value: string;
  /** The character that ended the key: '=', ':', '(' or '' (no value). */
  readonly delim: '=' | ':' | '(' | '';
}

const SEPARATORS = ', \t\r\n';

function valueLength(s: string, from: number, delimiters: string): number {
  let n = from;
  while (n < s.length && !delimiters.includes(s[n] as string)) {
    if (s[n] === '(') {
      let level = 0;
      do {
        if (n >= s.length) return n - from;
        if (s[n] === '(') level++;
        else if (s[n] === ')') level--;
        n++;
      } while (level > 0);
    } else n++;
  }
  return n - from;
}

export function parseKeyValues(text: string): KeyValue[] {
  const out: KeyValue[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && SEPARATORS.includes(text[pos] as string)) pos++;
    if (pos >= text.length) return out;
    let end = pos;
    while (end < text.length && !':=(, \t\r\n'.includes(text[end] as string)) end++;
    const key = text.slice(pos, end);
    const d = text[end] ?? '';
    pos = end + (d === '' ? 0 : 1);
    if (d !== ':' && d !== '=' && d !== '(') {
      out.push({ key, value: '', delim: '' });
      continue;
    }
    let len = valueLength(text, pos, d === '(' ? ')' : SEPARATORS);
    // "(x)->y" (e.g. set_field with a parenthesised value) continues past the ')'.
    if (d === '(' && text[pos + len] === ')' && text.startsWith('->', pos + len + 1)) {
      len += valueLength(text, pos + len, SEPARATORS);
    }
    const value = text.slice(pos, pos + len);
    pos += len + (pos + len < text.length ? 1 : 0);
    out.push({ key, value, delim: d });
  }
}

/** Splits "match... actions=..." at the first "action" keyword (ofp_extract_actions). */
export function splitActions(text: string): { readonly head: string; readonly actions: string | undefined } {
  const i = text.indexOf('action');
  if (i === -1) return { head: text, actions: undefined };
  const eq = text.indexOf('=', i);
  return { head: text.slice(0, i), actions: eq === -1 ? undefined : text.slice(eq + 1) };
}
