// JSON Pointer (RFC 6901): "" is the whole document, otherwise "/"-separated reference tokens
// where "~1" stands for "/" and "~0" for "~" (decoded in that order, so "~01" is "~1").
import type { Result } from '../../core/result.js';

export type PointerError = { readonly kind: 'NoLeadingSlash' } | { readonly kind: 'BadEscape'; readonly token: string };

export function parsePointer(pointer: string): Result<readonly string[], PointerError> {
  if (pointer === '') return { ok: true, value: [] };
  if (!pointer.startsWith('/')) return { ok: false, error: { kind: 'NoLeadingSlash' } };
  const tokens: string[] = [];
  for (const raw of pointer.slice(1).split('/')) {
    if (/~(?![01])/.test(raw)) return { ok: false, error: { kind: 'BadEscape', token: raw } };
    tokens.push(raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return { ok: true, value: tokens };
}

export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((t) => '/' + t.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * An array index token per RFC 6901: "0" or digits without a leading zero. Returns undefined for
 * anything else (including "-", which callers handle themselves).
 */
export function arrayIndex(token: string): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const n = Number(token);
  return Number.isSafeInteger(n) ? n : undefined;
}
