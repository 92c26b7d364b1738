// The lb-ipam controller's shell: Services of type LoadBalancer get addresses from
// LoadBalancerIPPools (plus a default pool from configuration) written to
// status.loadBalancer.ingress. State lives in LbAllocator; on start it is rebuilt from the
// Services' status before the first allocation, so a restart never reshuffles.
import type { LoadBalancerIPPool, Namespace, Service } from '../../api/index.js';
import { LB_POOL_API_VERSION } from '../../api/index.js';
import { Resources, type Informer, type ReconcileResult, type ResourceRef } from '../../client/index.js';
import { keyOf, services, splitKey, type Controller, type ControllerDeps } from '../informers.js';
import { ReconcileLoop, attempt, done, errorText, requeue } from '../reconcile-loop.js';
import { LbAllocator, type SyncOutcome } from './allocator.js';
import { compilePool, type CompiledPool } from './pool-set.js';
import { LB_CLASS, annotationPatch, desiredFor, isForeignClass, projectService, statusUpdate, type LbMode, type ViewSettings } from './service-view.js';

export const LB_POOLS: ResourceRef = { group: 'svcnet.io', version: 'v1alpha1', resource: 'loadbalancerippools' };
export const LB_IPAM_COMPONENT = 'lb-ipam-controller';

export interface DefaultPoolConfig {
  /** Default "default" (pool names of custom resources may shadow it; the custom resource wins). */
  readonly name?: string;
  readonly cidrs: readonly string[];
  readonly avoidBuggyIPs?: boolean;
  readonly autoAssign?: boolean;
  readonly priority?: number;
}

export interface LbIpamOptions {
  /** 'nsx' (default, the lab): ingress [VIP, uplink] and the ncp annotation; 'generic': ingress [VIP]. */
  readonly mode?: LbMode;
  /** The Tier-1 uplink address NSX shows next to the VIP; default 100.64.208.9. */
  readonly nsxUplinkIP?: string;
  /** Pool from configuration; default the lab's 10.190.6.0/24 with avoidBuggyIPs; null = none. */
  readonly defaultPool?: DefaultPoolConfig | null;
  /** Our loadBalancerClass; Services with another class are skipped. Default svcnet.io/lb. */
  readonly loadBalancerClass?: string;
  readonly workers?: number;
}

