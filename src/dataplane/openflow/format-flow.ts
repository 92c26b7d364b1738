// `ovs-ofctl dump-flows` lines, following ofputil_flow_stats_format() in OVS
// lib/ofp-flow.c: cookie, duration, table, n_packets, n_bytes, timeouts, flags, then the
// match (priority first, omitted when it is the default 32768), a space, and actions.
import type { BridgeProgram } from './bridge-program.js';
import { formatActions } from './format-actions.js';
import { formatMatch } from './format-match.js';
import type { FlowSpec, FlowStats } from './flow.js';
import type { PortMap } from './port-map.js';

export interface FormatFlowOptions {
  readonly ports?: PortMap;
  /** Print duration and counters (dump-flows); omit for add-flow syntax. */
  readonly stats?: FlowStats;
  /** Also print idle_age= (OVS prints it for NXM flow stats; the article's output has none). */
  readonly idleAge?: boolean;
}

/** ofp_print_duration: seconds, then ".mmm" if the fraction is whole milliseconds. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, ms);
  let sec = Math.floor(total / 1000);
  let nsec = Math.round((total - sec * 1000) * 1e6);
  if (nsec >= 1e9) {
    sec += 1;
    nsec -= 1e9;
  }
  let s = String(sec);
  if (nsec > 0) {
    const msec = Math.floor(nsec / 1e6);
    s += msec * 1e6 === nsec ? `.${String(msec).padStart(3, '0')}` : `.${String(nsec).padStart(9, '0').replace(/0+$/, '')}`;
  }
  return `${s}s`;
}

export function formatFlow(f: FlowSpec, opts: FormatFlowOptions = {}): string {
  const st = opts.stats;
  let s = '';
  if (st !== undefined || f.cookie !== 0n) s += `cookie=0x${f.cookie.toString(16)}, `;
  if (st !== undefined) s += `duration=${formatDuration(st.durationMs)}, `;
  if (st !== undefined || f.table !== 0) s += `table=${f.table}, `;
  if (st !== undefined) s += `n_packets=${st.nPackets}, n_bytes=${st.nBytes}, `;
  if (f.idleTimeout !== 0) s += `idle_timeout=${f.idleTimeout}, `;
  if (f.hardTimeout !== 0) s += `hard_timeout=${f.hardTimeout}, `;
  if (f.flags.sendFlowRem) s += 'send_flow_rem ';
  if (f.flags.checkOverlap) s += 'check_overlap ';
  if (f.flags.resetCounts) s += 'reset_counts ';
  if (f.importance !== 0) s += `importance=${f.importance}, `;
  if (st !== undefined && opts.idleAge === true && st.idleAgeMs !== undefined) {
    const idle = Math.floor(st.idleAgeMs / 1000);
    const hard = Math.floor(st.durationMs / 1000);
    s += `idle_age=${idle}, `;
    if (hard !== idle) s += `hard_age=${hard}, `;
  }
  const m = formatMatch(f.match, f.priority, opts.ports);
  if (m !== '') s += `${m} `;
  return `${s}actions=${formatActions(f.actions, opts.ports)}`;
}

export interface DumpFlowsOptions {
  readonly ports?: PortMap;
  readonly idleAge?: boolean;
  /** Only this table. */
  readonly table?: number;
  /** ovs-ofctl --sort / --rsort (by priority); default: table, then insertion order. */
  readonly sort?: 'asc' | 'desc';
}

/** `ovs-ofctl dump-flows` output: one line per flow, each starting with a space. */
export function dumpFlows(program: BridgeProgram, now: number, opts: DumpFlowsOptions = {}): string {
  let flows = program.flows().filter((f) => f.expiredReason(now) === undefined);
  if (opts.table !== undefined) flows = flows.filter((f) => f.table === opts.table);
  if (opts.sort !== undefined) {
    const dir = opts.sort === 'asc' ? 1 : -1;
    flows = [...flows].sort((a, b) => dir * (a.priority - b.priority));
  }
  return flows
    .map(
      (f) =>
        ` ${formatFlow(f, {
          stats: f.stats(now),
          ...(opts.ports !== undefined ? { ports: opts.ports } : {}),
          ...(opts.idleAge !== undefined ? { idleAge: opts.idleAge } : {}),
        })}`,
    )
    .join('\n');
}
