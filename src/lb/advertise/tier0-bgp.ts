// The emulated Tier-0's BGP: a Speaker over real TCP (we connect to every peer) fed by a
// VipAdvertiser. Peer specs come from the command line ("host:port" + ASN), so they are
// checked here with messages that name the offending value.
import { parseIPv4 } from '../../core/ip.js';
import type { Logger } from '../../core/log.js';
import { err, ok, type Result } from '../../core/result.js';
import { Speaker, type PeerConfig, type RetryPolicy, type SessionState } from '../../bgp/index.js';
import type { ListWatcher } from '../../client/index.js';
import { VipAdvertiser, type PushOutcome } from './vip-advertiser.js';
import { parseVipPolicy } from './vip-advertisements.js';

export interface BgpPeerSpec {
  readonly address: string;
  readonly port: number;
  readonly asn: number;
}

const MAX_ASN = 0xffffffff;

/** "a.b.c.d:port" (or "a.b.c.d", port 179) plus an ASN (number or decimal text) -> a peer. */
export function parseBgpPeer(spec: string, asn: number | string): Result<BgpPeerSpec, string> {
  const m = /^([^:\s]+)(?::(\d+))?$/.exec(spec.trim());
  if (m === null) return err(`BGP peer "${spec}": expected host:port, e.g. 127.0.0.1:1790`);
  const address = m[1] ?? '';
  if (!parseIPv4(address).ok) return err(`BGP peer "${spec}": "${address}" is not an IPv4 address`);
  const port = m[2] === undefined ? 179 : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return err(`BGP peer "${spec}": port ${m[2] ?? ''} is not in 1..65535`);
  const a = checkAsn(asn);
  if (!a.ok) return err(`BGP peer "${spec}": ${a.error}`);
  return ok({ address, port, asn: a.value });
}

export function checkAsn(asn: number | string): Result<number, string> {
  const n = typeof asn === 'number' ? asn : /^\d+$/.test(asn.trim()) ? Number(asn.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_ASN) return err(`ASN ${String(asn)} is not an integer in 1..4294967295`);
  return ok(n);
}

export interface Tier0BgpOptions {
  readonly localAsn: number;
  readonly routerId: string;
  readonly peers: readonly BgpPeerSpec[];
  readonly client: ListWatcher;
  readonly vipCidrs: readonly string[];
  /** NEXT_HOP for VIP routes (the Tier-0 uplink, 192.168.50.1 in the lab). */
  readonly nextHop: string;
  readonly staticPrefixes?: readonly string[];
  readonly holdTime?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly log?: Logger;
}

export interface Tier0PeerStatus {
  readonly peer: string;
  readonly asn: number;
  readonly state: SessionState;
  readonly uptimeMs: number | undefined;
  readonly prefixesSent: number;
  readonly lastDown: string | undefined;
}

export interface Tier0BgpStatus {
  readonly localAsn: number;
  readonly routerId: string;
  readonly peers: readonly Tier0PeerStatus[];
  /** What the advertiser wants announced (every Established peer has exactly this). */
  readonly prefixes: readonly string[];
  readonly lastPush: PushOutcome;
}

export interface Tier0Bgp {
  readonly speaker: Speaker;
  readonly advertiser: VipAdvertiser;
  status(): Tier0BgpStatus;
  stop(): Promise<void>;
}

/** Validates everything first (all errors at once), then starts the sessions and the Services watch. */
export async function startTier0Bgp(o: Tier0BgpOptions): Promise<Result<Tier0Bgp, string[]>> {
  const errors: string[] = [];
  const asn = checkAsn(o.localAsn);
  if (!asn.ok) errors.push(`local ${asn.error}`);
  if (o.peers.length === 0) errors.push('no BGP peers configured');
  for (const p of o.peers) {
    const r = parseBgpPeer(`${p.address}:${p.port}`, p.asn);
    if (!r.ok) errors.push(r.error);
  }
  const rid = parseIPv4(o.routerId);
  if (!rid.ok || rid.value === 0) errors.push(`router ID "${o.routerId}" is not a non-zero IPv4 address`);
  const policy = parseVipPolicy(o);
  if (!policy.ok) errors.push(...policy.error);
  if (errors.length > 0) return err(errors);
  const peers: PeerConfig[] = o.peers.map((p) => ({ address: p.address, port: p.port, asn: p.asn }));
  const speaker = Speaker.create(
    { localAs: o.localAsn, routerId: o.routerId, peers, ...(o.holdTime !== undefined ? { holdTime: o.holdTime } : {}), ...(o.retry !== undefined ? { retry: o.retry } : {}) },
    o.log !== undefined ? { logger: o.log.child('bgp') } : {},
  );
  if (!speaker.ok) return err(speaker.error);
  const adv = VipAdvertiser.create({
    client: o.client,
    sink: speaker.value,
    vipCidrs: o.vipCidrs,
    nextHop: o.nextHop,
    ...(o.staticPrefixes !== undefined ? { staticPrefixes: o.staticPrefixes } : {}),
    ...(o.log !== undefined ? { log: o.log.child('vip-advertiser') } : {}),
  });
  if (!adv.ok) return err(adv.error);
  const s = speaker.value;
  const a = adv.value;
  await s.start();
  a.start();
  return ok({
    speaker: s,
    advertiser: a,
    status: () => {
      const st = s.status();
      return {
        localAsn: st.localAs,
        routerId: st.routerId,
        peers: st.peers.map((p) => ({ peer: p.peer, asn: p.asn, state: p.state, uptimeMs: p.uptimeMs, prefixesSent: p.prefixesSent, lastDown: p.lastDown })),
        prefixes: a.advertisements().map((x) => x.prefix),
        lastPush: a.lastPush,
      };
    },
    stop: async () => {
      a.stop();
      await s.stop();
    },
  });
}
