// Parser for `ovs-ofctl add-flow/mod-flows/del-flows` flow syntax and for the lines
// `ovs-ofctl dump-flows` prints (whose duration/n_packets/n_bytes are returned as stats
// so a dump can be reloaded as-is). Follows parse_ofp_str__ in OVS lib/ofp-flow.c.
import { err, ok, type Result } from '../../core/result.js';
import type { CookieMatch, FlowMod } from './bridge-program.js';
import { ETH_TYPE_ARP, ETH_TYPE_IPV4, ETH_TYPE_IPV6, IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP } from '../flow-key.js';
import {
  S_ARP_OP,
  S_CT_MARK,
  S_CT_STATE,
  S_CT_ZONE,
  S_NW_DST,
  S_NW_PROTO,
  S_NW_SRC,
  S_NW_TOS,
  S_NW_TTL,
  S_REG0,
  S_TCP_FLAGS,
  S_TP_DST,
  S_TP_SRC,
  S_VLAN_TCI,
} from './fields.js';
import { OFP_DEFAULT_PRIORITY, type FlowFlags, type FlowSpec, type FlowStats } from './flow.js';
import { MatchBuilder, type Match } from './match.js';
import { parseActions } from './parse-actions.js';
import { parsePort, type PortMap } from './port-map.js';
import { parseKeyValues, splitActions } from './text-tokens.js';
import { parseFlags, parseIPMasked, parseMac, parseUint, parseUintN } from './values.js';

const PROTOCOLS: Readonly<Record<string, readonly [number, number | undefined]>> = {
  ip: [ETH_TYPE_IPV4, undefined],
  icmp: [ETH_TYPE_IPV4, IP_PROTO_ICMP],
  igmp: [ETH_TYPE_IPV4, 2],
  tcp: [ETH_TYPE_IPV4, IP_PROTO_TCP],
  udp: [ETH_TYPE_IPV4, IP_PROTO_UDP],
  sctp: [ETH_TYPE_IPV4, 132],
  arp: [ETH_TYPE_ARP, undefined],
  rarp: [0x8035, undefined],
  ipv6: [ETH_TYPE_IPV6, undefined],
};

function badValue(name: string, value: string): string {
  return `${name}: bad value "${value}"`;
}

/** `V` or `V/M` (decimal or 0x-hex) into one slot. */
function maskedInt(b: MatchBuilder, name: string, value: string, bits: number, slot: number): string | undefined {
  const slash = value.indexOf('/');
  const v = parseUintN(slash === -1 ? value : value.slice(0, slash), bits);
  const full = bits === 32 ? 0xffffffff : 2 ** bits - 1;
  const m = slash === -1 ? full : parseUintN(value.slice(slash + 1), bits);
  if (v === undefined || m === undefined) return badValue(name, value);
  b.slot(slot, v, m);
  return undefined;
}

