// Test-only: the article's cluster (three Services, their EndpointSlices, and the node's
// Node object with its InternalIP) in a FakeCluster, for the tests of the per-node proxies
// of every mode, which must start from the same cluster to be comparable.
import type { Node } from '../api/index.js';
import { FakeCluster } from './_fake-cluster.js';
import { ARTICLE_NODE, articleServices, articleSlices } from './model/article-cluster.js';

export const ARTICLE_NODE_OBJECT: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: ARTICLE_NODE.name },
  status: { addresses: [{ type: 'InternalIP', address: '10.190.5.11' }] },
};

export function articleFakeCluster(): FakeCluster {
  const c = new FakeCluster();
  for (const s of articleServices()) c.put(s);
  for (const s of articleSlices()) c.put(s);
  c.put(ARTICLE_NODE_OBJECT);
  return c;
}

/** Polls until `cond` holds: the proxies sync on their own timers and informer microtasks. */
export async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
