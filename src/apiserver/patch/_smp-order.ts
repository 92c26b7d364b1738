// List ordering for strategic merge patch, following apimachinery's strategicpatch rules
// (design: "preserve order in strategic merge patch"):
//   $setElementOrder > order in the patch list > order in the live list.
// Items the patch names are sorted by the patch (or $setElementOrder) order; server-only items
// keep their live order and are woven in: a server-only item goes before a patch item only when
// both were in the live list and it came first there. So a brand-new item lands before the
// server-only items that follow it, e.g. live [1, 2], patch [3] -> [3, 1, 2].
import { getOwn, goFormat, isJsonObject, jsonEqual, type Json } from './json.js';
import { PatchError } from './patch-error.js';

/** What identifies a list item: its merge-key value for maps, the value itself otherwise. */
export function identity(item: Json, mergeKey: string | undefined): Json | undefined {
  if (mergeKey !== undefined && isJsonObject(item)) return getOwn(item, mergeKey);
  return item;
}

/** A string that is equal for two identities exactly when jsonEqual says they are. */
function canon(v: Json | undefined): string {
  if (v === undefined) return 'u';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
}

/** First position of each identity in `list`, for O(1) lookups while ordering. */
class Positions {
  private readonly at = new Map<string, number>();
  constructor(list: readonly Json[], private readonly mergeKey: string | undefined) {
    list.forEach((x, i) => {
      const k = canon(identity(x, mergeKey));
      if (!this.at.has(k)) this.at.set(k, i);
    });
  }
  of(item: Json): number {
    return this.at.get(canon(identity(item, this.mergeKey))) ?? -1;
  }
}

export function noMergeKey(item: Json, mergeKey: string): PatchError {
  return PatchError.badRequest(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
}

/** Splits `items` into those present in `by` (same identity) and the rest, keeping order. */
export function partition(items: readonly Json[], by: readonly Json[], mergeKey: string | undefined): [Json[], Json[]] {
  const inBy: Json[] = [];
  const rest: Json[] = [];
  const pos = new Positions(by, mergeKey);
  for (const item of items) {
    if (mergeKey !== undefined && isJsonObject(item) && getOwn(item, mergeKey) === undefined) throw noMergeKey(item, mergeKey);
    (pos.of(item) >= 0 ? inBy : rest).push(item);
  }
  return [inBy, rest];
}

function sortBy(items: readonly Json[], order: readonly Json[], mergeKey: string | undefined): Json[] {
  if (mergeKey !== undefined) {
    for (const x of [...items, ...order]) {
      if (isJsonObject(x) && getOwn(x, mergeKey) === undefined) throw noMergeKey(x, mergeKey);
    }
  }
  const pos = new Positions(order, mergeKey);
  const rank = (x: Json) => {
    const i = pos.of(x);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items
    .map((item, pos) => ({ item, pos, r: rank(item) }))
    .sort((a, b) => a.r - b.r || a.pos - b.pos)
    .map((x) => x.item);
}

/**
 * Orders `patchItems` by `patchOrder` and `serverOnly` by `serverOrder`, then weaves server-only
 * items in: before the next patch item only when both are in `serverOrder` and it came first.
 */
export function normalizeElementOrder(
  patchItems: readonly Json[],
  serverOnly: readonly Json[],
  patchOrder: readonly Json[],
  serverOrder: readonly Json[],
  mergeKey: string | undefined,
): Json[] {
  const right = sortBy(patchItems, patchOrder, mergeKey);
  const left = sortBy(serverOnly, serverOrder, mergeKey);
  const server = new Positions(serverOrder, mergeKey);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = server.of(left[i]!);
      const ri = server.of(right[j]!);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

const containsDirective = (x: Json) => isJsonObject(x) && getOwn(x, '$patch') !== undefined;

/**
 * The patch list must be a subsequence of $setElementOrder (ignoring `$patch: delete` items);
 * otherwise kube-apiserver rejects the patch with this message.
 */
export function validatePatchWithSetOrderList(patchList: readonly Json[] | undefined, order: readonly Json[], mergeKey: string | undefined): void {
  if (patchList === undefined || patchList.length === 0 || order.length === 0) return;
  const nonDelete = mergeKey === undefined ? patchList : patchList.filter((x) => !(isJsonObject(x) && getOwn(x, '$patch') === 'delete'));
  const keyOf = (x: Json): Json | undefined => {
    if (mergeKey === undefined) return x;
    if (!isJsonObject(x) || getOwn(x, mergeKey) === undefined) throw noMergeKey(x, mergeKey);
    return getOwn(x, mergeKey);
  };
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < order.length) {
    if (containsDirective(nonDelete[p]!)) {
      p++;
      continue;
    }
    if (jsonEqual(keyOf(nonDelete[p]!), keyOf(order[s]!))) p++;
    s++;
  }
  if (p < nonDelete.length && s >= order.length) {
    throw PatchError.badRequest(`The order in patch list:\n${goFormat([...patchList])}\n doesn't match $setElementOrder list:\n${goFormat([...order])}\n`);
  }
}
