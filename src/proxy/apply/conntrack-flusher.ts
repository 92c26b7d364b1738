// The stale-UDP flush contract (model/stale-udp.ts) carried out on the emulator's
// connection tracker: a StaleConntrackFlush becomes a Conntrack.flush filter (orig dst +
// port, reply source = DNAT target + port, protocol UDP).
import { parseIPv4 } from '../../core/ip.js';
import { IP_PROTO_UDP } from '../../dataplane/flow-key.js';
import type { CtFlushFilter } from '../../dataplane/conntrack/index.js';
import type { StaleConntrackFlush } from '../model/stale-udp.js';

export function ctFlushFilter(f: StaleConntrackFlush, zone?: number): CtFlushFilter | undefined {
  const nat = parseIPv4(f.natDst);
  if (!nat.ok) return undefined;
  let origDst: number | undefined;
  if (f.origDst !== undefined) {
    const o = parseIPv4(f.origDst);
    if (!o.ok) return undefined;
    origDst = o.value;
  }
  return {
    proto: IP_PROTO_UDP,
    dst: nat.value,
    ...(zone !== undefined ? { zone } : {}),
    ...(origDst !== undefined ? { origDst } : {}),
    ...(f.origDstPort !== undefined ? { origDstPort: f.origDstPort } : {}),
    ...(f.natDstPort !== undefined ? { dstPort: f.natDstPort } : {}),
  };
}

/** A flushConntrack callback for a tracker with Conntrack's flush(filter). */
export function conntrackFlusher(ct: { flush(filter: CtFlushFilter): number }, zone?: number): (f: StaleConntrackFlush) => void {
  return (f) => {
    const filter = ctFlushFilter(f, zone);
    if (filter !== undefined) ct.flush(filter);
  };
}
