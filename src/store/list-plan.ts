// Turns ListOptions into a concrete read (revision, start position, limit) and a page
// into a ListResult, so every backend pages and validates identically.
import { decodeContinue, encodeContinue } from './continue-token.js';
import { checkLimit, checkPrefix, checkReadRevision, checkRevision } from './keys.js';
import { StoreError, type KeyValue, type ListOptions, type ListResult, type Revision } from './types.js';

export interface ListPlan {
  readonly prefix: string;
  readonly revision: Revision;
  /** List keys strictly greater than this (continue); undefined = from the start of the prefix. */
  readonly after: string | undefined;
  /** 0 = unlimited. */
  readonly limit: number;
  /** Items left after `after` (from the continue token); undefined = the backend must count. */
  readonly remainingBefore: number | undefined;
}

export function planList(prefix: string, opts: ListOptions | undefined, current: Revision, compacted: Revision): ListPlan {
  checkPrefix(prefix);
  const limit = opts?.limit ?? 0;
  checkLimit(limit);
  const asked = opts?.revision ?? 0;
  checkRevision(asked, 'revision');
  let revision = asked === 0 ? current : asked;
  let after: string | undefined;
  let remainingBefore: number | undefined;
  if (opts?.continue !== undefined) {
    const point = decodeContinue(opts.continue, prefix);
    // Like the Kubernetes API: a continued list is pinned to the token's revision.
    if (asked !== 0 && asked !== point.revision) {
      throw new StoreError('InvalidArgument', `continue token is for revision ${point.revision}, not ${asked}`);
    }
    revision = point.revision;
    after = point.after;
    remainingBefore = point.remaining;
  }
  checkReadRevision(revision, compacted, current);
  return { prefix, revision, after, limit, remainingBefore };
}

/**
 * `counted` = matching keys after the last item of the page, as the backend counted them;
 * ignored when the continue token already told (plan.remainingBefore).
 */
export function pageResult(plan: ListPlan, items: readonly KeyValue[], counted: number): ListResult {
  const remaining = plan.remainingBefore === undefined ? counted : Math.max(0, plan.remainingBefore - items.length);
  const last = items[items.length - 1];
  if (plan.limit === 0 || remaining === 0 || last === undefined) return { items, revision: plan.revision };
  return {
    items,
    revision: plan.revision,
    continue: encodeContinue({ revision: plan.revision, prefix: plan.prefix, after: last.key, remaining }),
    remainingItemCount: remaining,
  };
}
