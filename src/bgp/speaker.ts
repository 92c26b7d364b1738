// The BGP speaker: one Session per configured peer, a declarative set(advertisements)
// (MetalLB style: the caller passes the full desired set, the speaker computes adds and
// withdrawals per peer against what that peer was last sent), and the routes peers send us.
// Invariants: an Established peer has been sent exactly the desired set (then End-of-RIB);
// a peer that is not Established has an empty Adj-RIB-Out, so the next establishment sends
// the full table; received routes live only as long as their session.
import { realClock, type Clock } from '../core/clock.js';
import { parseIPv4, type IPv4 } from '../core/ip.js';
import { silentLogger, type Logger } from '../core/log.js';
import { err, ok, type Result } from '../core/result.js';
import { diffRibOut, packUpdates, type AdjRibOut, type AnnounceGroup } from './adj-rib-out.js';
import { parseAdvertisements, type Advertisement, type AdvertisementError, type Route } from './advertisement.js';
import { buildRoutesIn, type ReceivedRoute } from './rib-in.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry-policy.js';
import { describeDown, Session, type SessionEvent, type SessionState } from './session.js';
import { listenTcp, tcpTransport, unmapAddress } from './tcp-transport.js';
import type { BgpConnection, BgpListener, BgpTransport, ConnectionHandlers, ListenFn } from './transport.js';
import type { PathAttributes } from './wire/attributes.js';
import { needsAs4Path, type AsWidth } from './wire/as-path.js';
import { BGP_PORT } from './wire/constants.js';
import { END_OF_RIB } from './wire/update.js';

export interface PeerConfig {
  readonly address: string;
  readonly port?: number;
  readonly asn: number;
  /** Wait for the peer to connect (to `listen`) instead of connecting to it. */
  readonly passive?: boolean;
  /** Seconds; defaults to the speaker's holdTime. */
  readonly holdTime?: number;
  /** Next hop for advertisements that name none; default: our address on the session. */
  readonly nextHop?: string;
}

export interface SpeakerConfig {
  readonly localAs: number;
  readonly routerId: string;
  readonly peers: readonly PeerConfig[];
  /** Where passive peers connect; port 0 picks a free port (see listenPort). */
  readonly listen?: { readonly host: string; readonly port: number };
  readonly holdTime?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly connectTimeoutMs?: number;
  readonly openHoldMs?: number;
}

export interface SpeakerDeps {
  readonly clock?: Clock;
  readonly transport?: BgpTransport;
  readonly listen?: ListenFn;
  readonly logger?: Logger;
  readonly random?: () => number;
  readonly onEvent?: (peer: string, e: SessionEvent) => void;
}

export type SetResult =
  | { readonly kind: 'applied'; readonly routes: number; readonly announced: number; readonly withdrawn: number }
  | { readonly kind: 'invalid'; readonly errors: readonly AdvertisementError[] };

export interface PeerStatus {
  readonly peer: string;
  readonly address: string;
  readonly port: number;
  readonly asn: number;
  readonly passive: boolean;
  readonly state: SessionState;
  readonly stateSinceMs: number;
  readonly uptimeMs: number | undefined;
  readonly holdTime: number | undefined;
  readonly fourOctetAs: boolean | undefined;
  readonly prefixesSent: number;
  readonly prefixesReceived: number;
  readonly updatesSent: number;
  readonly octetsSent: number;
  readonly updatesReceived: number;
  readonly lastDown: string | undefined;
}

export interface SpeakerStatus {
  readonly localAs: number;
  readonly routerId: string;
  readonly listenPort: number | undefined;
  readonly advertisements: number;
  readonly peers: readonly PeerStatus[];
}

interface Peer {
  readonly key: string;
  readonly config: PeerConfig;
  readonly session: Session;
  readonly nextHop: IPv4 | undefined;
  ribOut: AdjRibOut;
  ribIn: Map<string, ReceivedRoute>;
  localAddress: IPv4 | undefined;
  updatesSent: number;
  octetsSent: number;
  updatesReceived: number;
}

