// Field selectors (k8s.io/apimachinery/pkg/fields/selector.go): `key=value`, `key==value`,
// `key!=value`, comma-separated, values escaped with `\,` `\=` `\\`. Which keys a resource
// accepts, and what each key reads from an object, lives in field-labels.ts.
//
// Invariants: terms are kept in upstream order (the raw terms sorted bytewise before
// parsing); `==` is stored as `=`; values are unescaped.
import { err, ok, type Result } from '../../core/index.js';
import { compareGoStrings } from './_go-format.js';

export interface FieldTerm {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** The AND of its terms; no terms selects everything. */
export interface ParsedFieldSelector {
  readonly terms: readonly FieldTerm[];
}

/** `syntax`: the string does not parse; `unsupported-field`: the resource has no such field label. */
export interface FieldSelectorError {
  readonly reason: 'syntax' | 'unsupported-field';
  readonly message: string;
}

export type Fields = Readonly<Record<string, string>>;

export const FIELDS_EVERYTHING: ParsedFieldSelector = Object.freeze({ terms: Object.freeze([]) });

/** fields.EscapeValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => '\\' + c);
}

/** fields.UnescapeValue, with upstream's messages (an unescaped rune prints as its code point). */
export function unescapeFieldValue(s: string): Result<string, string> {
  if (!/[\\,=]/.test(s)) return ok(s);
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') return err(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') return err(`invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`);
    else out += c;
  }
  if (inSlash) return err('invalid field selector: invalid escape sequence: \\');
  return ok(out);
}

/** Splits on commas not preceded by a backslash escape. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.ParseSelector. The empty string selects everything. */
export function parseFieldSelector(selector: string): Result<ParsedFieldSelector, FieldSelectorError> {
  const parts = splitTerms(selector).sort(compareGoStrings);
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (t === undefined) return err({ reason: 'syntax', message: `invalid selector: '${selector}'; can't understand '${part}'` });
    const value = unescapeFieldValue(t.rhs);
    if (!value.ok) return err({ reason: 'syntax', message: value.error });
    terms.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value: value.value });
  }
  return ok({ terms });
}

/** A field label conversion: the (possibly renamed) field, or upstream's error message. */
export type FieldLabelConversion = (field: string, value: string) => Result<{ field: string; value: string }, string>;

/** Selector.Transform: every term through `convert`; a term converted to ("", "") is dropped. */
export function transformFieldSelector(sel: ParsedFieldSelector, convert: FieldLabelConversion): Result<ParsedFieldSelector, FieldSelectorError> {
  const terms: FieldTerm[] = [];
  for (const t of sel.terms) {
    const r = convert(t.field, t.value);
    if (!r.ok) return err({ reason: 'unsupported-field', message: r.error });
    if (r.value.field === '' && r.value.value === '') continue;
    terms.push({ field: r.value.field, operator: t.operator, value: r.value.value });
  }
  return ok({ terms });
}

/** Selector.Matches against a field set; a missing field reads as "". */
export function matchesFields(sel: ParsedFieldSelector, fields: Fields): boolean {
  return sel.terms.every((t) => {
    const v = Object.prototype.hasOwnProperty.call(fields, t.field) ? (fields[t.field] ?? '') : '';
    return t.operator === '=' ? v === t.value : v !== t.value;
  });
}

/** Selector.String(): `a=b,c!=d` with values re-escaped. */
export function fieldSelectorToString(sel: ParsedFieldSelector): string {
  return sel.terms.map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`).join(',');
}

/** Selector.RequiresExactMatch: the value an equality term pins `field` to (for index lookups). */
export function requiresExactFieldMatch(sel: ParsedFieldSelector, field: string): string | undefined {
  return sel.terms.find((t) => t.field === field && t.operator === '=')?.value;
}
