// Test and benchmark scaffolding: a point-to-point link and a learning switch that move
// frames between NICs, with optional delay, jitter (reordering), random loss and a
// per-frame filter; plus helpers to build hosts and to run a FakeClock while promises
// settle. Not part of the emulator's fabric (src/dataplane/fabric has the real switches).
import type { Clock, FakeClock } from '../../core/clock.js';
import { parseIPv4, type IPv4 } from '../../core/ip.js';
import { unwrap } from '../../core/result.js';
import { HostStack, type HostStackOptions } from './host-stack.js';
import type { HostNic, HostNicOptions } from './host-nic.js';

/** Deterministic PRNG (mulberry32) so lossy tests are repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function ip(s: string): IPv4 {
  return unwrap(parseIPv4(s));
}

export interface Impairment {
  /** One-way delay (0 = delivered synchronously inside the sender's tx). */
  readonly delayMs?: number;
  /** Extra random delay in [0, jitterMs): frames overtake each other. */
  readonly jitterMs?: number;
  /** Probability of dropping a frame. */
  readonly loss?: number;
  readonly seed?: number;
  /** Per-frame decision: 'drop', an extra delay in ms, or undefined to pass. */
  readonly filter?: (frame: Uint8Array, from: string) => 'drop' | number | undefined;
}

export interface LinkStats {
  delivered: number;
  dropped: number;
}

/** Schedules delivery of frames with the configured impairment. */
class Pipe {
  readonly stats: LinkStats = { delivered: 0, dropped: 0 };
  private readonly rnd: () => number;
  constructor(
    private readonly clock: Clock,
    private readonly imp: Impairment,
  ) {
    this.rnd = seededRandom(imp.seed ?? 1);
  }

  send(frame: Uint8Array, from: string, deliver: () => void): void {
    const f = this.imp.filter?.(frame, from);
    if (f === 'drop' || (this.imp.loss !== undefined && this.rnd() < this.imp.loss)) {
      this.stats.dropped++;
      return;
    }
    const delay = (this.imp.delayMs ?? 0) + (this.imp.jitterMs === undefined ? 0 : this.rnd() * this.imp.jitterMs) + (f ?? 0);
    this.stats.delivered++;
    if (delay <= 0) deliver();
    else this.clock.setTimeout(deliver, delay);
  }
}

/** A cable between two NICs. */
export class TestLink {
  private readonly pipe: Pipe;
  constructor(clock: Clock, a: HostNic, b: HostNic, imp: Impairment = {}) {
    this.pipe = new Pipe(clock, imp);
    a.attach((f) => this.pipe.send(f, a.name, () => b.receive(f)));
    b.attach((f) => this.pipe.send(f, b.name, () => a.receive(f)));
  }
  get stats(): LinkStats {
    return this.pipe.stats;
  }
}

/** A learning switch: floods unknown and broadcast destinations, learns source MACs. */
export class TestSwitch {
  private readonly ports: HostNic[] = [];
  private readonly fdb = new Map<number, number>();
  private readonly pipe: Pipe;
  constructor(clock: Clock, imp: Impairment = {}) {
    this.pipe = new Pipe(clock, imp);
  }
  get stats(): LinkStats {
    return this.pipe.stats;
  }
  plug(nic: HostNic): void {
    const port = this.ports.length;
    this.ports.push(nic);
    nic.attach((f) => this.forward(port, f));
  }
  private forward(inPort: number, f: Uint8Array): void {
    if (f.length < 14) return;
    const dst = (f[0]! * 0x10000 + f[1]! * 0x100 + f[2]!) * 0x1000000 + f[3]! * 0x10000 + f[4]! * 0x100 + f[5]!;
    const src = (f[6]! * 0x10000 + f[7]! * 0x100 + f[8]!) * 0x1000000 + f[9]! * 0x10000 + f[10]! * 0x100 + f[11]!;
    this.fdb.set(src, inPort);
    const out = (f[0]! & 1) === 0 ? this.fdb.get(dst) : undefined;
    const from = this.ports[inPort]!.name;
    if (out !== undefined) {
      if (out !== inPort) this.pipe.send(f, from, () => this.ports[out]!.receive(f));
      return;
    }
    this.ports.forEach((p, i) => {
      if (i !== inPort) this.pipe.send(f, from, () => p.receive(f));
    });
  }
}

let macSeq = 1;

/** A host with one interface `eth0` at `cidr` (e.g. "10.0.0.1/24") and an optional gateway. */
export function makeHost(
  clock: Clock,
  hostname: string,
  cidr: string,
  opts: Partial<HostStackOptions> & { readonly gateway?: string; readonly nic?: Partial<HostNicOptions> } = {},
): { stack: HostStack; eth0: HostNic } {
  const [addr, plen] = cidr.split('/');
  const stack = new HostStack({ clock, hostname, random: seededRandom(macSeq * 7919), ...opts });
  const eth0 = stack.addInterface({ name: 'eth0', mac: 0x0a5800000000 + macSeq++, address: ip(addr!), prefix: Number(plen), ...opts.nic });
  if (opts.gateway !== undefined) unwrap(stack.addDefaultRoute(ip(opts.gateway)));
  return { stack, eth0 };
}

/** Lets pending promise continuations run (they are not tied to the fake clock). */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** Advances the clock in steps until `p` settles or `maxMs` passed; returns p's result. */
export async function runUntil<T>(clock: FakeClock, p: Promise<T>, maxMs = 600_000, stepMs = 1): Promise<T> {
  let done = false;
  const tracked = p.finally(() => {
    done = true;
  });
  tracked.catch(() => undefined);
  await settle();
  const end = clock.now() + maxMs;
  while (!done && clock.now() < end) {
    clock.advance(stepMs);
    await settle();
  }
  if (!done) throw new Error(`runUntil: not settled within ${maxMs} ms of fake time`);
  return p;
}

/** Advances the clock by ms in steps, letting promises settle in between. */
export async function runFor(clock: FakeClock, ms: number, stepMs = 1): Promise<void> {
  const end = clock.now() + ms;
  await settle();
  while (clock.now() < end) {
    clock.advance(Math.min(stepMs, end - clock.now()));
    await settle();
  }
}
