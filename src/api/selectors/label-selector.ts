// Label selectors as kube-apiserver evaluates them (k8s.io/apimachinery/pkg/labels/selector.go,
// pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector). The string syntax parser lives in
// label-parser.ts; this file holds the value type, requirement construction with upstream's
// validation messages, matching and the canonical string form.
//
// Invariants:
// - requirements are sorted by key (stable), as upstream sorts after parsing and on Add;
// - `{ kind: 'nothing' }` only comes from a nil metav1.LabelSelector and matches no object;
// - an empty requirement list is "everything" (the empty string, or `{}` as metav1 selector).
import { err, ok, type Result } from '../../core/index.js';
import type { LabelSelector } from '../types/index.js';
import { compareGoStrings, goJSONStrings, goQuote } from './_go-format.js';
import { isQualifiedName, isValidLabelValue } from './label-validation.js';

/** selection.Operator values, spelled as upstream spells them (they appear in messages). */
export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Sorted and de-duplicated for set operators; exactly one for =, ==, !=, gt, lt; empty for exists/!. */
  readonly values: readonly string[];
}

export type ParsedLabelSelector =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'requirements'; readonly requirements: readonly LabelRequirement[] };

/** `syntax`: the string does not parse; `invalid`: a key, value or operator fails validation. */
export interface LabelSelectorError {
  readonly reason: 'syntax' | 'invalid';
  readonly message: string;
}

export type Labels = Readonly<Record<string, string>>;

export const LABELS_EVERYTHING: ParsedLabelSelector = Object.freeze({ kind: 'requirements', requirements: Object.freeze([]) });
export const LABELS_NOTHING: ParsedLabelSelector = Object.freeze({ kind: 'nothing' });

