// What the proxiers (NsxProxier for OpenFlow, NetfilterProxier for nftables / iptables)
// share: the change trackers fed by informer events, the node this proxy runs on, and the
// trigger times of syncs that failed. They differ only in how a sync renders and applies,
// so the bookkeeping lives here once and a fix to it reaches every mode.
//
// Trigger times of a failed sync are carried to the sync that finally programs the change:
// network-programming latency is measured to when the change reached the dataplane, not
// to the first attempt.
import { realClock, type Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/log.js';
import { EndpointsChangeTracker, type EndpointChanges } from './model/endpoints-change-tracker.js';
import type { NodeProjection } from './model/project.js';
import { ServiceChangeTracker, type ServiceChanges } from './model/service-change-tracker.js';
import { staleUdpFlushes, type StaleConntrackFlush } from './model/stale-udp.js';
import type { EndpointInfo, EndpointSliceInfo, NodeInfo, ServiceInfo, ServiceName, ServicePortInfo } from './model/types.js';

export interface ProxierBaseOptions {
  readonly nodeName: string;
  /** Node addresses; when absent they come from the Node object (setNode). */
  readonly nodeIPs?: readonly string[];
  readonly clock?: Clock;
  readonly log?: Logger;
}

/** The trackers' changes handed to one sync. */
export interface TrackedChanges {
  readonly services: ServiceChanges;
  readonly endpoints: EndpointChanges;
  /** UDP conntrack entries the change makes stale (to flush once the new program is in). */
  readonly flushes: StaleConntrackFlush[];
  /** Per Service whose endpoints changed: trigger times, including those carried from failed syncs. */
  readonly triggerTimes: Map<ServiceName, number[]>;
}

const NO_ENDPOINTS: readonly EndpointInfo[] = [];

export abstract class ProxierBase {
  protected readonly services = new ServiceChangeTracker();
  protected readonly endpoints: EndpointsChangeTracker;
  protected readonly clock: Clock;
  protected readonly log: Logger;
  protected node: NodeInfo;
  private carriedTimes = new Map<ServiceName, number[]>();

  protected constructor(private readonly baseOpts: ProxierBaseOptions) {
    this.clock = baseOpts.clock ?? realClock;
    this.log = baseOpts.log ?? silentLogger;
    this.endpoints = new EndpointsChangeTracker(baseOpts.nodeName, this.clock.now());
    this.node = { name: baseOpts.nodeName, nodeIPs: baseOpts.nodeIPs ?? [], zone: '' };
  }

  /** The next sync renders and applies everything (what "everything" costs is the mode's). */
  abstract requestFullSync(): void;

  onServiceUpdate(prev: ServiceInfo | undefined, cur: ServiceInfo | undefined): boolean {
    return this.services.update(prev, cur);
  }

  onEndpointSliceUpdate(prev: EndpointSliceInfo | undefined, cur: EndpointSliceInfo | undefined, observedAt = this.clock.now()): boolean {
    return this.endpoints.update(prev, cur, observedAt);
  }

  /** The node's Node object changed; returns whether the program depends on what changed. */
  setNode(n: NodeProjection | undefined): boolean {
    const nodeIPs = this.baseOpts.nodeIPs ?? n?.addresses ?? [];
    const next: NodeInfo = { name: this.baseOpts.nodeName, nodeIPs, zone: n?.zone ?? '' };
    const same = next.zone === this.node.zone && next.nodeIPs.length === this.node.nodeIPs.length && next.nodeIPs.every((ip, i) => ip === this.node.nodeIPs[i]);
    if (same) return false;
    this.node = next;
    // Node addresses reach every NodePort rule: nothing rendered before is still right.
    this.requestFullSync();
    return true;
  }

  nodeInfo(): NodeInfo {
    return this.node;
  }

  /** Ports of a Service as of the last sync. */
  portsOf(service: ServiceName): readonly ServicePortInfo[] {
    return this.services.ports(service);
  }

  endpointsOf(p: ServicePortInfo): readonly EndpointInfo[] {
    return this.endpoints.endpointsOf(p.service).get(p.name) ?? NO_ENDPOINTS;
  }

  protected trackersPending(): boolean {
    return this.services.pendingCount() > 0 || this.endpoints.pendingCount() > 0;
  }

  /** Hands the trackers' pending changes to a sync. */
  protected checkout(): TrackedChanges {
    const services = this.services.checkout();
    const endpoints = this.endpoints.checkout();
    const flushes = staleUdpFlushes(services.services, endpoints.services, (n) => this.services.ports(n), (n) => this.endpoints.endpointsOf(n));
    const triggerTimes = new Map<ServiceName, number[]>(this.carriedTimes);
    for (const [k, v] of endpoints.triggerTimes) triggerTimes.set(k, [...(triggerTimes.get(k) ?? []), ...v]);
    return { services, endpoints, flushes, triggerTimes };
  }

  /** After the apply: a failed sync's trigger times wait for the next one, a good sync's are reported. */
  protected settleTriggerTimes(c: TrackedChanges, failed: boolean): void {
    this.carriedTimes = failed ? c.triggerTimes : new Map();
  }
}
