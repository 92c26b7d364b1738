// Read-modify-write with optimistic concurrency: GET the live object, let `change` derive
// the new one (or say nothing needs changing), PUT it with the resourceVersion just read,
// and start over on a Conflict. Used where a controller holds only a projection (pods) or
// must not trust its cache (the garbage collector's finalizer and ownerReference edits).
import type { KubeObject } from '../api/index.js';
import type { ResourceRef, RestClient } from '../client/index.js';
import { attempt, type WriteOutcome } from './reconcile-loop.js';

export type Change<T> = { readonly type: 'unchanged' } | { readonly type: 'update'; readonly object: T };

export async function mutateObject<T extends KubeObject>(
  client: RestClient,
  ref: ResourceRef,
  namespace: string | undefined,
  name: string,
  change: (live: T) => Change<T>,
  attempts = 3,
): Promise<WriteOutcome<T | undefined>> {
  for (let i = 0; ; i++) {
    const got = await attempt(client.get<T>(ref, namespace, name));
    if (got.type !== 'ok') return got;
    const c = change(got.value);
    if (c.type === 'unchanged') return { type: 'ok', value: undefined };
    const put = await attempt(client.update<T>(ref, namespace, c.object));
    if (put.type === 'conflict' && i + 1 < attempts) continue;
    return put;
  }
}