/** field.Invalid(...).Error(): `path: Invalid value: <value>: detail`. */
function invalid(path: string, bad: string | readonly string[] | null, detail: string): string {
  const shown = typeof bad === 'string' ? goQuote(bad) : goJSONStrings(bad);
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

/** utilerrors.NewAggregate(...).Error(): one message alone, several as "[a, b]" (deduplicated). */
function aggregate(messages: readonly string[]): string {
  const uniq = [...new Set(messages)];
  return uniq.length === 1 ? (uniq[0] ?? '') : `[${uniq.join(', ')}]`;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, must fit int64. */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

/**
 * labels.NewRequirement with a nil field path, which is how both the parser and
 * LabelSelectorAsSelector call it; hence paths like `key` and `values[0][app]`.
 * `values === null` mirrors a nil Go slice (it prints as `null` in messages).
 */
export function newRequirement(key: string, operator: SelectorOperator, values: readonly string[] | null): Result<LabelRequirement, LabelSelectorError> {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalid('key', key, keyErrs.join('; ')));
  const vals = values ?? [];
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(invalid('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(invalid('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(invalid('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(invalid('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  vals.forEach((v, i) => {
    const vErrs = isValidLabelValue(v);
    if (vErrs.length > 0) errs.push(invalid(`values[${i}][${key}]`, v, vErrs.join('; ')));
  });
  if (errs.length > 0) return err({ reason: 'invalid', message: aggregate(errs) });
  return ok({ key, operator, values: [...vals] });
}

function has(labels: Labels | undefined, key: string): boolean {
  return labels !== undefined && Object.prototype.hasOwnProperty.call(labels, key);
}

export function requirementMatches(r: LabelRequirement, labels: Labels | undefined): boolean {
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has(labels, r.key) && r.values.includes(labels?.[r.key] ?? '');
    case 'notin':
    case '!=':
      return !has(labels, r.key) || !r.values.includes(labels?.[r.key] ?? '');
    case 'exists':
      return has(labels, r.key);
    case '!':
      return !has(labels, r.key);
    case 'gt':
    case 'lt': {
      if (!has(labels, r.key) || r.values.length !== 1) return false;
      const have = parseInt64(labels?.[r.key] ?? '');
      const want = parseInt64(r.values[0] ?? '');
      if (have === undefined || want === undefined) return false;
      return r.operator === 'gt' ? have > want : have < want;
    }
  }
}

/** Selector.Matches: every requirement holds. `nothing` matches no label set. */
export function matchesLabels(sel: ParsedLabelSelector, labels: Labels | undefined): boolean {
  if (sel.kind === 'nothing') return false;
  return sel.requirements.every((r) => requirementMatches(r, labels));
}

/** Selector.Empty(): true only for "everything" (a nil metav1 selector is not empty). */
export function isEverything(sel: ParsedLabelSelector): boolean {
  return sel.kind === 'requirements' && sel.requirements.length === 0;
}

const OP_TEXT: Record<SelectorOperator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

/** Requirement.String(): `!k`, `k`, `k=v`, `k in (a,b)` with set values sorted. */
export function requirementToString(r: LabelRequirement): string {
  if (r.operator === '!') return '!' + r.key;
  if (r.operator === 'exists') return r.key;
  const vals = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort(compareGoStrings).join(',');
  const set = r.operator === 'in' || r.operator === 'notin';
  return r.key + OP_TEXT[r.operator] + (set ? `(${vals})` : vals);
}

/** Selector.String(): requirements joined by ","; "" for both everything and nothing. */
export function labelSelectorToString(sel: ParsedLabelSelector): string {
  if (sel.kind === 'nothing') return '';
  return sel.requirements.map(requirementToString).join(',');
}

/** Stable sort by key (upstream sorts ByKey; equal keys keep their order for small selectors). */
export function sortByKey(reqs: readonly LabelRequirement[]): LabelRequirement[] {
  return [...reqs].sort((a, b) => compareGoStrings(a.key, b.key));
}

/** Selector.RequiresExactMatch: the single value a selector pins `key` to, if any. */
export function requiresExactMatch(sel: ParsedLabelSelector, key: string): string | undefined {
  if (sel.kind === 'nothing') return undefined;
  const r = sel.requirements.find((q) => q.key === key);
  if (r === undefined) return undefined;
  if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
  return undefined;
}

/** labels.SelectorFromValidatedSet: equality on every pair; an empty or absent set is everything. */
export function selectorFromSet(set: Labels | undefined): ParsedLabelSelector {
  const keys = Object.keys(set ?? {});
  if (keys.length === 0) return LABELS_EVERYTHING;
  return {
    kind: 'requirements',
    requirements: sortByKey(keys.map((k) => ({ key: k, operator: '=' as const, values: [set?.[k] ?? ''] }))),
  };
}

const METAV1_OPERATORS: Record<string, SelectorOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector. Semantics worth knowing:
 * - `null`/`undefined` (a nil selector) selects NOTHING;
 * - `{}` (no matchLabels, no matchExpressions) selects EVERYTHING;
 * - otherwise the AND of matchLabels equalities and matchExpressions.
 * matchLabels are visited in sorted key order so the first reported error is deterministic
 * (upstream iterates a Go map).
 */
export function fromLabelSelector(ps: LabelSelector | null | undefined): Result<ParsedLabelSelector, LabelSelectorError> {
  if (ps === null || ps === undefined) return ok(LABELS_NOTHING);
  const matchLabels = ps.matchLabels ?? {};
  const exprs = ps.matchExpressions ?? [];
  const labelKeys = Object.keys(matchLabels).sort(compareGoStrings);
  if (labelKeys.length + exprs.length === 0) return ok(LABELS_EVERYTHING);
  const reqs: LabelRequirement[] = [];
  for (const k of labelKeys) {
    const r = newRequirement(k, '=', [matchLabels[k] ?? '']);
    if (!r.ok) return r;
    reqs.push(r.value);
  }
  for (const e of exprs) {
    const op = METAV1_OPERATORS[e.operator];
    if (op === undefined) return err({ reason: 'invalid', message: `${goQuote(String(e.operator))} is not a valid label selector operator` });
    // `append([]string(nil), expr.Values...)` stays nil when there are no values.
    const vals = e.values !== undefined && e.values.length > 0 ? [...e.values] : null;
    const r = newRequirement(e.key, op, vals);
    if (!r.ok) return r;
    reqs.push(r.value);
  }
  return ok({ kind: 'requirements', requirements: sortByKey(reqs) });
}

/**
 * metav1.FormatLabelSelector as printers use it: the canonical string, "<none>" when it is
 * empty (including a nil selector), "<error>" when the selector does not convert.
 */
export function formatLabelSelector(ps: LabelSelector | null | undefined): string {
  const r = fromLabelSelector(ps);
  if (!r.ok) return '<error>';
  const s = labelSelectorToString(r.value);
  return s === '' ? '<none>' : s;
}
