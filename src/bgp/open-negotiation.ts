// What a session agrees on from the two OPENs (RFC 4271 §4.2, RFC 5492, RFC 6793), and the
// configuration-dependent OPEN checks of RFC 4271 §6.2 (peer AS, identifier). Pure.
import { ok } from '../core/result.js';
import type { IPv4 } from '../core/ip.js';
import { AFI_IPV4, SAFI_UNICAST } from './wire/constants.js';
import { ErrorCode, OpenSubcode, wireError, type WireResult } from './wire/notification.js';
import { hasCapability, makeOpen, openAs, type OpenMessage } from './wire/open.js';
import type { AsWidth } from './wire/as-path.js';
import type { Capability } from './wire/capabilities.js';

export interface LocalOpenConfig {
  readonly localAs: number;
  readonly routerId: IPv4;
  readonly peerAs: number;
  /** Seconds; 0 (no keepalives) or >= 3. */
  readonly holdTime: number;
}

export interface Negotiated {
  /** Seconds; 0 means neither hold timer nor keepalives. */
  readonly holdTime: number;
  /** hold / 3 (RFC 4271 §10's suggested ratio), in ms; 0 when holdTime is 0. */
  readonly keepaliveMs: number;
  /** 4 only if both sides announced the 4-octet AS capability. */
  readonly asWidth: AsWidth;
  readonly routeRefresh: boolean;
  readonly peerId: IPv4;
  readonly peerAs: number;
  readonly peerOpen: OpenMessage;
}

/** Our capabilities: IPv4 unicast, 4-octet AS, route refresh. */
export function localCapabilities(localAs: number): Capability[] {
  return [{ kind: 'multiprotocol', afi: AFI_IPV4, safi: SAFI_UNICAST }, { kind: 'four-octet-as', asn: localAs }, { kind: 'route-refresh' }];
}

export function localOpen(c: LocalOpenConfig): OpenMessage {
  return makeOpen(c.localAs, c.holdTime, c.routerId, localCapabilities(c.localAs));
}

export function negotiate(c: LocalOpenConfig, peer: OpenMessage): WireResult<Negotiated> {
  const peerAs = openAs(peer);
  if (peerAs !== c.peerAs) return wireError(ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_PEER_AS, new Uint8Array(0), `peer AS ${peerAs}, configured ${c.peerAs}`);
  // RFC 6286 §2.1: the identifier must differ from ours within an AS; across ASes it may repeat.
  if (c.peerAs === c.localAs && peer.bgpId === c.routerId) {
    return wireError(ErrorCode.OPEN_MESSAGE, OpenSubcode.BAD_BGP_IDENTIFIER, new Uint8Array(0), 'iBGP peer uses our BGP identifier');
  }
  const mp = peer.capabilities.filter((x) => x.kind === 'multiprotocol');
  // No multiprotocol capability at all means plain RFC 4271 IPv4 unicast.
  if (mp.length > 0 && !mp.some((x) => x.kind === 'multiprotocol' && x.afi === AFI_IPV4 && x.safi === SAFI_UNICAST)) {
    return wireError(ErrorCode.OPEN_MESSAGE, OpenSubcode.UNSUPPORTED_CAPABILITY, Uint8Array.of(1, 4, 0, AFI_IPV4, 0, SAFI_UNICAST), 'peer does not support IPv4 unicast');
  }
  const holdTime = Math.min(c.holdTime, peer.holdTime);
  return ok({
    holdTime,
    keepaliveMs: Math.floor((holdTime * 1000) / 3),
    asWidth: hasCapability(peer, 'four-octet-as') ? 4 : 2,
    routeRefresh: hasCapability(peer, 'route-refresh') || peer.capabilities.some((x) => x.kind === 'unknown' && x.code === 128),
    peerId: peer.bgpId,
    peerAs,
    peerOpen: peer,
  });
}