/** Applies one `name=value` match item; returns an error message or undefined. */
export function applyMatchField(b: MatchBuilder, name: string, value: string, ports?: PortMap): string | undefined {
  const proto = PROTOCOLS[name];
  if (proto !== undefined) {
    b.dlType(proto[0]);
    if (proto[1] !== undefined) b.nwProto(proto[1]);
    return undefined;
  }
  const masked = (bits: number, slot: number) => maskedInt(b, name, value, bits, slot);
  switch (name) {
    case 'in_port': {
      const p = parsePort(value, ports);
      if (p === undefined) return `in_port: unknown port "${value}"`;
      b.inPort(p);
      return undefined;
    }
    case 'dl_src':
    case 'eth_src':
    case 'dl_dst':
    case 'eth_dst': {
      const [a, m] = value.split('/');
      const mac = parseMac(a ?? '');
      const mask = m === undefined ? 0xffffffffffff : parseMac(m);
      if (mac === undefined || mask === undefined) return badValue(name, value);
      if (name.endsWith('src')) b.dlSrc(mac, mask);
      else b.dlDst(mac, mask);
      return undefined;
    }
    case 'dl_vlan': {
      const v = parseUintN(value, 16);
      if (v === undefined || (v > 4095 && v !== 0xffff)) return badValue(name, value);
      b.dlVlan(v === 0xffff ? -1 : v);
      return undefined;
    }
    case 'vlan_tci':
      return masked(16, S_VLAN_TCI);
    case 'dl_type':
    case 'eth_type': {
      const v = parseUintN(value, 16);
      if (v === undefined) return badValue(name, value);
      b.dlType(v);
      return undefined;
    }
    case 'nw_src':
    case 'ip_src':
    case 'arp_spa':
    case 'nw_dst':
    case 'ip_dst':
    case 'arp_tpa': {
      const r = parseIPMasked(value);
      if (r === undefined) return badValue(name, value);
      b.slot(name === 'nw_src' || name === 'ip_src' || name === 'arp_spa' ? S_NW_SRC : S_NW_DST, r.value, r.mask);
      return undefined;
    }
    case 'nw_proto':
    case 'ip_proto':
      return masked(8, S_NW_PROTO);
    case 'arp_op':
      return masked(16, S_ARP_OP);
    case 'nw_tos': {
      const v = parseUintN(value, 8);
      if (v === undefined) return badValue(name, value);
      b.slot(S_NW_TOS, v & 0xfc, 0xfc);
      return undefined;
    }
    case 'nw_ttl':
      return masked(8, S_NW_TTL);
    case 'tp_src':
    case 'tcp_src':
    case 'udp_src':
    case 'sctp_src':
      return masked(16, S_TP_SRC);
    case 'tp_dst':
    case 'tcp_dst':
    case 'udp_dst':
    case 'sctp_dst':
      return masked(16, S_TP_DST);
    case 'icmp_type':
    case 'icmp_code': {
      // OVS keeps ICMP type/code in tp_src/tp_dst, exact-matched (match_set_icmp_type).
      const v = parseUintN(value, 8);
      if (v === undefined) return badValue(name, value);
      b.slot(name === 'icmp_type' ? S_TP_SRC : S_TP_DST, v, 0xffff);
      return undefined;
    }
    case 'tcp_flags': {
      const r = parseFlags('tcp_flags', value, 0x0fff);
      if (r === undefined) return badValue(name, value);
      b.slot(S_TCP_FLAGS, r.value, r.mask);
      return undefined;
    }
    case 'ct_state': {
      const r = parseFlags('ct_state', value, 0xff);
      if (r === undefined) return badValue(name, value);
      b.slot(S_CT_STATE, r.value, r.mask);
      return undefined;
    }
    case 'ct_zone':
      return masked(16, S_CT_ZONE);
    case 'ct_mark':
      return masked(32, S_CT_MARK);
    case 'metadata': {
      const slash = value.indexOf('/');
      const v = parseUint(slash === -1 ? value : value.slice(0, slash));
      const m = slash === -1 ? 0xffffffffffffffffn : parseUint(value.slice(slash + 1));
      if (v === undefined || m === undefined || v >> 64n !== 0n || m >> 64n !== 0n) return badValue(name, value);
      b.metadata(v, m);
      return undefined;
    }
  }
  const reg = /^reg(\d+)$/.exec(name);
  if (reg !== null && Number(reg[1]) < 16) return masked(32, S_REG0 + Number(reg[1]));
  return `unknown keyword ${name}`;
}

export interface ParsedFlow {
  readonly flow: FlowSpec;
  /** duration/n_packets/n_bytes when the text came from dump-flows. */
  readonly stats?: FlowStats;
  /** table= given explicitly (mod/del without it search all tables). */
  readonly tableGiven: boolean;
  readonly cookieGiven: boolean;
  readonly cookieMask?: bigint;
  readonly outPort?: number;
  readonly outGroup?: number;
}

export interface ParseFlowOptions {
  readonly ports?: PortMap;
  /** Whether "actions=" is required (add/modify) or absent (delete). Default true. */
  readonly actions?: boolean;
}

function parseDuration(s: string): number | undefined {
  const m = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(s);
  if (!m) return undefined;
  const nsec = m[2] === undefined ? 0 : Number(m[2].padEnd(9, '0'));
  return Number(m[1]) * 1000 + nsec / 1e6;
}

