// kube-proxy of one node in the generic Kubernetes dataplane (nftables or iptables mode):
// list-watch Services, EndpointSlices and its own Node through src/client informers,
// feed NetfilterProxier, and sync through a bounded-frequency runner, as NsxKubeProxy
// does for OpenFlow:
//   - nothing is synced before all three informers have listed;
//   - every sync renders the whole program and applies it atomically (NetfilterProxier);
//   - a failed apply is retried after `retryIntervalMs`.
// Metrics use kube-proxy's names; apply failures count as upstream's
// iptables_restore_failures_total / nftables_sync_failures_total.
import type { EndpointSlice, Node, Service } from '../api/index.js';
import { realClock, type Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/log.js';
import { Informer, Resources, type InformerHandler, type ListWatcher } from '../client/index.js';
import { BoundedFrequencyRunner } from './bounded-frequency-runner.js';
import { NetfilterProxier, type NetfilterProxierOptions, type NetfilterSyncResult } from './netfilter-proxier.js';
import { projectEndpointSlice, projectNode, projectService, type NodeProjection } from './model/project.js';
import type { EndpointSliceInfo, ServiceInfo } from './model/types.js';
import { ProxyMetrics } from './proxy-metrics.js';

export interface KubeProxyOptions extends Omit<NetfilterProxierOptions, 'clock' | 'log'> {
  readonly client: ListWatcher;
  /** Minimum time between syncs (kube-proxy's minSyncPeriod); 0 by default here. */
  readonly minSyncIntervalMs?: number;
  /** Retry delay after a failed apply (default 1000 ms). */
  readonly retryIntervalMs?: number;
  readonly metrics?: ProxyMetrics;
  readonly clock?: Clock;
  readonly log?: Logger;
}

const FAILURE_METRIC = {
  iptables: { name: 'kubeproxy_sync_proxy_rules_iptables_restore_failures_total', help: 'Cumulative proxy iptables restore failures' },
  nftables: { name: 'kubeproxy_sync_proxy_rules_nftables_sync_failures_total', help: 'Cumulative proxy nftables sync failures' },
} as const;

export class KubeProxy {
  readonly proxier: NetfilterProxier;
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
  lastSync: NetfilterSyncResult | undefined;
  syncCount = 0;

  constructor(private readonly opts: KubeProxyOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    this.metrics = opts.metrics ?? new ProxyMetrics(undefined, { applyFailures: FAILURE_METRIC[opts.mode] });
    this.proxier = new NetfilterProxier({ ...opts, clock: this.clock, log: this.log });
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

  get mode(): KubeProxyOptions['mode'] {
    return this.opts.mode;
  }

  /** The program text of the latest sync ('' before the first). */
  get lastProgram(): string {
    return this.proxier.lastProgram;
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
      this.log.warn('sync failed; retrying', { mode: this.opts.mode, message: r.outcome.error.message });
      this.runner.retryAfter(this.opts.retryIntervalMs ?? 1000);
      return;
    }
    this.resolveReady();
  }
}
