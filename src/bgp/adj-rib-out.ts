// What to send a peer, computed against what it was last sent (CONVENTIONS items 5 and 6),
// and how to pack it: routes with identical path attributes share UPDATEs, each filled with
// NLRI up to the 4096-octet limit. Worked example: eBGP attributes without MED or
// communities take 20 octets in 4-octet width (ORIGIN 4, AS_PATH 3+2+4, NEXT_HOP 7), so one
// UPDATE carries floor((4096 - 23 - 20) / 5) = 810 /32s, and 10,000 VIPs fit in 13 UPDATEs.
import type { Cidr4 } from '../core/cidr.js';
import { attributesLength, type PathAttributes } from './wire/attributes.js';
import type { AsWidth } from './wire/as-path.js';
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH } from './wire/constants.js';
import { encodedPrefixLength } from './wire/nlri.js';
import type { UpdateMessage } from './wire/update.js';

/** One peer's Adj-RIB-Out: prefix key -> what we last announced. */
export type AdjRibOut = Map<string, { readonly prefix: Cidr4; readonly attrKey: string }>;

export interface RibDelta<R> {
  /** Adj-RIB-Out keys and prefixes to withdraw. */
  readonly withdraw: readonly (readonly [string, Cidr4])[];
  readonly announce: readonly R[];
}

/** Withdraw what is no longer wanted; (re-)announce what is new or whose attributes changed. */
export function diffRibOut<R extends { readonly prefix: Cidr4 }>(last: AdjRibOut, desired: ReadonlyMap<string, R>, attrKey: (r: R) => string): RibDelta<R> {
  const withdraw: [string, Cidr4][] = [];
  for (const [k, e] of last) if (!desired.has(k)) withdraw.push([k, e.prefix]);
  const announce: R[] = [];
  for (const [k, r] of desired) if (last.get(k)?.attrKey !== attrKey(r)) announce.push(r);
  return { withdraw, announce };
}

export interface AnnounceGroup {
  readonly attributes: PathAttributes;
  readonly nlri: readonly Cidr4[];
}

const EMPTY_UPDATE = HEADER_LENGTH + 4;

function byAddress(a: Cidr4, b: Cidr4): number {
  return a.base - b.base || a.prefix - b.prefix;
}

/** Packs withdrawals, then each attribute group, into UPDATEs of at most 4096 octets, prefixes in address order. */
export function packUpdates(withdraw: readonly Cidr4[], groups: readonly AnnounceGroup[], width: AsWidth): UpdateMessage[] {
  const out: UpdateMessage[] = [];
  const fill = (prefixes: readonly Cidr4[], room: number, make: (batch: Cidr4[]) => UpdateMessage) => {
    let batch: Cidr4[] = [];
    let used = 0;
    for (const p of [...prefixes].sort(byAddress)) {
      const n = encodedPrefixLength(p);
      if (used + n > room && batch.length > 0) {
        out.push(make(batch));
        batch = [];
        used = 0;
      }
      batch.push(p);
      used += n;
    }
    if (batch.length > 0) out.push(make(batch));
  };
  fill(withdraw, MAX_MESSAGE_LENGTH - EMPTY_UPDATE, (batch) => ({ type: 'update', withdrawn: batch, attributes: {}, nlri: [] }));
  for (const g of groups) {
    const room = MAX_MESSAGE_LENGTH - EMPTY_UPDATE - attributesLength(g.attributes, width);
    if (room < 5) throw new Error(`path attributes too long to announce anything (${MAX_MESSAGE_LENGTH - EMPTY_UPDATE - room} octets)`);
    fill(g.nlri, room, (batch) => ({ type: 'update', withdrawn: [], attributes: g.attributes, nlri: batch }));
  }
  return out;
}
