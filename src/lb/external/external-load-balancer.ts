// Shell of the generic-mode external load balancer: Services, Nodes and EndpointSlices
// informers -> planExternalLb -> OneArmLb.setVirtualServers on the given router. Nothing
// is programmed before all three informers have listed (a half-known cluster would look
// like Services without members); events of one tick are batched into one plan.
import type { EndpointSlice, Node, Service } from '../../api/index.js';
import { realClock, type Clock, type TimerHandle } from '../../core/clock.js';
import type { IPv4 } from '../../core/ip.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { type Result } from '../../core/result.js';
import { Informer, Resources, type ListWatcher } from '../../client/index.js';
import type { Router } from '../../dataplane/fabric/router.js';
import { planExternalLb, projectLbNode, projectLbService, projectLbSlice, type ExternalPlan, type LbNode, type LbService, type LbSlice } from './external-model.js';
import { OneArmLb, type OneArmLbError, type OneArmLbOptions } from './one-arm-lb.js';

export interface ExternalLoadBalancerOptions extends Omit<OneArmLbOptions, 'clock'> {
  readonly client: ListWatcher;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Only these ingress IPs are VIPs of this load balancer (default: every ingress IP). */
  readonly isVip?: (ip: IPv4) => boolean;
}

export class ExternalLoadBalancer {
  readonly engine: OneArmLb;
  private readonly services: Informer<Service, LbService>;
  private readonly nodes: Informer<Node, LbNode>;
  private readonly slices: Informer<EndpointSlice, LbSlice>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private synced = false;
  private stopped = false;
  private timer: TimerHandle | undefined;
  private resolveReady!: () => void;
  private readonly readyPromise = new Promise<void>((r) => (this.resolveReady = r));
  /** The plan last programmed. */
  plan: ExternalPlan = { virtualServers: [], conflicts: [] };
  syncs = 0;

  private constructor(
    private readonly opts: ExternalLoadBalancerOptions,
    engine: OneArmLb,
  ) {
    this.engine = engine;
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    const common = { client: opts.client, clock: this.clock, log: this.log } as const;
    this.services = new Informer<Service, LbService>({ ...common, resource: Resources.services, transform: projectLbService });
    this.nodes = new Informer<Node, LbNode>({ ...common, resource: Resources.nodes, transform: projectLbNode });
    this.slices = new Informer<EndpointSlice, LbSlice>({ ...common, resource: Resources.endpointslices, transform: projectLbSlice });
    const kick = { onAdd: () => this.schedule(), onUpdate: () => this.schedule(), onDelete: () => this.schedule() };
    this.services.addHandler(kick);
    this.nodes.addHandler(kick);
    this.slices.addHandler(kick);
  }

  /** Attaches the engine to `router` (fails if snatAddress is not the router's) and starts nothing yet. */
  static create(opts: ExternalLoadBalancerOptions): Result<ExternalLoadBalancer, OneArmLbError> {
    const { client: _c, log: _l, isVip: _v, ...engineOpts } = opts;
    const engine = OneArmLb.attach({ ...engineOpts, clock: opts.clock ?? realClock });
    if (!engine.ok) return engine;
    return { ok: true, value: new ExternalLoadBalancer(opts, engine.value) };
  }

  get router(): Router {
    return this.opts.router;
  }

  start(): void {
    if (this.stopped) return;
    for (const i of [this.services, this.nodes, this.slices]) i.start();
    void Promise.all([this.services.hasSynced(), this.nodes.hasSynced(), this.slices.hasSynced()]).then(() => {
      if (this.stopped) return;
      this.synced = true;
      this.sync();
    });
  }

  /** Resolves after the first sync. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    for (const i of [this.services, this.nodes, this.slices]) i.stop();
    this.engine.detach();
  }

  private schedule(): void {
    if (!this.synced || this.stopped || this.timer !== undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.sync();
    }, 0);
  }

  private sync(): void {
    if (this.stopped) return;
    const plan = planExternalLb(this.services.list(), this.nodes.list(), this.slices.list(), this.opts.isVip !== undefined ? { isVip: this.opts.isVip } : {});
    for (const c of plan.conflicts) if (!this.plan.conflicts.some((p) => p.dropped === c.dropped)) this.log.warn('VIP:port already used by another Service', { ...c });
    this.engine.setVirtualServers(plan.virtualServers);
    this.plan = plan;
    this.syncs++;
    this.resolveReady();
  }
}
