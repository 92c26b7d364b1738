// Thin adapter over the api package's field selector support, so the server sees
// a string error and a matcher.
import { objectMatchesFields, parseFieldSelectorFor as parse, type KubeObject, type ParsedFieldSelector } from '../api/index.js';
import type { Result } from '../core/index.js';

export function parseFieldSelectorFor(resource: string, selector: string): Result<ParsedFieldSelector, string> {
  const r = parse(resource, selector);
  return r.ok ? r : { ok: false, error: r.error.message };
}

export function matchesFieldSelector(resource: string, sel: ParsedFieldSelector, obj: KubeObject): boolean {
  return objectMatchesFields(resource, sel, obj);
}