export function peerKey(p: PeerConfig): string {
  return `${p.address}:${p.port ?? BGP_PORT}`;
}

export function validateSpeakerConfig(c: SpeakerConfig): string[] {
  const errors: string[] = [];
  const asnOk = (n: number) => Number.isInteger(n) && n >= 1 && n <= 0xffffffff;
  if (!asnOk(c.localAs)) errors.push(`localAs ${c.localAs} is not in 1..4294967295`);
  const id = parseIPv4(c.routerId);
  if (!id.ok || id.value === 0) errors.push(`routerId "${c.routerId}" is not a non-zero IPv4 address`);
  const holdOk = (h: number | undefined) => h === undefined || h === 0 || (Number.isInteger(h) && h >= 3 && h <= 65535);
  if (!holdOk(c.holdTime)) errors.push(`holdTime ${c.holdTime} must be 0 or 3..65535`);
  const seen = new Set<string>();
  for (const p of c.peers) {
    const k = peerKey(p);
    if (seen.has(k)) errors.push(`peer ${k} listed twice`);
    seen.add(k);
    if (!parseIPv4(p.address).ok) errors.push(`peer ${k}: address is not IPv4`);
    if (!asnOk(p.asn)) errors.push(`peer ${k}: asn ${p.asn} is not in 1..4294967295`);
    if (!holdOk(p.holdTime)) errors.push(`peer ${k}: holdTime ${p.holdTime} must be 0 or 3..65535`);
    if (p.nextHop !== undefined && !parseIPv4(p.nextHop).ok) errors.push(`peer ${k}: nextHop is not IPv4`);
    if (p.passive === true && c.listen === undefined) errors.push(`peer ${k} is passive but the speaker has no listen address`);
  }
  return errors;
}

export class Speaker {
  private readonly peers = new Map<string, Peer>();
  private desired = new Map<string, Route>();
  private listener: BgpListener | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;

  private constructor(
    readonly config: SpeakerConfig,
    private readonly deps: SpeakerDeps,
  ) {
    this.clock = deps.clock ?? realClock;
    this.logger = deps.logger ?? silentLogger;
    const routerId = parseIPv4(config.routerId);
    if (!routerId.ok) throw new Error(routerId.error);
    for (const pc of config.peers) {
      const key = peerKey(pc);
      const nh = pc.nextHop === undefined ? undefined : parseIPv4(pc.nextHop);
      const session: Session = new Session(
        {
          localAs: config.localAs,
          routerId: routerId.value,
          peerAddress: pc.address,
          peerPort: pc.port ?? BGP_PORT,
          peerAs: pc.asn,
          passive: pc.passive ?? false,
          holdTime: pc.holdTime ?? config.holdTime ?? 90,
          retry: { ...DEFAULT_RETRY, ...config.retry },
          connectTimeoutMs: config.connectTimeoutMs ?? 10_000,
          openHoldMs: config.openHoldMs ?? 240_000,
        },
        { clock: this.clock, transport: deps.transport ?? tcpTransport, logger: this.logger, random: deps.random ?? Math.random, onEvent: (e) => this.onSessionEvent(key, e) },
      );
      this.peers.set(key, { key, config: pc, session, nextHop: nh?.ok === true ? nh.value : undefined, ribOut: new Map(), ribIn: new Map(), localAddress: undefined, updatesSent: 0, octetsSent: 0, updatesReceived: 0 });
    }
  }

  static create(config: SpeakerConfig, deps: SpeakerDeps = {}): Result<Speaker, string[]> {
    const errors = validateSpeakerConfig(config);
    return errors.length > 0 ? err(errors) : ok(new Speaker(config, deps));
  }

  get listenPort(): number | undefined {
    return this.listener?.port;
  }

