// Namespace deletion: once a Namespace is marked for deletion (phase Terminating),
// delete everything inside it, then drop the `kubernetes` spec finalizer so the
// Namespace itself goes. kube-controller-manager's namespace controller does this
// upstream; the API server runs it here so deletion works with the API server alone.
// It watches the store, so it also finishes deletions interrupted by a restart.
import type { KubeObject, Namespace } from '../api/index.js';
import type { Logger } from '../core/index.js';
import type { Store, Watcher } from '../store/types.js';
import type { ResourceService } from './resource-service.js';
import type { ServedResource } from './served-resource.js';
import { ApiError } from './status.js';
import { decodeKv, resourcePrefix } from './storage.js';

export class NamespaceLifecycle {
  private watcher: Watcher | undefined;
  private readonly inFlight = new Set<string>();
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly service: ResourceService,
    private readonly nsDef: ServedResource,
    private readonly namespaced: () => readonly ServedResource[],
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const page = await this.store.list(resourcePrefix(this.nsDef));
    for (const kv of page.items) this.consider(decodeKv(kv));
    this.watcher = this.store.watch(resourcePrefix(this.nsDef), page.revision, {
      onEvent: (e) => {
        if (e.type !== 'DELETED') this.consider(decodeKv(e.kv));
      },
    });
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
  }

  private consider(ns: KubeObject): void {
    const name = ns.metadata.name ?? '';
    if (ns.metadata.deletionTimestamp === undefined || this.inFlight.has(name)) return;
    this.inFlight.add(name);
    this.finalize(ns as Namespace)
      .catch((e: unknown) => this.log.warn(`namespace ${name}: deletion will be retried: ${(e as Error).message}`))
      .finally(() => {
        this.inFlight.delete(name);
        if (!this.stopped) {
          // Re-check: more content may have arrived, or a step failed.
          void this.service.storage(this.nsDef).get(undefined, name).then((cur) => {
            if (cur !== undefined && cur.metadata.deletionTimestamp !== undefined) setTimeout(() => this.consider(cur), 200).unref();
          });
        }
      });
  }

  private async finalize(ns: Namespace): Promise<void> {
    const name = ns.metadata.name ?? '';
    let remaining = 0;
    for (const def of this.namespaced()) {
      const storage = this.service.storage(def);
      const page = await storage.list(name);
      for (const kv of page.items) {
        const obj = decodeKv(kv);
        remaining++;
        try {
          // Pods in a deleted namespace go without waiting for their grace period.
          await this.service.delete(def, name, obj.metadata.name ?? '', { gracePeriodSeconds: 0, propagationPolicy: 'Background' });
        } catch (e) {
          if (!(e instanceof ApiError && e.status.reason === 'NotFound')) throw e;
        }
      }
    }
    if (remaining > 0) {
      // Deleted objects with finalizers may linger; verify nothing is left before finishing.
      for (const def of this.namespaced()) {
        if ((await this.service.storage(def).list(name, { limit: 1 })).items.length > 0) return;
      }
    }
    await this.service.update(this.nsDef, undefined, name, 'finalize', (cur) => {
      const c = cur as Namespace;
      return { ...c, spec: { ...(c.spec ?? {}), finalizers: (c.spec?.finalizers ?? []).filter((f) => f !== 'kubernetes') } } as KubeObject;
    }, { fromPatch: true });
  }
}