export function parseFlow(text: string, opts: ParseFlowOptions = {}): Result<ParsedFlow> {
  const wantActions = opts.actions ?? true;
  const { head, actions } = wantActions ? splitActions(text) : { head: text, actions: undefined };
  if (wantActions && actions === undefined) return err('must specify an action');
  const b = new MatchBuilder();
  let table = 0;
  let tableGiven = false;
  let priority = OFP_DEFAULT_PRIORITY;
  let cookie = 0n;
  let cookieGiven = false;
  let cookieMask: bigint | undefined;
  let idleTimeout = 0;
  let hardTimeout = 0;
  let importance = 0;
  const flags: { -readonly [K in keyof FlowFlags]: FlowFlags[K] } = {};
  let durationMs: number | undefined;
  let nPackets: number | undefined;
  let nBytes: number | undefined;
  let idleAge: number | undefined;
  let outPort: number | undefined;
  let outGroup: number | undefined;
  for (const { key, value } of parseKeyValues(head)) {
    switch (key) {
      case 'table': {
        const t = parseUintN(value, 8);
        if (t === undefined) return err(`unknown table "${value}"`);
        table = t;
        tableGiven = t !== 255;
        continue;
      }
      case 'priority': {
        const p = parseUintN(value, 16);
        if (p === undefined) return err(`priority: bad value "${value}"`);
        priority = p;
        continue;
      }
      case 'cookie': {
        const slash = value.indexOf('/');
        const c = parseUint(slash === -1 ? value : value.slice(0, slash));
        if (c === undefined) return err(`cookie: bad value "${value}"`);
        cookie = c;
        cookieGiven = true;
        if (slash !== -1) {
          const m = value.slice(slash + 1) === '-1' ? 0xffffffffffffffffn : parseUint(value.slice(slash + 1));
          if (m === undefined) return err(`cookie: bad mask "${value}"`);
          cookieMask = m;
        }
        continue;
      }
      case 'idle_timeout':
      case 'hard_timeout':
      case 'importance': {
        const t = parseUintN(value, 16);
        if (t === undefined) return err(`${key}: bad value "${value}"`);
        if (key === 'idle_timeout') idleTimeout = t;
        else if (key === 'hard_timeout') hardTimeout = t;
        else importance = t;
        continue;
      }
      case 'send_flow_rem':
        flags.sendFlowRem = true;
        continue;
      case 'check_overlap':
        flags.checkOverlap = true;
        continue;
      case 'reset_counts':
        flags.resetCounts = true;
        continue;
      case 'duration':
        durationMs = parseDuration(value);
        if (durationMs === undefined) return err(`duration: bad value "${value}"`);
        continue;
      case 'n_packets':
      case 'n_bytes': {
        const n = parseUint(value);
        if (n === undefined) return err(`${key}: bad value "${value}"`);
        if (key === 'n_packets') nPackets = Number(n);
        else nBytes = Number(n);
        continue;
      }
      case 'idle_age':
        idleAge = Number(parseUint(value) ?? 0n) * 1000;
        continue;
      case 'hard_age':
        continue;
      case 'out_port': {
        const p = parsePort(value, opts.ports);
        if (p === undefined) return err(`out_port: unknown port "${value}"`);
        outPort = p;
        continue;
      }
      case 'out_group': {
        const g = parseUintN(value, 32);
        if (g === undefined) return err(`out_group: bad value "${value}"`);
        outGroup = g;
        continue;
      }
    }
    const e = applyMatchField(b, key, value, opts.ports);
    if (e !== undefined) return err(e);
  }
  let acts: FlowSpec['actions'] = [];
  if (actions !== undefined) {
    const a = parseActions(actions, opts.ports);
    if (!a.ok) return a;
    acts = a.value;
  }
  const flow: FlowSpec = { table, priority, cookie, idleTimeout, hardTimeout, importance, flags, match: b.build(), actions: acts };
  const stats: FlowStats | undefined =
    durationMs !== undefined || nPackets !== undefined || nBytes !== undefined
      ? { durationMs: durationMs ?? 0, nPackets: nPackets ?? 0, nBytes: nBytes ?? 0, ...(idleAge !== undefined ? { idleAgeMs: idleAge } : {}) }
      : undefined;
  return ok({
    flow,
    tableGiven,
    cookieGiven,
    ...(stats !== undefined ? { stats } : {}),
    ...(cookieMask !== undefined ? { cookieMask } : {}),
    ...(outPort !== undefined ? { outPort } : {}),
    ...(outGroup !== undefined ? { outGroup } : {}),
  });
}

export type FlowModCommand = 'add' | 'modify' | 'modify-strict' | 'delete' | 'delete-strict';

/** Parses the argument of ovs-ofctl add-flow / mod-flows [--strict] / del-flows [--strict]. */
export function parseFlowMod(command: FlowModCommand, text: string, opts: { readonly ports?: PortMap } = {}): Result<FlowMod> {
  const isDelete = command === 'delete' || command === 'delete-strict';
  const r = parseFlow(text, { ...opts, actions: !isDelete });
  if (!r.ok) return r;
  const p = r.value;
  if (command === 'add') {
    if (p.cookieMask !== undefined) return err('flow additions cannot use a cookie mask');
    return ok({ command: 'add', flow: p.flow });
  }
  const cookie: CookieMatch | undefined = p.cookieMask !== undefined ? { value: p.flow.cookie, mask: p.cookieMask } : undefined;
  const table = p.tableGiven ? { table: p.flow.table } : {};
  if (isDelete) {
    if (p.cookieGiven && p.cookieMask === undefined) return err('cannot set cookie (to match on a cookie, specify a mask, e.g. cookie=0x7/-1)');
    return ok({
      command: 'delete',
      strict: command === 'delete-strict',
      match: p.flow.match,
      priority: p.flow.priority,
      ...table,
      ...(cookie !== undefined ? { cookie } : {}),
      ...(p.outPort !== undefined ? { outPort: p.outPort } : {}),
      ...(p.outGroup !== undefined ? { outGroup: p.outGroup } : {}),
    });
  }
  return ok({
    command: 'modify',
    strict: command === 'modify-strict',
    flow: p.flow,
    ...table,
    ...(p.cookieGiven && p.cookieMask === undefined ? { newCookie: p.flow.cookie } : {}),
    ...(cookie !== undefined ? { cookie } : {}),
  });
}

/** Parses a match alone (`tcp,nw_dst=10.0.0.1,tp_dst=80`). */
export function parseMatch(text: string, ports?: PortMap): Result<Match> {
  const b = new MatchBuilder();
  for (const { key, value } of parseKeyValues(text)) {
    const e = applyMatchField(b, key, value, ports);
    if (e !== undefined) return err(e);
  }
  return ok(b.build());
}
