// Argument checks shared by every backend, so all of them reject the same inputs.
import { StoreError, type Revision } from './types.js';

// Keys are compared by UTF-16 code unit in memory and by UTF-8 byte in SQLite. The two
// orders agree except for surrogate pairs (astral characters), so those are refused, as
// is NUL (SQLite TEXT and C strings truncate at it) and the other C0 controls.
const BAD_KEY_CHARS = /[\u0000-\u001f\ud800-\udfff]/;

export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new StoreError('InvalidArgument', 'key must be a non-empty string');
  }
  if (BAD_KEY_CHARS.test(key)) {
    throw new StoreError('InvalidArgument', `key ${JSON.stringify(key)} contains a control or astral character`);
  }
}

/** Prefixes follow the key rules but may be empty (= every key). */
export function checkPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') throw new StoreError('InvalidArgument', 'prefix must be a string');
  if (prefix !== '') checkKey(prefix);
}

export function checkValue(value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new StoreError('InvalidArgument', 'value must be a Uint8Array');
}

export function checkRevision(rev: unknown, what: string): asserts rev is Revision {
  if (typeof rev !== 'number' || !Number.isSafeInteger(rev) || rev < 0) {
    throw new StoreError('InvalidArgument', `${what} must be a non-negative integer, got ${String(rev)}`);
  }
}

export function checkLimit(limit: unknown): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
    throw new StoreError('InvalidArgument', `limit must be a non-negative integer, got ${String(limit)}`);
  }
}

/**
 * Smallest string greater than every string that starts with `prefix`, or undefined when
 * `prefix` is empty (no upper bound). Example: "/a/" -> "/a0" (since "0" follows "/").
 * Only the last code unit is bumped: keys hold no surrogates, so it never needs a carry
 * except past U+D7FF, where the next valid character is U+E000.
 */
export function prefixEnd(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  const last = prefix.charCodeAt(prefix.length - 1);
  const next = last === 0xd7ff ? 0xe000 : last + 1;
  // U+FFFF + 1 is U+10000, an astral character: still above every BMP key in both orders.
  return prefix.slice(0, -1) + String.fromCodePoint(next);
}

/** Rejects reads at revisions outside [compacted, current]. */
export function checkReadRevision(rev: Revision, compacted: Revision, current: Revision): void {
  if (rev < compacted) {
    throw new StoreError('Compacted', `revision ${rev} has been compacted (oldest readable ${compacted})`);
  }
  if (rev > current) {
    throw new StoreError('FutureRevision', `revision ${rev} is newer than the current revision ${current}`);
  }
}
