// The NSX kube proxy of one node: list-watch Services, EndpointSlices and its own Node
// through src/client informers (slim projections at the boundary), feed the change
// trackers, and sync through a bounded-frequency runner:
//   - nothing is synced before all three informers have listed (a half-known cluster
//     would be programmed as if Services had no endpoints);
//   - the first sync, and the one after a failed apply, is full; the others touch only
//     changed Services;
//   - a failed apply is retried after `retryIntervalMs`.
// Metrics use kube-proxy's names in a Registry of this proxy (`metrics.registry`).
import type { EndpointSlice, Node, Service } from '../api/index.js';
import { realClock, type Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/log.js';
import { Informer, Resources, type InformerHandler, type ListWatcher } from '../client/index.js';
import { BoundedFrequencyRunner } from './bounded-frequency-runner.js';
import { NsxProxier, type NsxProxierOptions, type SyncResult } from './nsx-proxier.js';
import { projectEndpointSlice, projectNode, projectService, type NodeProjection } from './model/project.js';
import type { EndpointSliceInfo, ServiceInfo } from './model/types.js';
import { ProxyMetrics } from './proxy-metrics.js';

export interface NsxKubeProxyOptions extends Omit<NsxProxierOptions, 'clock' | 'log'> {
  readonly client: ListWatcher;
  /**
   * Minimum time between syncs (kube-proxy's minSyncPeriod, 1 s by default there). Here
   * 0 by default: rendering and applying a delta takes well under a millisecond, and
   * events delivered in the same tick are batched anyway.
   */
  readonly minSyncIntervalMs?: number;
  /** Retry delay after a failed apply (default 1000 ms). */
  readonly retryIntervalMs?: number;
  readonly metrics?: ProxyMetrics;
  readonly clock?: Clock;
  readonly log?: Logger;
}

export class NsxKubeProxy {
  readonly proxier: NsxProxier;
  readonly metrics: ProxyMetrics;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly runner: BoundedFrequencyRunner;
  private readonly services: Informer<Service, ServiceInfo>;
  private readonly slices: Informer<EndpointSlice, EndpointSliceInfo>;
  private readonly nodes: Informer<Node, NodeProjection>;
  private informersSynced = false;
  private stopped = false;
  private resolveReady!: () => void;
  private readonly readyPromise = new Promise<void>((r) => (this.resolveReady = r));
  /** The most recent sync, for status and tests. */
  lastSync: SyncResult | undefined;
  syncCount = 0;

  constructor(private readonly opts: NsxKubeProxyOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    this.metrics = opts.metrics ?? new ProxyMetrics();
    this.proxier = new NsxProxier({ ...opts, clock: this.clock, log: this.log });
    this.runner = new BoundedFrequencyRunner(() => this.syncOnce(), { clock: this.clock, minIntervalMs: opts.minSyncIntervalMs ?? 0 });
    const common = { client: opts.client, clock: this.clock, log: this.log } as const;
    this.services = new Informer<Service, ServiceInfo>({ ...common, resource: Resources.services, transform: projectService });
    this.slices = new Informer<EndpointSlice, EndpointSliceInfo>({ ...common, resource: Resources.endpointslices, transform: projectEndpointSlice });
    this.nodes = new Informer<Node, NodeProjection>({ ...common, resource: Resources.nodes, fieldSelector: `metadata.name=${opts.nodeName}`, transform: projectNode });

    this.services.addHandler(
      this.handler((prev, cur) => {
        this.metrics.serviceChanges.inc();
        return this.proxier.onServiceUpdate(prev, cur);
      }),
    );
    this.slices.addHandler(
      this.handler((prev, cur) => {
        this.metrics.endpointChanges.inc();
        return this.proxier.onEndpointSliceUpdate(prev, cur, this.clock.now());
      }),
    );
    this.nodes.addHandler(
      this.handler<NodeProjection>((_prev, cur) => (cur !== undefined && cur.name !== opts.nodeName ? false : this.proxier.setNode(cur))),
    );
  }

  start(): void {
    if (this.stopped) return;
    for (const i of [this.services, this.slices, this.nodes]) i.start();
    void Promise.all([this.services.hasSynced(), this.slices.hasSynced(), this.nodes.hasSynced()]).then(() => {
      if (this.stopped) return;
      this.informersSynced = true;
      this.runner.run();
    });
  }

  stop(): void {
    this.stopped = true;
    this.runner.stop();
    for (const i of [this.services, this.slices, this.nodes]) i.stop();
  }

  /** Resolves after the first successful sync. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  private handler<P>(update: (prev: P | undefined, cur: P | undefined) => boolean): InformerHandler<P> {
    const kick = (changed: boolean) => {
      if (changed && this.informersSynced) this.runner.run();
    };
    return {
      onAdd: (obj) => kick(update(undefined, obj)),
      onUpdate: (prev, cur) => kick(update(prev, cur)),
      onDelete: (obj) => kick(update(obj, undefined)),
    };
  }

  private syncOnce(): void {
    if (!this.informersSynced || this.stopped) return;
    const r = this.proxier.sync();
    this.lastSync = r;
    this.syncCount++;
    this.metrics.observeSync(r);
    if (r.outcome.kind === 'failed') {
      this.log.warn('sync failed; retrying with a full sync', { code: r.outcome.error.code });
      this.runner.retryAfter(this.opts.retryIntervalMs ?? 1000);
      return;
    }
    this.resolveReady();
  }
}
