// What the pipeline did with one packet, step by step (ofproto/trace style). Recorded
// only when a trace is requested, so the plain path does no string formatting.
import type { CtTuple } from '../conntrack/types.js';
import type { NormalDecision } from './normal-switch.js';
import { formatFlags, formatIP } from './values.js';

export type DropReason =
  | { readonly kind: 'no-match'; readonly table: number }
  | { readonly kind: 'drop-action'; readonly table: number }
  | { readonly kind: 'no-output' }
  | { readonly kind: 'empty-group'; readonly groupId: number }
  | { readonly kind: 'missing-group'; readonly groupId: number }
  | { readonly kind: 'invalid-ttl' }
  | { readonly kind: 'normal'; readonly reason: string }
  | { readonly kind: 'resubmit-depth'; readonly limit: number }
  | { readonly kind: 'resubmit-limit'; readonly limit: number }
  | { readonly kind: 'recirculation-limit'; readonly limit: number };

export type TraceEvent =
  /** A table lookup; `flow` is the matched flow as dump-flows prints it (no stats). */
  | { readonly kind: 'table'; readonly table: number; readonly depth: number; readonly flow?: string }
  | { readonly kind: 'resubmit'; readonly table: number; readonly inPort?: number; readonly depth: number }
  | { readonly kind: 'goto'; readonly table: number; readonly depth: number }
  | {
      readonly kind: 'ct';
      readonly zone: number;
      readonly commit: boolean;
      readonly action: string;
      readonly stateBefore: number;
      readonly stateAfter: number;
      readonly mark: number;
      readonly recirculateTo?: number;
      readonly tupleBefore: CtTuple;
      /** Present when NAT rewrote the packet. */
      readonly translated?: CtTuple;
      readonly entryId?: number;
      readonly depth: number;
    }
  | { readonly kind: 'recirculate'; readonly table: number; readonly pass: number }
  | { readonly kind: 'group'; readonly groupId: number; readonly type: string; readonly bucketIds: readonly number[]; readonly depth: number }
  | { readonly kind: 'action'; readonly text: string; readonly depth: number }
  | { readonly kind: 'learn'; readonly flow: string; readonly result: 'added' | 'refreshed' | 'failed'; readonly depth: number }
  | { readonly kind: 'output'; readonly target: string; readonly depth: number }
  | { readonly kind: 'normal'; readonly decision: NormalDecision; readonly depth: number }
  | { readonly kind: 'note'; readonly text: string; readonly depth: number }
  | { readonly kind: 'drop'; readonly reason: DropReason };

export function formatTuple(t: CtTuple): string {
  const ports = t.proto === 6 || t.proto === 17;
  const a = ports ? `${formatIP(t.src)}:${t.srcPort}` : formatIP(t.src);
  const b = ports ? `${formatIP(t.dst)}:${t.dstPort}` : formatIP(t.dst);
  return `${a} -> ${b} proto ${t.proto}`;
}

export function formatDropReason(r: DropReason): string {
  switch (r.kind) {
    case 'no-match':
      return `no flow matched in table ${r.table}`;
    case 'drop-action':
      return `flow in table ${r.table} has no actions (drop)`;
    case 'no-output':
      return 'no output action';
    case 'empty-group':
      return `group ${r.groupId} has no usable bucket`;
    case 'missing-group':
      return `group ${r.groupId} does not exist`;
    case 'invalid-ttl':
      return 'dec_ttl: TTL expired';
    case 'normal':
      return `NORMAL: ${r.reason}`;
    case 'resubmit-depth':
      return `over max translation depth ${r.limit}`;
    case 'resubmit-limit':
      return `over ${r.limit} resubmit actions`;
    case 'recirculation-limit':
      return `over ${r.limit} recirculations`;
  }
}

/** Indented text, one line per step, in the spirit of `ovs-appctl ofproto/trace`. */
export function formatTrace(trail: readonly TraceEvent[]): string {
  const lines: string[] = [];
  const pad = (d: number) => '    '.repeat(d);
  for (const e of trail) {
    switch (e.kind) {
      case 'table':
        lines.push(`${pad(e.depth)}${e.table}. ${e.flow ?? 'No match.'}`);
        break;
      case 'resubmit':
        lines.push(`${pad(e.depth)}resubmit(${e.inPort ?? ''},${e.table})`);
        break;
      case 'goto':
        lines.push(`${pad(e.depth)}goto_table:${e.table}`);
        break;
      case 'ct': {
        const nat = e.translated !== undefined ? ` NAT ${formatTuple(e.tupleBefore)} => ${formatTuple(e.translated)}` : '';
        lines.push(
          `${pad(e.depth)}${e.action}: zone ${e.zone} ct_state ${formatFlags('ct_state', e.stateBefore, '|')} -> ` +
            `${formatFlags('ct_state', e.stateAfter, '|')}${nat}` +
            (e.recirculateTo !== undefined ? `, recirculate to table ${e.recirculateTo}` : ''),
        );
        break;
      }
      case 'recirculate':
        lines.push(`\nbridge(recirculation pass ${e.pass}) resume at table ${e.table}`);
        break;
      case 'group':
        lines.push(`${pad(e.depth)}group:${e.groupId} (${e.type}) bucket ${e.bucketIds.join(',') || 'none'}`);
        break;
      case 'action':
        lines.push(`${pad(e.depth)}${e.text}`);
        break;
      case 'learn':
        lines.push(`${pad(e.depth)}learn (${e.result}): ${e.flow}`);
        break;
      case 'output':
        lines.push(`${pad(e.depth)}output:${e.target}`);
        break;
      case 'normal': {
        const d = e.decision;
        lines.push(
          d.kind === 'drop'
            ? `${pad(e.depth)}NORMAL vlan ${d.vlan}: drop (${d.reason})`
            : `${pad(e.depth)}NORMAL vlan ${d.vlan}: ${d.flooded ? 'flood to' : 'forward to'} ${d.outputs.map((o) => o.port).join(',')}`,
        );
        break;
      }
      case 'note':
        lines.push(`${pad(e.depth)}>> ${e.text}`);
        break;
      case 'drop':
        lines.push(`Datapath actions: drop (${formatDropReason(e.reason)})`);
        break;
    }
  }
  return lines.join('\n');
}