  /** Opens the listener (if any peer is passive) and starts every session. */
  async start(): Promise<void> {
    const l = this.config.listen;
    if (l !== undefined && this.listener === undefined) {
      this.listener = await (this.deps.listen ?? listenTcp)(l.host, l.port, (conn) => this.accept(conn));
      this.logger.info('listening', { host: l.host, port: this.listener.port });
    }
    for (const p of this.peers.values()) p.session.start();
  }

  /** Cease to every connected peer, then closes the listener. */
  async stop(reason = 'speaker stopped'): Promise<void> {
    for (const p of this.peers.values()) p.session.stop(reason);
    const l = this.listener;
    this.listener = undefined;
    await l?.close();
  }

  /** Replaces the desired advertisements; Established peers get the difference right away. */
  set(advertisements: readonly Advertisement[]): SetResult {
    const parsed = parseAdvertisements(advertisements);
    if (!parsed.ok) return { kind: 'invalid', errors: parsed.error };
    this.desired = parsed.value;
    let announced = 0;
    let withdrawn = 0;
    for (const p of this.peers.values()) {
      const r = this.sync(p, false);
      announced += r.announced;
      withdrawn += r.withdrawn;
    }
    return { kind: 'applied', routes: this.desired.size, announced, withdrawn };
  }

  /** Routes received from one peer (key "address:port") or from all peers. */
  receivedRoutes(peer?: string): ReceivedRoute[] {
    const out: ReceivedRoute[] = [];
    for (const p of this.peers.values()) if (peer === undefined || p.key === peer) out.push(...p.ribIn.values());
    return out;
  }

  status(): SpeakerStatus {
    const now = this.clock.now();
    const peers = [...this.peers.values()].map((p): PeerStatus => {
      const i = p.session.info();
      return {
        peer: p.key,
        address: p.config.address,
        port: p.config.port ?? BGP_PORT,
        asn: p.config.asn,
        passive: p.config.passive ?? false,
        state: i.state,
        stateSinceMs: now - i.since,
        uptimeMs: i.establishedAt === undefined ? undefined : now - i.establishedAt,
        holdTime: i.negotiated?.holdTime,
        fourOctetAs: i.negotiated === undefined ? undefined : i.negotiated.asWidth === 4,
        prefixesSent: p.ribOut.size,
        prefixesReceived: p.ribIn.size,
        updatesSent: p.updatesSent,
        octetsSent: p.octetsSent,
        updatesReceived: p.updatesReceived,
        lastDown: i.lastDown === undefined ? undefined : describeDown(i.lastDown),
      };
    });
    return { localAs: this.config.localAs, routerId: this.config.routerId, listenPort: this.listener?.port, advertisements: this.desired.size, peers };
  }

  private accept(conn: BgpConnection): ConnectionHandlers | undefined {
    for (const p of this.peers.values()) {
      if (p.config.passive !== true || p.config.address !== unmapAddress(conn.remoteAddress)) continue;
      const h = p.session.accept(conn);
      if (h !== undefined) return h;
    }
    this.logger.info('refused inbound connection', { from: `${conn.remoteAddress}:${conn.remotePort}` });
    return undefined;
  }

  private onSessionEvent(key: string, e: SessionEvent): void {
    const p = this.peers.get(key);
    if (p === undefined) return;
    this.deps.onEvent?.(key, e);
    switch (e.kind) {
      case 'established': {
        const la = parseIPv4(e.localAddress);
        p.localAddress = la.ok ? la.value : undefined;
        p.ribOut = new Map();
        this.logger.info('established', { peer: key, holdTime: e.negotiated.holdTime, fourOctetAs: e.negotiated.asWidth === 4 });
        this.sync(p, true);
        return;
      }
      case 'down':
        this.logger.info('session down', { peer: key, reason: describeDown(e.reason) });
        p.ribOut = new Map();
        p.ribIn = new Map();
        return;
      case 'update': {
        p.updatesReceived++;
        buildRoutesIn(p.ribIn, e.update, key, { localAs: this.config.localAs, peerAs: p.config.asn, asWidth: p.session.negotiated?.asWidth ?? 2 });
        return;
      }
      case 'route-refresh':
        p.ribOut = new Map();
        this.sync(p, false);
        return;
      case 'state':
        return;
    }
  }

