// The NSX kube proxy's core, without I/O: change trackers in, one sync = checkout the
// changes -> render the touched Services (all of them on a full sync) -> apply the
// delta -> flush stale UDP conntrack entries. It is what NsxKubeProxy drives from
// informers and a rate-limited runner, and what the packet-flow cases drive directly.
//
// Full syncs: the first one, after a failed apply, after the node's addresses change,
// and on request. Otherwise a sync re-renders only Services whose ports or endpoints
// changed since the previous sync.
import { realClock, type Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/log.js';
import { ProgramApplier, type ApplyOutcome, type DesiredProgram } from './apply/program-applier.js';
import type { BridgeProgrammer } from './apply/bridge-programmer.js';
import { EndpointsChangeTracker } from './model/endpoints-change-tracker.js';
import type { NodeProjection } from './model/project.js';
import { ServiceChangeTracker } from './model/service-change-tracker.js';
import { staleUdpFlushes, type StaleConntrackFlush } from './model/stale-udp.js';
import type { EndpointInfo, EndpointSliceInfo, NodeInfo, ServiceInfo, ServiceName, ServicePortInfo } from './model/types.js';
import { OpenFlowCompiler } from './render/openflow/compiler.js';
import { NSX_COOKIE } from './render/openflow/layout.js';
import { BASE_FRAGMENT, type OpenFlowFragment } from './render/openflow/program.js';
import type { UplinkPort } from './render/openflow/render-base.js';

export interface NsxProxierOptions {
  readonly nodeName: string;
  readonly uplink: UplinkPort;
  readonly programmer: BridgeProgrammer;
  /** Node addresses for NodePorts; when absent they come from the Node object (setNode). */
  readonly nodeIPs?: readonly string[];
  readonly flushConntrack?: (f: StaleConntrackFlush) => void;
  /** Masquerade external traffic under policy Cluster (default true). */
  readonly masquerade?: boolean;
  /** Clear our cookie's flows and all groups on the first apply (default true). */
  readonly cleanStart?: boolean;
  readonly clock?: Clock;
  readonly log?: Logger;
}

export interface SyncResult {
  readonly kind: 'full' | 'partial';
  readonly outcome: ApplyOutcome;
  /** Services compiled by this sync (an unchanged one comes from the compiler cache). */
  readonly rendered: number;
  readonly serviceChanges: number;
  readonly endpointChanges: number;
  /** Per Service whose endpoints changed: when the changes were triggered (ms). */
  readonly triggerTimes: ReadonlyMap<ServiceName, readonly number[]>;
  readonly startedAt: number;
  readonly endedAt: number;
}

export class NsxProxier {
  private readonly services = new ServiceChangeTracker();
  private readonly endpoints: EndpointsChangeTracker;
  private readonly compiler: OpenFlowCompiler;
  readonly applier: ProgramApplier;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly desired = new Map<string, OpenFlowFragment>();
  private node: NodeInfo;
  private needFull = true;
  /** Trigger times of a failed sync, reported with the sync that finally programs them. */
  private carried = new Map<ServiceName, number[]>();

  constructor(private readonly opts: NsxProxierOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    this.endpoints = new EndpointsChangeTracker(opts.nodeName, this.clock.now());
    this.compiler = new OpenFlowCompiler({ uplink: opts.uplink, ...(opts.masquerade !== undefined ? { masquerade: opts.masquerade } : {}) });
    this.applier = new ProgramApplier({
      programmer: opts.programmer,
      ...(opts.flushConntrack !== undefined ? { flushConntrack: opts.flushConntrack } : {}),
      cleanStart: opts.cleanStart === false ? false : { cookie: NSX_COOKIE },
      log: this.log,
    });
    this.node = { name: opts.nodeName, nodeIPs: opts.nodeIPs ?? [], zone: '' };
  }

  onServiceUpdate(prev: ServiceInfo | undefined, cur: ServiceInfo | undefined): boolean {
    return this.services.update(prev, cur);
  }

  onEndpointSliceUpdate(prev: EndpointSliceInfo | undefined, cur: EndpointSliceInfo | undefined, observedAt = this.clock.now()): boolean {
    return this.endpoints.update(prev, cur, observedAt);
  }

  /** The node's Node object changed; returns whether the program depends on what changed. */
  setNode(n: NodeProjection | undefined): boolean {
    const nodeIPs = this.opts.nodeIPs ?? n?.addresses ?? [];
    const next: NodeInfo = { name: this.opts.nodeName, nodeIPs, zone: n?.zone ?? '' };
    const same = next.zone === this.node.zone && next.nodeIPs.length === this.node.nodeIPs.length && next.nodeIPs.every((ip, i) => ip === this.node.nodeIPs[i]);
    if (same) return false;
    this.node = next;
    this.needFull = true;
    return true;
  }

  nodeInfo(): NodeInfo {
    return this.node;
  }

  requestFullSync(): void {
    this.needFull = true;
  }

  hasPendingChanges(): boolean {
    return this.needFull || this.applier.needsFullSync || this.services.pendingCount() > 0 || this.endpoints.pendingCount() > 0;
  }

  /** Ports of a Service as of the last sync. */
  portsOf(service: ServiceName): readonly ServicePortInfo[] {
    return this.services.ports(service);
  }

  endpointsOf(p: ServicePortInfo): readonly EndpointInfo[] {
    return this.endpoints.endpointsOf(p.service).get(p.name) ?? [];
  }

  /** The program as last rendered (base + one fragment per Service). */
  fragments(): ReadonlyMap<string, OpenFlowFragment> {
    return this.desired;
  }

  sync(): SyncResult {
    const startedAt = this.clock.now();
    const sc = this.services.checkout();
    const ec = this.endpoints.checkout();
    const full = this.needFull || this.applier.needsFullSync;
    let desired: DesiredProgram;
    let rendered = 0;
    if (full) {
      const all = new Map<string, OpenFlowFragment>([[BASE_FRAGMENT, this.compiler.base()]]);
      for (const name of this.services.serviceNames()) {
        const f = this.compiler.compile(name, this.services.ports(name), this.endpoints.endpointsOf(name), this.node);
        rendered++;
        if (f !== undefined) all.set(name, f);
      }
      // Services gone since the last render: release their group ids.
      for (const name of this.desired.keys()) if (name !== BASE_FRAGMENT && !all.has(name)) this.compiler.compile(name, [], this.endpoints.endpointsOf(name), this.node);
      this.desired.clear();
      for (const [k, f] of all) this.desired.set(k, f);
      desired = { kind: 'full', fragments: all };
    } else {
      const changes = new Map<string, OpenFlowFragment | undefined>();
      for (const name of new Set([...sc.services.keys(), ...ec.services.keys()])) {
        const f = this.compiler.compile(name, this.services.ports(name), this.endpoints.endpointsOf(name), this.node);
        rendered++;
        changes.set(name, f);
        if (f === undefined) this.desired.delete(name);
        else this.desired.set(name, f);
      }
      desired = { kind: 'partial', changes };
    }
    this.compiler.endSync();
    const flushes = staleUdpFlushes(sc.services, ec.services, (n) => this.services.ports(n), (n) => this.endpoints.endpointsOf(n));
    const outcome = this.applier.apply(desired, flushes);
    const triggerTimes = new Map<ServiceName, number[]>(this.carried);
    for (const [k, v] of ec.triggerTimes) triggerTimes.set(k, [...(triggerTimes.get(k) ?? []), ...v]);
    if (outcome.kind === 'failed') {
      this.needFull = true;
      this.carried = triggerTimes;
    } else {
      this.carried = new Map();
      if (full) this.needFull = false;
    }
    if (outcome.kind === 'applied') this.log.debug('synced', { kind: full ? 'full' : 'partial', rendered, ...outcome.stats });
    return {
      kind: full ? 'full' : 'partial',
      outcome,
      rendered,
      serviceChanges: sc.services.size,
      endpointChanges: ec.services.size,
      triggerTimes: outcome.kind === 'applied' ? triggerTimes : new Map(),
      startedAt,
      endedAt: this.clock.now(),
    };
  }
}
