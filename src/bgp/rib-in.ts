// Adj-RIB-In: the routes one peer currently announces to us, as plain records for status
// pages and tests. Routes whose AS_PATH already holds our AS are loops and are dropped
// (RFC 4271 §9.1.2); a new announcement of a prefix replaces the old one (implicit withdraw).
import { formatCidr } from '../core/cidr.js';
import { formatIPv4 } from '../core/ip.js';
import { effectiveAsPath, hasLoop, type UpdateCheckContext } from './update-checks.js';
import { formatCommunity } from './wire/attributes.js';
import { formatAsPath } from './wire/as-path.js';
import type { UpdateMessage } from './wire/update.js';

export interface ReceivedRoute {
  readonly peer: string;
  readonly prefix: string;
  readonly nextHop: string;
  /** e.g. "65001 65002 {65003,65004}" */
  readonly asPath: string;
  readonly origin: 'igp' | 'egp' | 'incomplete';
  readonly med: number | undefined;
  readonly localPref: number | undefined;
  readonly communities: readonly string[];
}

const origins = ['igp', 'egp', 'incomplete'] as const;

export function buildRoutesIn(rib: Map<string, ReceivedRoute>, u: UpdateMessage, peer: string, ctx: UpdateCheckContext): void {
  for (const w of u.withdrawn) rib.delete(formatCidr(w));
  if (u.nlri.length === 0) return;
  const loop = hasLoop(u, ctx);
  const a = u.attributes;
  const base = {
    peer,
    nextHop: a.nextHop === undefined ? '' : formatIPv4(a.nextHop),
    asPath: formatAsPath(effectiveAsPath(u, ctx.asWidth)),
    origin: origins[a.origin ?? 2] ?? 'incomplete',
    med: a.med,
    localPref: a.localPref,
    communities: (a.communities ?? []).map(formatCommunity),
  };
  for (const p of u.nlri) {
    const key = formatCidr(p);
    if (loop) rib.delete(key);
    else rib.set(key, { ...base, prefix: key });
  }
}
