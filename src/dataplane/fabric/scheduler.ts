// Delivery of frames between devices over links, on an injected Clock.
//
// Invariants:
//  - A transmit never runs the receiver on the sender's stack: every delivery goes
//    through a FIFO queue that is drained iteratively, so a reply sent from inside
//    `receive` is queued behind whatever is already in flight (no recursion, no
//    unbounded stack, FIFO order per link).
//  - Drive: with the real clock the queue drains in setImmediate batches (I/O gets a
//    turn between batches); with any other clock a drain is a clock timer at "now", so
//    a FakeClock's advance() runs everything in time order. runUntilIdle() drains
//    synchronously in either mode. 'manual' drive never drains by itself.
//  - Loss and latency are per link and direction-independent; loss draws come from one
//    seeded RNG, so a run is reproducible. Traced frames skip both (a trace shows the
//    path, as ofproto/trace does, not a dice roll).
//  - Loop guard: a frame's lineage (the frame and whatever fabric elements forward on its
//    behalf) may cross at most `hopBudget` links. Endpoint devices start a new lineage
//    with every transmission, so a long conversation is never cut.
import { realClock, type Clock, type TimerHandle } from '../../core/clock.js';
import type { NetDevice } from '../netdev.js';
import { isMetaDevice, type FrameMeta } from './fabric-port.js';
import { seededRng, type Rng } from './rng.js';
import { describeFrame, type FabricDropReason } from './trace.js';

export type Drive = 'immediate' | 'clock' | 'manual';

export interface SchedulerOptions {
  readonly clock?: Clock;
  /** Seed of the loss RNG (default 1). */
  readonly seed?: number;
  /** Links a frame lineage may cross (default 64). */
  readonly hopBudget?: number;
  /** Default: 'immediate' on the real clock, 'clock' otherwise. */
  readonly drive?: Drive;
  /** Deliveries per batch before yielding (immediate drive; default 4096). */
  readonly batch?: number;
  /** Called when a device's receive throws (the drain continues). */
  readonly onError?: (err: unknown, link: Link) => void;
}

export interface LinkOptions {
  readonly latencyMs?: number;
  /** Drop probability 0..1 per frame. */
  readonly loss?: number;
}

export interface LinkStats {
  framesAB: number;
  framesBA: number;
  bytesAB: number;
  bytesBA: number;
  lost: number;
  /** Frames that exhausted the hop budget on this link. */
  looped: number;
  /** Frames sent while the link was down. */
  down: number;
}

export class Link {
  latencyMs: number;
  loss: number;
  up = true;
  readonly stats: LinkStats = { framesAB: 0, framesBA: 0, bytesAB: 0, bytesBA: 0, lost: 0, looped: 0, down: 0 };

  constructor(
    readonly name: string,
    readonly a: NetDevice,
    readonly b: NetDevice,
    opts: LinkOptions,
  ) {
    this.latencyMs = opts.latencyMs ?? 0;
    this.loss = opts.loss ?? 0;
  }

  /** The device at the other end. */
  peerOf(d: NetDevice): NetDevice | undefined {
    return d === this.a ? this.b : d === this.b ? this.a : undefined;
  }
}

interface Pending {
  link: Link;
  /** 0: a -> b, 1: b -> a. */
  dir: 0 | 1;
  frame: Uint8Array;
  meta: FrameMeta;
}

export interface SchedulerStats {
  readonly delivered: number;
  readonly lost: number;
  readonly looped: number;
  readonly linkDown: number;
  readonly errors: number;
  readonly queued: number;
  readonly inFlight: number;
}

