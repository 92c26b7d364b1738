// `ovs-ofctl dump-groups` / `dump-group-stats` output, following OVS lib/ofp-group.c
// (ofputil_group_format, ofputil_bucket_format, ofputil_group_stats_format). Bucket ids
// are printed as OpenFlow 1.0 (Nicira extension) and 1.5 replies do — the article's
// NXST_GROUP_DESC output has them.
import type { BridgeProgram } from './bridge-program.js';
import { formatActions } from './format-actions.js';
import { formatDuration } from './format-flow.js';
import type { GroupSpec } from './group.js';
import { formatPort, type PortMap } from './port-map.js';

export interface FormatGroupOptions {
  readonly ports?: PortMap;
  /** Print `bucket_id:N,` (default true). */
  readonly bucketIds?: boolean;
}

export function formatGroup(g: GroupSpec, opts: FormatGroupOptions = {}): string {
  let s = `group_id=${g.groupId},type=${g.type}`;
  if (g.selectionMethod !== undefined) s += `,selection_method=${g.selectionMethod}`;
  if (g.buckets.length === 0) return s;
  const buckets = g.buckets.map((b) => {
    let t = 'bucket=';
    if (opts.bucketIds !== false) t += `bucket_id:${b.bucketId},`;
    if (b.weight !== (g.type === 'select' ? 1 : 0)) t += `weight:${b.weight},`;
    if (b.watchPort !== undefined) t += `watch_port:${formatPort(b.watchPort, opts.ports)},`;
    if (b.watchGroup !== undefined) t += `watch_group:${b.watchGroup},`;
    return `${t}actions=${formatActions(b.actions, opts.ports)}`;
  });
  return `${s},${buckets.join(',')}`;
}

export interface DumpGroupsOptions extends FormatGroupOptions {
  /** Transaction id printed in the reply header (the article shows 0x2). */
  readonly xid?: number;
}

/** `ovs-ofctl dump-groups`: header line, then one line per group starting with a space. */
export function dumpGroups(program: BridgeProgram, opts: DumpGroupsOptions = {}): string {
  const lines = [`NXST_GROUP_DESC reply (xid=0x${(opts.xid ?? 2).toString(16)}):`];
  for (const g of program.groupList()) lines.push(` ${formatGroup(g, opts)}`);
  return lines.join('\n');
}

/** `ovs-ofctl dump-group-stats`: per-group and per-bucket packet/byte counts. */
export function dumpGroupStats(program: BridgeProgram, now: number, opts: { readonly xid?: number } = {}): string {
  const lines = [`NXST_GROUP reply (xid=0x${(opts.xid ?? 2).toString(16)}):`];
  for (const g of program.groupList()) {
    let s = ` group_id=${g.groupId},duration=${formatDuration(now - g.created)},ref_count=${program.groupRefCount(g.groupId)},`;
    s += `packet_count=${g.packetCount},byte_count=${g.byteCount}`;
    g.buckets.forEach((b, i) => {
      s += `,bucket${i}:packet_count=${b.packetCount},byte_count=${b.byteCount}`;
    });
    lines.push(s);
  }
  return lines.join('\n');
}
