// The shell of host access: keeps one real listening socket on the loopback address per
// planned mapping (planner.ts) and bridges every accepted connection into the emulated
// network, where it enters as a TCP connection from the mapping's entry stack to the
// mapping's target (VIP:port or NodeIP:nodePort) — the same dataplane path an emulated
// client would take.
//
// Invariants:
//   - Only loopback addresses are ever listened on (network safety): the constructor
//     refuses anything else.
//   - Reconciles never overlap: changes arriving during one are folded into the next.
//   - Listeners are remembered (key -> server) and removed by diffing the plan against
//     them, never by probing the OS.
//   - A mapping keeps its listener, hence its host port, until it is no longer desired;
//     a new target (another entry node) applies to connections accepted afterwards.
//   - Connections already bridged survive the removal of their mapping (as established
//     flows outlive a Service change); stop() resets them all.
import { createServer, isIPv4, type Server, type Socket } from 'node:net';
import { parseCidr, type Cidr } from '../../core/cidr.js';
import { realClock, type Clock } from '../../core/clock.js';
import { parseIPv4, type IPv4 } from '../../core/ip.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { HostStack, TcpSocket } from '../../dataplane/host/index.js';
import { formatMappingLine, type HostMapping } from './host-mapping.js';
import { planHostMappings, type HostPortChoice, type MappingSpec, type PlannedMapping, type SkippedPort } from './planner.js';
import type { HostAccessSource } from './service-source.js';
import { bridgeSockets, type Bridge, type BridgeEnd } from './tcp-bridge.js';
import { firstReadyNodeIP, type NodeView } from './service-view.js';

export interface HostAccessOptions {
  readonly source: HostAccessSource;
  /** LoadBalancer VIP pools, e.g. ['10.190.6.0/24']. */
  readonly vipCidrs: readonly string[];
  /** The emulated stack a mapping's connections start from; undefined refuses them (RST). */
  readonly entry: (m: HostMapping) => HostStack | undefined;
  /** Loopback address to listen on (default 127.0.0.1; ::1 and other 127/8 addresses are accepted). */
  readonly address?: string;
  /** Which node NodePort connections enter at (default: first Ready node by name). */
  readonly nodeIP?: (nodes: readonly NodeView[]) => string | undefined;
  /** Emulated connect attempts longer than this reset the host connection (default 30 s). */
  readonly connectTimeoutMs?: number;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly onChange?: (change: HostAccessChange) => void;
}

export type HostAccessChange =
  | { readonly kind: 'opened'; readonly mapping: HostMapping }
  | { readonly kind: 'retargeted'; readonly mapping: HostMapping; readonly previous: HostMapping }
  | { readonly kind: 'closed'; readonly mapping: HostMapping }
  | { readonly kind: 'failed'; readonly key: string; readonly error: string };

export interface HostAccessStats {
  accepted: number;
  bridged: number;
  /** Host connections reset because the emulated connect failed or no entry stack existed. */
  refused: number;
  bytesToEmulated: number;
  bytesToHost: number;
}

interface Listener {
  mapping: HostMapping;
  /** Parsed mapping.target.ip; undefined (connections refused) if it is not IPv4. */
  target: IPv4 | undefined;
  readonly server: Server;
  readonly bridges: Set<Bridge>;
}

