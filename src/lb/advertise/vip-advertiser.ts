// Thin shell around the pure core: a Services informer keeps a per-Service list of VIPs,
// and the whole advertisement set is handed to the speaker (declarative set()) whenever
// it may have changed. Two rules keep the routers' view honest:
//   - nothing is pushed before the informer has listed: an empty set would withdraw
//     every VIP a restarted advertiser had announced before;
//   - events of one tick are batched into one set() (a relist delivers thousands).
import type { Service } from '../../api/index.js';
import { realClock, type Clock, type TimerHandle } from '../../core/clock.js';
import type { IPv4 } from '../../core/ip.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { err, ok, type Result } from '../../core/result.js';
import { Informer, Resources, type ListWatcher } from '../../client/index.js';
import type { Advertisement, SetResult } from '../../bgp/index.js';
import { parseVipPolicy, projectServiceVips, serviceVips, vipAdvertisements, type ServiceVips, type VipPolicy, type VipPolicyInput } from './vip-advertisements.js';

/** What the advertiser drives: a bgp Speaker, or anything with the same set(). */
export interface AdvertisementSink {
  set(advertisements: readonly Advertisement[]): SetResult;
}

export interface VipAdvertiserOptions extends VipPolicyInput {
  readonly client: ListWatcher;
  readonly sink: AdvertisementSink;
  readonly clock?: Clock;
  readonly log?: Logger;
}

export type PushOutcome =
  | { readonly kind: 'waiting-for-sync' }
  | { readonly kind: 'applied'; readonly routes: number; readonly announced: number; readonly withdrawn: number }
  | { readonly kind: 'rejected'; readonly errors: readonly string[] };

export class VipAdvertiser {
  private readonly informer: Informer<Service, ServiceVips>;
  private readonly vips = new Map<string, readonly IPv4[]>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private synced = false;
  private stopped = false;
  private timer: TimerHandle | undefined;
  private current: readonly Advertisement[] = [];
  private resolveFirst!: () => void;
  private readonly firstPush = new Promise<void>((r) => (this.resolveFirst = r));
  lastPush: PushOutcome = { kind: 'waiting-for-sync' };
  pushes = 0;

  private constructor(
    private readonly policy: VipPolicy,
    private readonly opts: VipAdvertiserOptions,
  ) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    this.informer = new Informer<Service, ServiceVips>({ client: opts.client, resource: Resources.services, transform: projectServiceVips, clock: this.clock, log: this.log });
    this.informer.addHandler({
      onAdd: (s) => this.update(s.key, s),
      onUpdate: (_p, s) => this.update(s.key, s),
      onDelete: (s) => this.update(s.key, undefined),
    });
  }

  static create(opts: VipAdvertiserOptions): Result<VipAdvertiser, string[]> {
    const p = parseVipPolicy(opts);
    return p.ok ? ok(new VipAdvertiser(p.value, opts)) : err(p.error);
  }

  start(): void {
    if (this.stopped) return;
    this.informer.start();
    void this.informer.hasSynced().then(() => {
      if (this.stopped) return;
      this.synced = true;
      this.push();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.informer.stop();
  }

  /** Resolves after the first set() (i.e. once the Services have been listed). */
  ready(): Promise<void> {
    return this.firstPush;
  }

  /** The set last handed to the sink. */
  advertisements(): readonly Advertisement[] {
    return this.current;
  }

  private update(key: string, s: ServiceVips | undefined): void {
    const next = s === undefined ? [] : serviceVips(this.policy, s);
    const prev = this.vips.get(key) ?? [];
    if (next.length === 0) this.vips.delete(key);
    else this.vips.set(key, next);
    if (!sameList(prev, next)) this.schedule();
  }

  private schedule(): void {
    if (!this.synced || this.stopped || this.timer !== undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.push();
    }, 0);
  }

  private push(): void {
    if (this.stopped) return;
    const advs = vipAdvertisements(this.policy, this.vips.values());
    const r = this.opts.sink.set(advs);
    this.pushes++;
    if (r.kind === 'invalid') {
      // Cannot happen for VIPs from parsed pools; kept visible rather than thrown.
      const errors = r.errors.map((e) => `${e.prefix}: ${e.message}`);
      this.lastPush = { kind: 'rejected', errors };
      this.log.error('advertisement set rejected', { errors });
    } else {
      this.current = advs;
      this.lastPush = { kind: 'applied', routes: r.routes, announced: r.announced, withdrawn: r.withdrawn };
      if (r.announced + r.withdrawn > 0) this.log.info('advertisements updated', { routes: r.routes, announced: r.announced, withdrawn: r.withdrawn });
    }
    this.resolveFirst();
  }
}

function sameList(a: readonly IPv4[], b: readonly IPv4[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