export class Scheduler {
  readonly clock: Clock;
  readonly hopBudget: number;
  private readonly rng: Rng;
  private readonly drive: Drive;
  private readonly batch: number;
  private readonly onError: ((err: unknown, link: Link) => void) | undefined;
  private readonly links = new Map<string, Link>();
  private readonly byDevice = new Map<NetDevice, Link>();
  private q: Pending[] = [];
  private head = 0;
  private draining = false;
  private scheduled = false;
  private timer: TimerHandle | undefined;
  private readonly delayed = new Set<TimerHandle>();
  private counters = { delivered: 0, lost: 0, looped: 0, linkDown: 0, errors: 0 };

  constructor(opts: SchedulerOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.rng = seededRng(opts.seed ?? 1);
    this.hopBudget = opts.hopBudget ?? 64;
    this.drive = opts.drive ?? (this.clock === realClock ? 'immediate' : 'clock');
    this.batch = opts.batch ?? 4096;
    this.onError = opts.onError;
  }

  /** Links two devices. Each device may be on one link at a time; names are unique. */
  connect(name: string, a: NetDevice, b: NetDevice, opts: LinkOptions = {}): Link {
    if (this.links.has(name)) throw new Error(`link ${name} already exists`);
    for (const d of [a, b]) if (this.byDevice.has(d)) throw new Error(`device ${d.name} is already linked (${this.byDevice.get(d)?.name})`);
    const link = new Link(name, a, b, opts);
    this.links.set(name, link);
    this.byDevice.set(a, link);
    this.byDevice.set(b, link);
    this.attachEnd(link, a, 0);
    this.attachEnd(link, b, 1);
    return link;
  }

  private attachEnd(link: Link, d: NetDevice, dir: 0 | 1): void {
    if (isMetaDevice(d)) d.attachMeta((frame, meta) => this.send(link, dir, frame, meta));
    else d.attach((frame) => this.send(link, dir, frame, undefined));
  }

  /** Takes the link down and forgets it; frames in flight on it are dropped on arrival. */
  disconnect(link: Link | string): void {
    const l = typeof link === 'string' ? this.links.get(link) : link;
    if (l === undefined || this.links.get(l.name) !== l) return;
    l.up = false;
    this.links.delete(l.name);
    this.byDevice.delete(l.a);
    this.byDevice.delete(l.b);
    for (const d of [l.a, l.b]) if (isMetaDevice(d) && 'detach' in d && typeof d.detach === 'function') (d.detach as () => void)();
  }

  link(name: string): Link | undefined {
    return this.links.get(name);
  }

  linkOf(d: NetDevice): Link | undefined {
    return this.byDevice.get(d);
  }

  linkNames(): string[] {
    return [...this.links.keys()];
  }

  setLoss(name: string, p: number): boolean {
    const l = this.links.get(name);
    if (l === undefined) return false;
    l.loss = Math.min(1, Math.max(0, p));
    return true;
  }

  setLatency(name: string, ms: number): boolean {
    const l = this.links.get(name);
    if (l === undefined) return false;
    l.latencyMs = Math.max(0, ms);
    return true;
  }

  /**
   * Puts a frame on a link, travelling away from `dir`'s sender. `meta` is the lineage
   * of the frame the sender is forwarding (undefined: a new lineage).
   */
  send(link: Link, dir: 0 | 1, frame: Uint8Array, meta: FrameMeta | undefined): void {
    const hops = (meta?.hops ?? 0) + 1;
    const trace = meta?.trace;
    const to = dir === 0 ? link.b : link.a;
    if (!link.up) {
      link.stats.down++;
      this.counters.linkDown++;
      trace?.add({ kind: 'drop', hop: hops, device: link.name, reason: { kind: 'link-down', link: link.name } });
      return;
    }
    if (hops > this.hopBudget) {
      link.stats.looped++;
      this.counters.looped++;
      trace?.add({ kind: 'drop', hop: hops, device: link.name, reason: { kind: 'hop-budget', budget: this.hopBudget } });
      return;
    }
    if (dir === 0) {
      link.stats.framesAB++;
      link.stats.bytesAB += frame.length;
    } else {
      link.stats.framesBA++;
      link.stats.bytesBA += frame.length;
    }
    if (trace !== undefined) {
      const note = link.loss > 0 || link.latencyMs > 0 ? `loss ${link.loss} / latency ${link.latencyMs} ms not applied to traced frames` : undefined;
      trace.add({ kind: 'link', hop: hops, link: link.name, to: deviceLabel(to), ...(note !== undefined ? { note } : {}) });
    } else {
      if (link.loss > 0 && this.rng() < link.loss) {
        link.stats.lost++;
        this.counters.lost++;
        return;
      }
      if (link.latencyMs > 0) {
        const p: Pending = { link, dir, frame, meta: { hops } };
        const h = this.clock.setTimeout(() => {
          this.delayed.delete(h);
          this.enqueue(p);
        }, link.latencyMs);
        this.delayed.add(h);
        return;
      }
    }
    this.enqueue({ link, dir, frame, meta: trace !== undefined ? { hops, trace } : { hops } });
  }