export class HostAccess {
  readonly address: string;
  readonly stats: HostAccessStats = { accepted: 0, bridged: 0, refused: 0, bytesToEmulated: 0, bytesToHost: 0 };
  private readonly vipCidrs: Cidr[];
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly listeners = new Map<string, Listener>();
  private readonly unavailable = new Set<number>();
  private readonly pendingConnects = new Set<Socket>();
  private lastSkipped: readonly SkippedPort[] = [];
  private dirty = false;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly opts: HostAccessOptions) {
    this.address = opts.address ?? '127.0.0.1';
    if (!isLoopback(this.address)) throw new Error(`host access listens on loopback only, not ${this.address}`);
    this.vipCidrs = opts.vipCidrs.map((c) => {
      const r = parseCidr(c);
      if (!r.ok) throw new Error(`host access: VIP CIDR ${r.error}`);
      return r.value;
    });
    this.log = opts.log ?? silentLogger;
    this.clock = opts.clock ?? realClock;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.opts.source.start(() => this.kick());
  }

  /** The mappings with a listener now, in key order. */
  mappings(): HostMapping[] {
    return [...this.listeners.values()].map((l) => l.mapping).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Host connections being connected or bridged right now. */
  get activeConnections(): number {
    let n = this.pendingConnects.size;
    for (const l of this.listeners.values()) n += l.bridges.size;
    return n;
  }

  /** What the last plan left out (UDP ports, non-VIP ingress addresses, no node IP). */
  skipped(): readonly SkippedPort[] {
    return this.lastSkipped;
  }

  /** Resolves when no reconcile is running or pending. */
  async settled(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** Closes every listener and resets every bridged connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.opts.source.stop();
    await this.settled();
    for (const s of this.pendingConnects) s.resetAndDestroy();
    for (const l of this.listeners.values()) this.closeListener(l);
    this.listeners.clear();
  }

  private kick(): void {
    if (this.stopped) return;
    this.dirty = true;
    if (this.running !== undefined) return;
    this.running = (async () => {
      try {
        while (this.dirty && !this.stopped) {
          this.dirty = false;
          await this.reconcile();
        }
      } finally {
        this.running = undefined;
      }
    })();
  }

  private async reconcile(): Promise<void> {
    const snap = this.opts.source.snapshot();
    if (snap === undefined) return;
    const current = new Map<string, number>();
    for (const [k, l] of this.listeners) current.set(k, l.mapping.hostPort);
    const plan = planHostMappings({
      services: snap.services,
      nodeIP: (this.opts.nodeIP ?? firstReadyNodeIP)(snap.nodes),
      vipCidrs: this.vipCidrs,
      current,
      unavailable: this.unavailable,
    });
    this.lastSkipped = plan.skipped;
    for (const key of plan.close) {
      const l = this.listeners.get(key);
      if (l === undefined) continue;
      this.listeners.delete(key);
      this.closeListener(l, false);
      this.log.info(`closed ${formatMappingLine(l.mapping)}`);
      this.opts.onChange?.({ kind: 'closed', mapping: l.mapping });
    }
    for (const pm of plan.mappings) {
      const l = this.listeners.get(pm.key);
      if (l === undefined || sameTarget(l.mapping, pm)) continue;
      const previous = l.mapping;
      const target = parseIPv4(pm.target.ip);
      l.mapping = { ...stripChoice(pm), address: this.address, hostPort: previous.hostPort };
      l.target = target.ok ? target.value : undefined;
      this.log.info(`retargeted ${formatMappingLine(l.mapping)}`);
      this.opts.onChange?.({ kind: 'retargeted', mapping: l.mapping, previous });
    }
    for (const pm of plan.open) {
      if (this.stopped) return;
      const r = await this.open(pm);
      if (r.kind === 'failed') {
        this.log.warn('cannot open host listener', { key: pm.key, error: r.error });
        this.opts.onChange?.({ kind: 'failed', key: pm.key, error: r.error });
        continue;
      }
      this.log.info(formatMappingLine(r.listener.mapping));
      this.opts.onChange?.({ kind: 'opened', mapping: r.listener.mapping });
    }
  }

  private async open(pm: PlannedMapping): Promise<{ kind: 'opened'; listener: Listener } | { kind: 'failed'; error: string }> {
    const target = parseIPv4(pm.target.ip);
    if (!target.ok) return { kind: 'failed', error: `target ${pm.target.ip} is not an IPv4 address` };
    const listener: Listener = {
      mapping: { ...stripChoice(pm), address: this.address, hostPort: 0 },
      target: target.value,
      server: createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => this.accept(listener, s)),
      bridges: new Set(),
    };
    let port = requestedPort(pm.hostPort);
    let r = await listen(listener.server, this.address, port);
    if (r.kind === 'failed' && r.code === 'EADDRINUSE' && pm.hostPort.kind === 'node-port') {
      // Someone else holds the NodePort number on this host: remember it, go ephemeral.
      this.unavailable.add(port);
      this.log.info('host port busy, using an ephemeral port', { key: pm.key, port });
      port = 0;
      r = await listen(listener.server, this.address, 0);
    }
    if (r.kind === 'failed') return { kind: 'failed', error: r.code };
    if (this.stopped) {
      listener.server.close();
      return { kind: 'failed', error: 'stopped' };
    }
    listener.server.on('error', (e) => this.log.warn('host listener error', { key: pm.key, error: e.message }));
    listener.mapping = { ...listener.mapping, hostPort: r.port };
    this.listeners.set(pm.key, listener);
    return { kind: 'opened', listener };
  }

  private accept(l: Listener, real: Socket): void {
    this.stats.accepted++;
    real.on('error', () => undefined); // reported through 'close' / the bridge
    const stack = this.opts.entry(l.mapping);
    const target = l.target;
    if (stack === undefined || target === undefined || this.stopped) {
      this.stats.refused++;
      real.resetAndDestroy();
      return;
    }
    const m = l.mapping;
    this.pendingConnects.add(real);
    let done = false;
    const timer = this.clock.setTimeout(() => {
      if (done) return;
      done = true;
      this.pendingConnects.delete(real);
      this.stats.refused++;
      this.log.debug('emulated connect timed out', { key: m.key });
      real.resetAndDestroy();
    }, this.opts.connectTimeoutMs ?? 30_000);
    const settle = (): boolean => {
      const first = !done;
      done = true;
      this.clock.clearTimeout(timer);
      this.pendingConnects.delete(real);
      return first;
    };
    stack.connect(target, m.target.port).then(
      (emu: TcpSocket) => {
        if (!settle() || real.destroyed || this.stopped) {
          emu.destroy();
          return;
        }
        this.stats.bridged++;
        const b = bridgeSockets(real, emu, (end: BridgeEnd, st) => {
          l.bridges.delete(b);
          this.stats.bytesToEmulated += st.toEmulated;
          this.stats.bytesToHost += st.toHost;
          if (end.kind !== 'closed') this.log.debug('bridged connection ended', { key: m.key, end: end.kind, ...('error' in end ? { error: end.error } : {}) });
        });
        l.bridges.add(b);
      },
      (e: unknown) => {
        if (!settle()) return;
        this.stats.refused++;
        this.log.debug('emulated connect failed', { key: m.key, error: e instanceof Error ? e.message : String(e) });
        real.resetAndDestroy();
      },
    );
  }

  /** Stops listening at once (the port is free when this returns); optionally resets bridged connections. */
  private closeListener(l: Listener, resetConnections = true): void {
    if (resetConnections) for (const b of [...l.bridges]) b.destroy();
    // close()'s callback would wait for accepted connections; the port itself is released now.
    if (l.server.listening) l.server.close();
  }
}

function stripChoice(pm: PlannedMapping): MappingSpec {
  const { hostPort: _choice, ...spec } = pm;
  // Rest of a union-typed object is not narrowed per member; the fields are the spec's.
  return spec as MappingSpec;
}

function sameTarget(m: HostMapping, pm: PlannedMapping): boolean {
  return m.target.ip === pm.target.ip && m.target.port === pm.target.port;
}

function requestedPort(c: HostPortChoice): number {
  return c.kind === 'ephemeral' ? 0 : c.port;
}

function listen(server: Server, address: string, port: number): Promise<{ kind: 'ok'; port: number } | { kind: 'failed'; code: string }> {
  return new Promise((resolve) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      resolve({ kind: 'failed', code: e.code ?? e.message });
    };
    const onListening = () => {
      server.off('error', onError);
      const a = server.address();
      resolve({ kind: 'ok', port: typeof a === 'object' && a !== null ? a.port : port });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: address, port, exclusive: true });
  });
}

function isLoopback(a: string): boolean {
  return a === '::1' || (isIPv4(a) && a.startsWith('127.'));
}
