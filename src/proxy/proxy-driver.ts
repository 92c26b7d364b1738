// What KubeProxy (nftables / iptables) and NsxKubeProxy (OpenFlow) share: list-watch
// Services, EndpointSlices and this node's Node through src/client informers (slim
// projections at the boundary), feed a proxier's change trackers, and sync through a
// bounded-frequency runner:
//   - nothing is synced before all three informers have listed (a half-known cluster
//     would be programmed as if Services had no endpoints);
//   - an event that changes nothing the program depends on does not wake the runner;
//   - a failed sync is retried after `retryIntervalMs`; what the retry does (full render,
//     carried flushes) is the proxier's business.
// The subclasses only pick the proxier, the metric names and how a failure is logged.
import type { EndpointSlice, Node, Service } from '../api/index.js';
import { realClock, type Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/log.js';
import { Informer, Resources, type InformerHandler, type ListWatcher } from '../client/index.js';
import { BoundedFrequencyRunner } from './bounded-frequency-runner.js';
import { projectEndpointSlice, projectNode, projectService, type NodeProjection } from './model/project.js';
import type { EndpointSliceInfo, ServiceInfo } from './model/types.js';
import type { ObservedSync, ProxyMetrics } from './proxy-metrics.js';

export interface ProxyDriverOptions {
  readonly client: ListWatcher;
  readonly nodeName: string;
  /**
   * Minimum time between syncs (kube-proxy's minSyncPeriod, 1 s by default there). Here
   * 0 by default: rendering and applying takes well under a millisecond per Service, and
   * events delivered in the same tick are batched anyway.
   */
  readonly minSyncIntervalMs?: number;
  /** Retry delay after a failed apply (default 1000 ms). */
  readonly retryIntervalMs?: number;
  readonly clock?: Clock;
  readonly log?: Logger;
}

/** What the driver needs of a proxier (NsxProxier and NetfilterProxier both fit). */
export interface DrivenProxier<R extends ObservedSync> {
  onServiceUpdate(prev: ServiceInfo | undefined, cur: ServiceInfo | undefined): boolean;
  onEndpointSliceUpdate(prev: EndpointSliceInfo | undefined, cur: EndpointSliceInfo | undefined, observedAt?: number): boolean;
  setNode(n: NodeProjection | undefined): boolean;
  sync(): R;
}

export abstract class ProxyDriver<P extends DrivenProxier<R>, R extends ObservedSync> {
  readonly proxier: P;
  readonly metrics: ProxyMetrics;
  protected readonly clock: Clock;
  protected readonly log: Logger;
  private readonly runner: BoundedFrequencyRunner;
  private readonly informers: readonly [Informer<Service, ServiceInfo>, Informer<EndpointSlice, EndpointSliceInfo>, Informer<Node, NodeProjection>];
  private readonly retryIntervalMs: number;
  private informersSynced = false;
  private stopped = false;
  private resolveReady!: () => void;
  private readonly readyPromise = new Promise<void>((r) => (this.resolveReady = r));
  /** The most recent sync, for status and tests. */
  lastSync: R | undefined;
  syncCount = 0;

  /** `makeProxier` gets the driver's clock and log, so proxier and driver share one time line. */
  protected constructor(opts: ProxyDriverOptions, metrics: ProxyMetrics, makeProxier: (env: { clock: Clock; log: Logger }) => P) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    this.metrics = metrics;
    this.retryIntervalMs = opts.retryIntervalMs ?? 1000;
    this.proxier = makeProxier({ clock: this.clock, log: this.log });
    this.runner = new BoundedFrequencyRunner(() => this.syncOnce(), { clock: this.clock, minIntervalMs: opts.minSyncIntervalMs ?? 0 });
    const common = { client: opts.client, clock: this.clock, log: this.log } as const;
    const services = new Informer<Service, ServiceInfo>({ ...common, resource: Resources.services, transform: projectService });
    const slices = new Informer<EndpointSlice, EndpointSliceInfo>({ ...common, resource: Resources.endpointslices, transform: projectEndpointSlice });
    const nodes = new Informer<Node, NodeProjection>({ ...common, resource: Resources.nodes, fieldSelector: `metadata.name=${opts.nodeName}`, transform: projectNode });
    this.informers = [services, slices, nodes];

    services.addHandler(
      this.handler((prev, cur) => {
        this.metrics.serviceChanges.inc();
        return this.proxier.onServiceUpdate(prev, cur);
      }),
    );
    slices.addHandler(
      this.handler((prev, cur) => {
        this.metrics.endpointChanges.inc();
        return this.proxier.onEndpointSliceUpdate(prev, cur, this.clock.now());
      }),
    );
    nodes.addHandler(this.handler<NodeProjection>((_prev, cur) => (cur !== undefined && cur.name !== opts.nodeName ? false : this.proxier.setNode(cur))));
  }

  start(): void {
    if (this.stopped) return;
    for (const i of this.informers) i.start();
    void Promise.all(this.informers.map((i) => i.hasSynced())).then(() => {
      if (this.stopped) return;
      this.informersSynced = true;
      this.runner.run();
    });
  }

  stop(): void {
    this.stopped = true;
    this.runner.stop();
    for (const i of this.informers) i.stop();
  }

  /** Resolves after the first successful sync. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Logs a failed sync (the mode knows which fields say what went wrong). */
  protected abstract logSyncFailure(r: R): void;

  private handler<T>(update: (prev: T | undefined, cur: T | undefined) => boolean): InformerHandler<T> {
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
      this.logSyncFailure(r);
      this.runner.retryAfter(this.retryIntervalMs);
      return;
    }
    this.resolveReady();
  }
}
