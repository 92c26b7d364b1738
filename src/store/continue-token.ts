// Continue tokens for paged lists. Opaque to callers; base64url of a small JSON object:
// {"v":1,"rev":<snapshot revision>,"prefix":<listed prefix>,"after":<last key returned>,
// "left":<items after it>}. The next page lists keys > after under the same prefix at the
// same revision, so pages stay consistent while writes continue. A snapshot never changes,
// so "left" minus the next page's size is the next remaining count: no page after the
// first has to count the tail of the range again (which in SQLite is a scan).
import { StoreError, type Revision } from './types.js';

export interface ContinuePoint {
  readonly revision: Revision;
  readonly prefix: string;
  /** Last key of the previous page; the next page starts strictly after it. */
  readonly after: string;
  /** Items after `after` at `revision`. */
  readonly remaining: number;
}

export function encodeContinue(p: ContinuePoint): string {
  const json = JSON.stringify({ v: 1, rev: p.revision, prefix: p.prefix, after: p.after, left: p.remaining });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** Parses a token and checks it belongs to `prefix`; InvalidArgument on anything odd. */
export function decodeContinue(token: string, prefix: string): ContinuePoint {
  const bad = (why: string): StoreError => new StoreError('InvalidArgument', `invalid continue token: ${why}`);
  if (typeof token !== 'string' || token === '' || !/^[A-Za-z0-9_-]+$/.test(token)) throw bad('not base64url');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad('not JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw bad('not an object');
  const o = raw as Record<string, unknown>;
  if (o['v'] !== 1) throw bad('unknown version');
  const rev = o['rev'];
  const tokenPrefix = o['prefix'];
  const after = o['after'];
  const left = o['left'];
  if (typeof rev !== 'number' || !Number.isSafeInteger(rev) || rev <= 0) throw bad('bad revision');
  if (typeof tokenPrefix !== 'string' || typeof after !== 'string') throw bad('bad fields');
  if (typeof left !== 'number' || !Number.isSafeInteger(left) || left <= 0) throw bad('bad remaining count');
  if (tokenPrefix !== prefix) throw bad('issued for another prefix');
  if (!after.startsWith(prefix)) throw bad('position outside prefix');
  return { revision: rev, prefix, after, remaining: left };
}