  private enqueue(p: Pending): void {
    this.q.push(p);
    this.kick();
  }

  private kick(): void {
    if (this.draining || this.scheduled || this.drive === 'manual') return;
    this.scheduled = true;
    if (this.drive === 'immediate') {
      setImmediate(() => {
        this.scheduled = false;
        this.drain(this.batch);
      });
    } else {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.scheduled = false;
        this.drain(Infinity);
      }, 0);
    }
  }

  /** Delivers queued frames (and whatever they cause) until the queue is empty; returns how many. Re-entrant calls do nothing. */
  runUntilIdle(limit = Infinity): number {
    if (this.draining) return 0;
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
      this.scheduled = false;
    }
    return this.drain(limit);
  }

  /** Whether frames are waiting (queued now or held back by latency). */
  get busy(): boolean {
    return this.head < this.q.length || this.delayed.size > 0;
  }

  private drain(limit: number): number {
    if (this.draining) return 0;
    this.draining = true;
    let n = 0;
    try {
      while (this.head < this.q.length && n < limit) {
        const p = this.q[this.head] as Pending;
        this.q[this.head++] = undefined as unknown as Pending;
        if (this.head > 1024 && this.head * 2 > this.q.length) {
          this.q = this.q.slice(this.head);
          this.head = 0;
        }
        n++;
        this.deliver(p);
      }
    } finally {
      this.draining = false;
    }
    if (this.head < this.q.length) this.kick();
    return n;
  }

  private deliver(p: Pending): void {
    const link = p.link;
    const trace = p.meta.trace;
    if (!link.up) {
      link.stats.down++;
      this.counters.linkDown++;
      trace?.add({ kind: 'drop', hop: p.meta.hops, device: link.name, reason: { kind: 'link-down', link: link.name } });
      return;
    }
    const to = p.dir === 0 ? link.b : link.a;
    this.counters.delivered++;
    try {
      if (isMetaDevice(to)) to.receiveMeta(p.frame, p.meta);
      else if (trace !== undefined) {
        trace.add({ kind: 'deliver', hop: p.meta.hops, device: to.name, delivered: !trace.dryRun, frame: describeFrame(p.frame) });
        if (!trace.dryRun) to.receive(p.frame);
      } else to.receive(p.frame);
    } catch (e) {
      this.counters.errors++;
      const reason: FabricDropReason = { kind: 'receive-error', message: e instanceof Error ? e.message : String(e) };
      trace?.add({ kind: 'drop', hop: p.meta.hops, device: to.name, reason });
      this.onError?.(e, link);
    }
  }

  stats(): SchedulerStats {
    return { ...this.counters, queued: this.q.length - this.head, inFlight: this.delayed.size };
  }
}

/** "owner:port" for fabric ports, the device name otherwise. */
function deviceLabel(d: NetDevice): string {
  const label = (d as { readonly label?: unknown }).label;
  return typeof label === 'string' ? label : d.name;
}
