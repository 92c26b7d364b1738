// The NSX kube proxy's core, without I/O: change trackers in, one sync = checkout the
// changes -> render the touched Services (all of them on a full sync) -> apply the
// delta -> flush stale UDP conntrack entries. It is what NsxKubeProxy drives from
// informers and a rate-limited runner, and what the packet-flow cases drive directly.
//
// Full syncs: the first one, after a failed apply, after the node's addresses change,
// and on request. Otherwise a sync re-renders only Services whose ports or endpoints
// changed since the previous sync.
import { ProgramApplier, type ApplyOutcome, type DesiredProgram } from './apply/program-applier.js';
import type { BridgeProgrammer } from './apply/bridge-programmer.js';
import type { StaleConntrackFlush } from './model/stale-udp.js';
import type { ServiceName } from './model/types.js';
import { ProxierBase, type ProxierBaseOptions } from './proxier-base.js';
import { OpenFlowCompiler } from './render/openflow/compiler.js';
import { NSX_COOKIE } from './render/openflow/layout.js';
import { BASE_FRAGMENT, type OpenFlowFragment } from './render/openflow/program.js';
import type { UplinkPort } from './render/openflow/render-base.js';

export interface NsxProxierOptions extends ProxierBaseOptions {
  readonly uplink: UplinkPort;
  readonly programmer: BridgeProgrammer;
  readonly flushConntrack?: (f: StaleConntrackFlush) => void;
  /** Masquerade external traffic under policy Cluster (default true). */
  readonly masquerade?: boolean;
  /** Clear our cookie's flows and all groups on the first apply (default true). */
  readonly cleanStart?: boolean;
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

export class NsxProxier extends ProxierBase {
  private readonly compiler: OpenFlowCompiler;
  readonly applier: ProgramApplier;
  private readonly desired = new Map<string, OpenFlowFragment>();
  private needFull = true;

  constructor(opts: NsxProxierOptions) {
    super(opts);
    this.compiler = new OpenFlowCompiler({ uplink: opts.uplink, ...(opts.masquerade !== undefined ? { masquerade: opts.masquerade } : {}) });
    this.applier = new ProgramApplier({
      programmer: opts.programmer,
      ...(opts.flushConntrack !== undefined ? { flushConntrack: opts.flushConntrack } : {}),
      cleanStart: opts.cleanStart === false ? false : { cookie: NSX_COOKIE },
      log: this.log,
    });
  }

  override requestFullSync(): void {
    this.needFull = true;
  }

  hasPendingChanges(): boolean {
    return this.needFull || this.applier.needsFullSync || this.trackersPending();
  }

  /** The program as last rendered (base + one fragment per Service). */
  fragments(): ReadonlyMap<string, OpenFlowFragment> {
    return this.desired;
  }

  sync(): SyncResult {
    const startedAt = this.clock.now();
    const tracked = this.checkout();
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
      for (const name of new Set([...tracked.services.services.keys(), ...tracked.endpoints.services.keys()])) {
        const f = this.compiler.compile(name, this.services.ports(name), this.endpoints.endpointsOf(name), this.node);
        rendered++;
        changes.set(name, f);
        if (f === undefined) this.desired.delete(name);
        else this.desired.set(name, f);
      }
      desired = { kind: 'partial', changes };
    }
    this.compiler.endSync();
    const outcome = this.applier.apply(desired, tracked.flushes);
    if (outcome.kind === 'failed') this.needFull = true;
    else if (full) this.needFull = false;
    this.settleTriggerTimes(tracked, outcome.kind === 'failed');
    if (outcome.kind === 'applied') this.log.debug('synced', { kind: full ? 'full' : 'partial', rendered, ...outcome.stats });
    return {
      kind: full ? 'full' : 'partial',
      outcome,
      rendered,
      serviceChanges: tracked.services.services.size,
      endpointChanges: tracked.endpoints.services.size,
      triggerTimes: outcome.kind === 'applied' ? tracked.triggerTimes : new Map(),
      startedAt,
      endedAt: this.clock.now(),
    };
  }
}
