// The NSX load-balancer controller (NCP's LB half): list-watch Services and
// EndpointSlices, render the desired NSX LB model, and sync it onto the LB Tier-1 SR in
// the emulated edge. Nothing is applied before both informers have listed (a half-known
// cluster would remove virtual servers); changes arriving together are coalesced into
// one sync on the next microtask.
import type { EndpointSlice, Service } from '../api/index.js';
import { realClock, type Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/log.js';
import { Informer, Resources, type InformerHandler, type ListWatcher } from '../client/index.js';
import type { NsxLab } from '../dataplane/fabric/nsx-lab.js';
import { LbEdge, DEFAULT_LB_UPLINK } from './engine/lb-edge.js';
import type { MemberPick } from './engine/one-arm-lb.js';
import { buildNsxLbModel, DEFAULT_CLUSTER_NAME, lbName, lbSuffix, type BuildOptions } from './nsx/build-model.js';
import type { NsxLbOp } from './nsx/diff-model.js';
import type { NsxLbModel } from './nsx/types.js';

export interface NsxLoadBalancerOptions {
  readonly client: ListWatcher;
  readonly lab: NsxLab;
  /** Default 'k8s-testcluster1' (the article's). */
  readonly clusterName?: string;
  /** The LB's 5-letter suffix (the article's is 'cyjfb'); default derived from the cluster name. */
  readonly suffix?: string;
  /** Tier-0 side first; default '100.64.208.8/31' (LB uplink 100.64.208.9). */
  readonly uplink?: string;
  /** Services with this loadBalancerClass are ours too (unset class always is). */
  readonly loadBalancerClass?: string;
  readonly pick?: MemberPick;
  readonly log?: Logger;
  readonly clock?: Clock;
}

export class NsxLoadBalancer {
  readonly edge: LbEdge;
  readonly build: BuildOptions;
  private readonly log: Logger;
  private readonly services: Informer<Service, Service>;
  private readonly slices: Informer<EndpointSlice, EndpointSlice>;
  private synced = false;
  private scheduled = false;
  private stopped = false;
  private resolveReady!: () => void;
  private readonly readyPromise = new Promise<void>((r) => (this.resolveReady = r));
  syncCount = 0;
  lastOps: readonly NsxLbOp[] = [];

  /** Attaches the LB Tier-1 SR to the lab; throws if the uplink is invalid or taken (configuration error). */
  constructor(opts: NsxLoadBalancerOptions) {
    const clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    const clusterName = opts.clusterName ?? DEFAULT_CLUSTER_NAME;
    const suffix = opts.suffix ?? lbSuffix(clusterName);
    const uplink = opts.uplink ?? DEFAULT_LB_UPLINK;
    const name = lbName(clusterName, suffix);
    const edge = LbEdge.attach({ lab: opts.lab, loadBalancer: { name, tier1: name, size: 'SMALL', tags: [{ scope: 'ncp/cluster', tag: clusterName }] }, uplink, clock, ...(opts.pick !== undefined ? { pick: opts.pick } : {}) });
    if (!edge.ok) throw new Error(`NsxLoadBalancer: cannot attach ${name} on ${uplink}: ${JSON.stringify(edge.error)}`);
    this.edge = edge.value;
    this.build = { clusterName, suffix, uplinkIp: String(edge.value.uplinkCidr.split('/')[0]), ...(opts.loadBalancerClass !== undefined ? { loadBalancerClass: opts.loadBalancerClass } : {}) };
    const common = { client: opts.client, clock, log: this.log } as const;
    this.services = new Informer<Service, Service>({ ...common, resource: Resources.services });
    this.slices = new Informer<EndpointSlice, EndpointSlice>({ ...common, resource: Resources.endpointslices });
    const h: InformerHandler<unknown> = { onAdd: () => this.kick(), onUpdate: () => this.kick(), onDelete: () => this.kick() };
    this.services.addHandler(h);
    this.slices.addHandler(h);
  }

  start(): void {
    if (this.stopped) return;
    this.services.start();
    this.slices.start();
    void Promise.all([this.services.hasSynced(), this.slices.hasSynced()]).then(() => {
      if (this.stopped) return;
      this.synced = true;
      this.syncNow();
      this.resolveReady();
    });
  }

  stop(): void {
    this.stopped = true;
    this.services.stop();
    this.slices.stop();
  }

  /** Resolves after the first sync. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** The model as applied to the edge (for the views). */
  model(): NsxLbModel {
    return this.edge.applied();
  }

  /** Renders and applies now; returns the operations performed. */
  syncNow(): readonly NsxLbOp[] {
    const desired = buildNsxLbModel(this.services.list(), this.slices.list(), this.build);
    const ops = this.edge.sync(desired);
    this.syncCount++;
    this.lastOps = ops;
    if (ops.length > 0) this.log.info('load balancer synced', { ops: ops.length, virtualServers: desired.virtualServers.length });
    return ops;
  }

  private kick(): void {
    if (!this.synced || this.scheduled || this.stopped) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (!this.stopped) this.syncNow();
    });
  }
}
