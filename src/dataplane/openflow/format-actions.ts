// Action printers following OVS lib/ofp-actions.c (format_OUTPUT, format_CT, format_NAT,
// format_SET_FIELD, ...) and lib/learn.c (learn_format). An empty list prints "drop".
import type { Action, CtAction, LearnAction, NatAction } from './actions.js';
import { formatSubField } from './fields.js';
import { OFPP_CONTROLLER, OFPP_MAX, formatPort, type PortMap } from './port-map.js';
import { formatFieldValue, formatFieldValueMasked, formatIP, formatMac, hexAlt } from './values.js';

export function formatActions(actions: readonly Action[], ports?: PortMap): string {
  if (actions.length === 0) return 'drop';
  return actions.map((a) => formatAction(a, ports)).join(',');
}

export function formatAction(a: Action, ports?: PortMap): string {
  switch (a.type) {
    case 'output': {
      const p = formatPort(a.port, ports);
      if (a.port < OFPP_MAX) return `output:${p}`;
      return a.port === OFPP_CONTROLLER ? `${p}:${a.maxLen ?? 65535}` : p;
    }
    case 'group':
      return `group:${a.groupId}`;
    case 'resubmit':
      if (a.port !== undefined && a.table === undefined) return `resubmit:${formatPort(a.port, ports)}`;
      return `resubmit(${a.port !== undefined ? formatPort(a.port, ports) : ''},${a.table ?? ''})`;
    case 'goto_table':
      return `goto_table:${a.table}`;
    case 'ct':
      return formatCt(a, ports);
    case 'set_field':
      return `set_field:${formatFieldValueMasked(a.field.format, a.field.bits, a.value, a.mask, ports)}->${a.field.name}`;
    case 'load':
      return `load:${hexAlt(a.value)}->${formatSubField(a.dst)}`;
    case 'move':
      return `move:${formatSubField(a.src)}->${formatSubField(a.dst)}`;
    case 'mod_dl_src':
    case 'mod_dl_dst':
      return `${a.type}:${formatMac(a.mac)}`;
    case 'mod_nw_src':
    case 'mod_nw_dst':
      return `${a.type}:${formatIP(a.addr)}`;
    case 'mod_tp_src':
    case 'mod_tp_dst':
      return `${a.type}:${a.port}`;
    case 'mod_nw_tos':
      return `mod_nw_tos:${a.tos}`;
    case 'mod_nw_ttl':
      return `mod_nw_ttl:${a.ttl}`;
    case 'dec_ttl':
      return 'dec_ttl';
    case 'strip_vlan':
      return a.pop ? 'pop_vlan' : 'strip_vlan';
    case 'push_vlan':
      return `push_vlan:${hexAlt(a.ethertype)}`;
    case 'mod_vlan_vid':
      return `${a.push ? 'mod_vlan_vid' : 'set_vlan_vid'}:${a.vid}`;
    case 'learn':
      return formatLearn(a, ports);
  }
}

export function formatNat(n: NatAction): string {
  if (n.kind === undefined) return 'nat';
  let s = `nat(${n.kind}`;
  const r = n.range;
  if (r !== undefined) {
    s += `=${formatIP(r.addrMin)}`;
    if (r.addrMax !== 0 && r.addrMax !== r.addrMin) s += `-${formatIP(r.addrMax)}`;
    if (r.portMin !== 0) {
      s += `:${r.portMin}`;
      if (r.portMax !== 0 && r.portMax !== r.portMin) s += `-${r.portMax}`;
    }
    if (n.persistent) s += ',persistent';
    if (n.hash) s += ',hash';
    if (n.random) s += ',random';
  }
  return `${s})`;
}

export function formatCt(a: CtAction, ports?: PortMap): string {
  const parts: string[] = [];
  if (a.commit) parts.push('commit');
  if (a.force) parts.push('force');
  if (a.table !== undefined) parts.push(`table=${a.table}`);
  if (typeof a.zone !== 'number') parts.push(`zone=${formatSubField(a.zone)}`);
  else if (a.zone !== 0) parts.push(`zone=${a.zone}`);
  if (a.nat !== undefined) parts.push(formatNat(a.nat));
  if (a.exec.length > 0) parts.push(`exec(${formatActions(a.exec, ports)})`);
  return `ct(${parts.join(',')})`;
}

export function formatLearn(l: LearnAction, ports?: PortMap): string {
  let s = `learn(table=${l.table}`;
  if (l.idleTimeout !== 0) s += `,idle_timeout=${l.idleTimeout}`;
  if (l.hardTimeout !== 0) s += `,hard_timeout=${l.hardTimeout}`;
  if (l.finIdleTimeout !== 0) s += `,fin_idle_timeout=${l.finIdleTimeout}`;
  if (l.finHardTimeout !== 0) s += `,fin_hard_timeout=${l.finHardTimeout}`;
  if (l.priority !== 32768) s += `,priority=${l.priority}`;
  if (l.sendFlowRem) s += ',send_flow_rem';
  if (l.deleteLearned) s += ',delete_learned';
  if (l.cookie !== 0n) s += `,cookie=${hexAlt(l.cookie)}`;
  if (l.limit !== 0) s += `,limit=${l.limit}`;
  for (const spec of l.specs) {
    s += ',';
    switch (spec.kind) {
      case 'match-imm': {
        const d = spec.dst;
        s +=
          d.ofs === 0 && d.nBits === d.field.bits
            ? `${d.field.name}=${formatFieldValue(d.field.format, spec.value, ports)}`
            : `${formatSubField(d)}=${hexAlt(spec.value)}`;
        break;
      }
      case 'match': {
        s += formatSubField(spec.dst);
        if (spec.src.field !== spec.dst.field || spec.src.ofs !== spec.dst.ofs) s += `=${formatSubField(spec.src)}`;
        break;
      }
      case 'load-imm':
        s += `load:${hexAlt(spec.value)}->${formatSubField(spec.dst)}`;
        break;
      case 'load':
        s += `load:${formatSubField(spec.src)}->${formatSubField(spec.dst)}`;
        break;
      case 'output':
        s += `output:${formatSubField(spec.src)}`;
        break;
    }
  }
  return `${s})`;
}