export const LAB_DEFAULT_POOL: DefaultPoolConfig = { name: 'default', cidrs: ['10.190.6.0/24'], avoidBuggyIPs: true };
const POOL_KEY = 'pool:';

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class LbIpamController implements Controller {
  readonly name = LB_IPAM_COMPONENT;
  private readonly services: Informer<Service>;
  private readonly pools: Informer<LoadBalancerIPPool>;
  private readonly namespaces: Informer<Namespace>;
  private readonly loop: ReconcileLoop;
  private readonly settings: ViewSettings;
  private readonly defaultPool: CompiledPool | undefined;
  readonly allocator = new LbAllocator();
  /** Last event signature per Service, so a resync does not repeat events. */
  private readonly lastEvent = new Map<string, string>();
  private restored = false;

  constructor(
    private readonly deps: ControllerDeps,
    opts: LbIpamOptions = {},
  ) {
    this.settings = { mode: opts.mode ?? 'nsx', nsxUplinkIP: opts.nsxUplinkIP ?? '100.64.208.9', loadBalancerClass: opts.loadBalancerClass ?? LB_CLASS };
    const dp = opts.defaultPool === undefined ? LAB_DEFAULT_POOL : opts.defaultPool;
    if (dp !== null) {
      const c = compilePool(dp.name ?? 'default', { cidrs: [...dp.cidrs], autoAssign: dp.autoAssign ?? true, avoidBuggyIPs: dp.avoidBuggyIPs ?? false, priority: dp.priority ?? 0 });
      if (!c.ok) throw new Error(`lb-ipam default pool: ${c.error}`);
      this.defaultPool = c.value;
    }
    this.services = services(deps.factory);
    this.pools = deps.factory.informer<LoadBalancerIPPool>(LB_POOLS);
    this.namespaces = deps.factory.informer<Namespace>(Resources.namespaces);
    this.loop = new ReconcileLoop({ name: this.name, workers: opts.workers ?? 16, clock: deps.clock, log: deps.log, reconcile: (k) => this.reconcile(k) });
    this.services.addHandler({
      onAdd: (s) => this.loop.enqueue(keyOf(s.metadata.namespace, s.metadata.name)),
      onUpdate: (_, s) => this.loop.enqueue(keyOf(s.metadata.namespace, s.metadata.name)),
      onDelete: (s) => {
        const key = keyOf(s.metadata.namespace, s.metadata.name);
        this.lastEvent.delete(key);
        if (this.restored) this.afterRelease(this.allocator.release(key));
      },
    });
    const onPools = () => {
      this.refreshPools();
      if (!this.restored) return;
      for (const k of this.allocator.pendingKeys()) this.loop.enqueue(k);
      for (const n of this.allocator.poolNames()) this.loop.enqueue(POOL_KEY + n);
    };
    this.pools.addHandler({ onAdd: onPools, onUpdate: onPools, onDelete: onPools });
    // A namespace label change can make a pool (un)available to its pending Services.
    this.namespaces.addHandler({ onUpdate: () => this.restored && this.allocator.pendingKeys().forEach((k) => this.loop.enqueue(k)) });
  }

  start(synced: Promise<void>): void {
    this.loop.start(synced.then(() => this.restore()));
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Settings in effect (mode, uplink, class). */
  get viewSettings(): ViewSettings {
    return this.settings;
  }

  private refreshPools(): void {
    const compiled: CompiledPool[] = [];
    const names = new Set<string>();
    for (const p of this.pools.list()) {
      const name = p.metadata.name ?? '';
      const c = compilePool(name, p.spec ?? {});
      if (c.ok) {
        compiled.push(c.value);
        names.add(name);
      } else this.deps.log.warn(`ignoring pool: ${c.error}`);
    }
    if (this.defaultPool !== undefined && !names.has(this.defaultPool.name)) compiled.push(this.defaultPool);
    this.allocator.setPools(compiled);
  }

  /** Adopts every address Services already show, before any allocation (no reshuffle on restart). */
  private restore(): void {
    this.refreshPools();
    const svcs = this.services
      .list()
      .slice()
      .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || keyOf(a.metadata.namespace, a.metadata.name).localeCompare(keyOf(b.metadata.namespace, b.metadata.name)));
    const report = this.allocator.restore(svcs.map((s) => projectService(s, this.nsLabels(s), this.settings)));
    for (const k of report.conflicts) this.deps.log.warn(`service ${k} claims an address another service holds; it will get a new one`);
    this.restored = true;
    this.deps.log.info(`restored ${report.adopted} load balancer addresses from service status`);
    for (const n of this.allocator.poolNames()) this.loop.enqueue(POOL_KEY + n);
  }

  private nsLabels(s: Service): Record<string, string> {
    return this.namespaces.getByName(undefined, s.metadata.namespace ?? '')?.metadata.labels ?? {};
  }

  private afterRelease(freed: readonly string[]): void {
    if (freed.length === 0) return;
    for (const k of this.allocator.pendingKeys()) this.loop.enqueue(k);
    for (const n of this.allocator.poolNames()) this.loop.enqueue(POOL_KEY + n);
  }

  private async reconcile(key: string): Promise<ReconcileResult> {
    if (key.startsWith(POOL_KEY)) return this.reconcilePool(key.slice(POOL_KEY.length));
    const { namespace, name } = splitKey(key);
    const svc = this.services.getByName(namespace, name);
    if (svc === undefined) {
      this.afterRelease(this.allocator.release(key));
      return done;
    }
    const outcome = this.allocator.sync(projectService(svc, this.nsLabels(svc), this.settings));
    if (outcome.type === 'unmanaged') this.afterRelease(outcome.released);
    else if (outcome.type === 'assigned') {
      this.afterRelease(outcome.released);
      if (outcome.fresh) for (const n of this.allocator.poolNames()) this.loop.enqueue(POOL_KEY + n);
    }
    // A foreign class means another implementation writes this Service: releasing is all we do.
    if (outcome.type === 'unmanaged' && isForeignClass(svc, this.settings)) return done;
    this.recordEvent(svc, key, outcome);
    const desired = desiredFor(outcome, this.settings, svc.metadata.generation);
    const status = statusUpdate(svc, desired, rfc3339(this.deps.clock.now()));
    if (status !== undefined) {
      const r = await attempt(this.deps.client.updateStatus<Service>(Resources.services, namespace, { ...svc, status }));
      if (r.type === 'conflict') return requeue;
      if (r.type === 'notFound') return done;
      if (r.type === 'failed') {
        this.deps.log.warn(`status of service ${key}: ${errorText(r.error)}`);
        return requeue;
      }
    }
    const ann = annotationPatch(svc, desired, this.settings);
    if (ann !== undefined) {
      const r = await attempt(this.deps.client.patch<Service>(Resources.services, namespace, name, 'merge', { metadata: { annotations: ann } }));
      if (r.type === 'failed') {
        this.deps.log.warn(`annotation of service ${key}: ${errorText(r.error)}`);
        return requeue;
      }
    }
    return done;
  }

  private recordEvent(svc: Service, key: string, o: SyncOutcome): void {
    let ev: { type: 'Normal' | 'Warning'; reason: string; message: string } | undefined;
    if (o.type === 'assigned') ev = { type: 'Normal', reason: 'IPAllocated', message: `Assigned IP ${JSON.stringify(o.ips)}` };
    else if (o.type === 'failed') ev = { type: 'Warning', reason: 'AllocationFailed', message: `Failed to allocate IP for "${key}": ${o.message}` };
    const sig = ev === undefined ? '' : `${ev.reason}\u0000${ev.message}`;
    if ((this.lastEvent.get(key) ?? '') === sig) return;
    this.lastEvent.set(key, sig);
    // A restart re-syncs held addresses: that is not news, so only fresh assignments are reported.
    if (ev !== undefined && !(o.type === 'assigned' && !o.fresh)) this.deps.recorder(LB_IPAM_COMPONENT).event(svc, ev.type, ev.reason, ev.message);
  }

  private async reconcilePool(name: string): Promise<ReconcileResult> {
    const pool = this.pools.getByName(undefined, name);
    const usage = this.allocator.usage(name);
    if (pool === undefined || usage === undefined) return done;
    const exhausted = usage.available <= 0;
    const old = pool.status?.conditions?.find((c) => c.type === 'Exhausted');
    const status = old?.status === (exhausted ? 'True' : 'False') ? old.status : undefined;
    const cond = {
      type: 'Exhausted',
      status: exhausted ? ('True' as const) : ('False' as const),
      reason: exhausted ? 'NoAddressesLeft' : 'AddressesAvailable',
      message: exhausted ? 'every usable address of the pool is allocated' : `${usage.available} of the pool's addresses are free`,
      lastTransitionTime: status !== undefined && old !== undefined ? old.lastTransitionTime : rfc3339(this.deps.clock.now()),
      ...(pool.metadata.generation !== undefined ? { observedGeneration: pool.metadata.generation } : {}),
    };
    const next = { allocated: usage.allocated, available: usage.available, conditions: [...(pool.status?.conditions ?? []).filter((c) => c.type !== 'Exhausted'), cond] };
    if (JSON.stringify(next) === JSON.stringify(pool.status ?? {})) return done;
    const r = await attempt(this.deps.client.updateStatus<LoadBalancerIPPool>(LB_POOLS, undefined, { ...pool, apiVersion: LB_POOL_API_VERSION, status: next }));
    if (r.type === 'conflict') return requeue;
    if (r.type === 'failed') {
      this.deps.log.warn(`status of pool ${name}: ${errorText(r.error)}`);
      return requeue;
    }
    return done;
  }
}