  /** Sends one peer the difference between the desired set and its Adj-RIB-Out. */
  private sync(p: Peer, endOfRib: boolean): { announced: number; withdrawn: number } {
    const neg = p.session.negotiated;
    if (p.session.state !== 'Established' || neg === undefined) return { announced: 0, withdrawn: 0 };
    const defaultNextHop = p.nextHop ?? p.localAddress;
    let routes: ReadonlyMap<string, Route> = this.desired;
    if (defaultNextHop === undefined) {
      const withNextHop = new Map<string, Route>();
      for (const [k, r] of this.desired) {
        if (r.nextHop !== undefined) withNextHop.set(k, r);
        else this.logger.warn('no next hop for route, not announced', { peer: p.key, prefix: k });
      }
      routes = withNextHop;
    }
    // The peer's default next hop is part of the key only for routes that name none.
    const defaultSuffix = `|${defaultNextHop ?? '-'}`;
    const keyOf = (r: Route) => (r.nextHop !== undefined ? r.attrKey : r.attrKey + defaultSuffix);
    const delta = diffRibOut(p.ribOut, routes, keyOf);
    const groups = new Map<string, { route: Route; nlri: Route['prefix'][] }>();
    for (const r of delta.announce) {
      const k = keyOf(r);
      const g = groups.get(k);
      if (g === undefined) groups.set(k, { route: r, nlri: [r.prefix] });
      else g.nlri.push(r.prefix);
    }
    const announce: AnnounceGroup[] = [...groups.values()].map((g) => ({
      attributes: this.outboundAttributes(p, g.route, (g.route.nextHop ?? defaultNextHop) as IPv4, neg.asWidth),
      nlri: g.nlri,
    }));
    const updates = packUpdates(delta.withdraw.map((w) => w[1]), announce, neg.asWidth);
    if (endOfRib) updates.push(END_OF_RIB);
    const sent = p.session.sendUpdates(updates);
    if (sent.kind !== 'sent') return { announced: 0, withdrawn: 0 };
    p.updatesSent += updates.length;
    p.octetsSent += sent.octets;
    for (const [k] of delta.withdraw) p.ribOut.delete(k);
    for (const r of delta.announce) p.ribOut.set(r.key, { prefix: r.prefix, attrKey: keyOf(r) });
    if (delta.announce.length + delta.withdraw.length > 0) {
      this.logger.debug('sent', { peer: p.key, announced: delta.announce.length, withdrawn: delta.withdraw.length, updates: updates.length });
    }
    return { announced: delta.announce.length, withdrawn: delta.withdraw.length };
  }

  /** eBGP: our AS prepended, no LOCAL_PREF. iBGP: empty AS_PATH, LOCAL_PREF 100 (RFC 4271 §5.1.2, §5.1.5). */
  private outboundAttributes(p: Peer, r: Route, nextHop: IPv4, width: AsWidth): PathAttributes {
    const ebgp = p.config.asn !== this.config.localAs;
    const asPath = ebgp ? [{ type: 2, asns: [this.config.localAs] }] : [];
    return {
      origin: 0,
      asPath,
      nextHop,
      ...(r.med !== undefined ? { med: r.med } : {}),
      ...(ebgp ? {} : { localPref: 100 }),
      ...(r.communities.length > 0 ? { communities: r.communities } : {}),
      // RFC 6793 §4.2.2: a 2-octet session carries the real path in AS4_PATH.
      ...(width === 2 && needsAs4Path(asPath) ? { as4Path: asPath } : {}),
    };
  }
}

