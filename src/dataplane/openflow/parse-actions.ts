// Parser for ovs-ofctl action syntax (ovs-actions(7)), the subset modelled in actions.ts.
// Mirrors ofpacts_parse__ in OVS: action names are case-insensitive, a bare port name or
// number means output, "drop" must stand alone.
import { err, ok, type Result } from '../../core/result.js';
import type { Action, CtAction, LearnAction, LearnSpec, NatAction } from './actions.js';
import { fieldByName, parseSubField, type SubField } from './fields.js';
import { OFPP_CONTROLLER, parsePort, type PortMap } from './port-map.js';
import { parseKeyValues } from './text-tokens.js';
import { parseFieldValue, parseIP, parseMac, parseUint, parseUintN } from './values.js';

/** Shared empty exec() list: most ct() actions have none, and the packet path reads it. */
const NO_ACTIONS: readonly Action[] = Object.freeze([]);

export function parseActions(text: string, ports?: PortMap): Result<Action[]> {
  const out: Action[] = [];
  let drop = false;
  for (const { key, value, delim } of parseKeyValues(text)) {
    const name = key.toLowerCase();
    if (name === 'drop') {
      drop = true;
      continue;
    }
    const r = parseOne(name, key, value, delim, ports);
    if (!r.ok) return r;
    out.push(r.value);
  }
  if (drop && out.length > 0) return err('"drop" must not be accompanied by any other action or instruction');
  const gi = out.findIndex((a) => a.type === 'goto_table');
  if (gi !== -1 && gi !== out.length - 1) return err('goto_table must be the last instruction');
  return ok(out);
}

function num(s: string, bits: number, what: string): Result<number> {
  const v = parseUintN(s, bits);
  return v === undefined ? err(`${what}: "${s}" is not a valid ${bits}-bit number`) : ok(v);
}

function sub(s: string): Result<SubField> {
  const r = parseSubField(s);
  return typeof r === 'string' ? err(r) : ok(r);
}

function parseOne(name: string, key: string, value: string, delim: string, ports?: PortMap): Result<Action> {
  switch (name) {
    case 'output': {
      const p = parsePort(value, ports);
      return p === undefined ? err(`output: unknown port "${value}"`) : ok({ type: 'output', port: p });
    }
    case 'controller': {
      if (value === '') return ok({ type: 'output', port: OFPP_CONTROLLER, maxLen: 65535 });
      if (/^\d+$/.test(value)) {
        const n = num(value, 16, 'controller');
        return n.ok ? ok({ type: 'output', port: OFPP_CONTROLLER, maxLen: n.value }) : n;
      }
      let maxLen = 65535;
      for (const kv of parseKeyValues(value)) {
        if (kv.key === 'max_len') {
          const n = num(kv.value, 16, 'controller max_len');
          if (!n.ok) return n;
          maxLen = n.value;
        } else if (!(kv.key === 'reason' && kv.value === 'action')) return err(`controller: unsupported argument "${kv.key}"`);
      }
      return ok({ type: 'output', port: OFPP_CONTROLLER, maxLen });
    }
    case 'group': {
      const n = num(value, 32, 'group');
      return n.ok ? ok({ type: 'group', groupId: n.value }) : n;
    }
    case 'resubmit':
      return parseResubmit(value, delim, ports);
    case 'goto_table': {
      const n = num(value, 8, 'goto_table');
      return n.ok ? ok({ type: 'goto_table', table: n.value }) : n;
    }
    case 'ct':
      return parseCt(value, ports);
    case 'set_field': {
      const arrow = value.lastIndexOf('->');
      if (arrow === -1) return err(`set_field: missing "->" in "${value}"`);
      const f = fieldByName(value.slice(arrow + 2));
      if (f === undefined) return err(`set_field: unknown field "${value.slice(arrow + 2)}"`);
      if (!f.writable) return err(`set_field: ${f.name} is read-only`);
      let v = value.slice(0, arrow);
      if (v.startsWith('(') && v.endsWith(')')) v = v.slice(1, -1);
      const pv = parseFieldValue(f.format, f.bits, v, ports);
      if (pv === undefined) return err(`set_field: bad value "${v}" for ${f.name}`);
      const full = (1n << BigInt(f.bits)) - 1n;
      return ok(pv.mask === full ? { type: 'set_field', field: f, value: pv.value } : { type: 'set_field', field: f, value: pv.value, mask: pv.mask });
    }
    case 'load': {
      const arrow = value.indexOf('->');
      if (arrow === -1) return err(`load: missing "->" in "${value}"`);
      const v = parseUint(value.slice(0, arrow));
      if (v === undefined) return err(`load: bad value "${value.slice(0, arrow)}"`);
      const dst = sub(value.slice(arrow + 2));
      if (!dst.ok) return dst;
      if (v >> BigInt(dst.value.nBits) !== 0n) return err(`load: value ${value.slice(0, arrow)} does not fit in ${dst.value.nBits} bits`);
      return ok({ type: 'load', dst: dst.value, value: v });
    }
    case 'move': {
      const arrow = value.indexOf('->');
      if (arrow === -1) return err(`move: missing "->" in "${value}"`);
      const src = sub(value.slice(0, arrow));
      const dst = sub(value.slice(arrow + 2));
      if (!src.ok) return src;
      if (!dst.ok) return dst;
      if (src.value.nBits !== dst.value.nBits) return err('move: source and destination widths differ');
      return ok({ type: 'move', src: src.value, dst: dst.value });
    }
    case 'mod_dl_src':
    case 'mod_dl_dst': {
      const mac = parseMac(value);
      return mac === undefined ? err(`${name}: bad MAC "${value}"`) : ok({ type: name, mac });
    }
    case 'mod_nw_src':
    case 'mod_nw_dst': {
      const addr = parseIP(value);
      return addr === undefined ? err(`${name}: bad address "${value}"`) : ok({ type: name, addr });
    }
    case 'mod_tp_src':
    case 'mod_tp_dst': {
      const n = num(value, 16, name);
      return n.ok ? ok({ type: name, port: n.value }) : n;
    }
    case 'mod_nw_tos': {
      const n = num(value, 8, name);
      return n.ok ? ok({ type: 'mod_nw_tos', tos: n.value & 0xfc }) : n;
    }
    case 'mod_nw_ttl':
    case 'set_nw_ttl': {
      const n = num(value, 8, name);
      return n.ok ? ok({ type: 'mod_nw_ttl', ttl: n.value }) : n;
    }
    case 'dec_ttl':
      return value === '' ? ok({ type: 'dec_ttl' }) : err('dec_ttl with controller ids is not supported');
    case 'strip_vlan':
      return ok({ type: 'strip_vlan', pop: false });
    case 'pop_vlan':
      return ok({ type: 'strip_vlan', pop: true });
    case 'push_vlan': {
      const n = num(value, 16, 'push_vlan');
      if (!n.ok) return n;
      return n.value === 0x8100 || n.value === 0x88a8 ? ok({ type: 'push_vlan', ethertype: n.value }) : err(`push_vlan: bad ethertype ${value}`);
    }
    case 'mod_vlan_vid':
    case 'set_vlan_vid': {
      const n = num(value, 12, name);
      return n.ok ? ok({ type: 'mod_vlan_vid', vid: n.value, push: name === 'mod_vlan_vid' }) : n;
    }
    case 'learn':
      return parseLearn(value, ports);
    default: {
      const p = value === '' ? parsePort(key, ports) : undefined;
      return p === undefined ? err(`unknown action ${key}`) : ok({ type: 'output', port: p });
    }
  }
}

function parseResubmit(value: string, delim: string, ports?: PortMap): Result<Action> {
  if (delim !== '(') {
    const p = parsePort(value, ports);
    return p === undefined ? err(`resubmit: unknown port "${value}"`) : ok({ type: 'resubmit', port: p });
  }
  const [ps = '', ts = '', extra] = value.split(',');
  if (extra !== undefined) return err('resubmit: ",ct" is not supported');
  const port = ps === '' ? undefined : parsePort(ps.trim(), ports);
  if (ps !== '' && port === undefined) return err(`resubmit: unknown port "${ps}"`);
  const table = ts === '' ? undefined : parseUintN(ts.trim(), 8);
  if (ts !== '' && (table === undefined || table === 255)) return err(`resubmit: bad table "${ts}"`);
  if (port === undefined && table === undefined) return err('resubmit: at least one of port and table must be given');
  return ok({ type: 'resubmit', ...(port !== undefined ? { port } : {}), ...(table !== undefined ? { table } : {}) });
}

export function parseNat(value: string): Result<NatAction> {
  let kind: 'src' | 'dst' | undefined;
  let range: NatAction['range'];
  const flags = { persistent: false, hash: false, random: false };
  for (const kv of parseKeyValues(value)) {
    if (kv.key === 'src' || kv.key === 'dst') {
      if (kind !== undefined) return err('nat: only one of src and dst');
      kind = kv.key;
      if (kv.value !== '') {
        const m = /^(\d+\.\d+\.\d+\.\d+)(?:-(\d+\.\d+\.\d+\.\d+))?(?::(\d+)(?:-(\d+))?)?$/.exec(kv.value);
        const a = m?.[1] !== undefined ? parseIP(m[1]) : undefined;
        const b = m?.[2] !== undefined ? parseIP(m[2]) : a;
        const p = m?.[3] !== undefined ? parseUintN(m[3], 16) : 0;
        const q = m?.[4] !== undefined ? parseUintN(m[4], 16) : p;
        if (a === undefined || b === undefined || p === undefined || q === undefined || b < a || q < p) {
          return err(`nat: bad range "${kv.value}"`);
        }
        range = { kind: kv.key, addrMin: a, addrMax: b, portMin: p, portMax: q };
      }
    } else if (kv.key === 'persistent' || kv.key === 'hash' || kv.key === 'random') {
      flags[kv.key] = true;
    } else return err(`nat: unknown argument "${kv.key}"`);
  }
  if (kind === undefined) return ok({});
  return ok({
    kind,
    ...(range !== undefined ? { range } : {}),
    ...(flags.persistent ? { persistent: true } : {}),
    ...(flags.hash ? { hash: true } : {}),
    ...(flags.random ? { random: true } : {}),
  });
}

export function parseCt(value: string, ports?: PortMap): Result<CtAction> {
  let commit = false;
  let force = false;
  let table: number | undefined;
  let zone: number | SubField = 0;
  let nat: NatAction | undefined;
  let exec: readonly Action[] = NO_ACTIONS;
  for (const kv of parseKeyValues(value)) {
    switch (kv.key) {
      case 'commit':
        commit = true;
        break;
      case 'force':
        force = true;
        break;
      case 'table': {
        const t = parseUintN(kv.value, 8);
        if (t === undefined || t === 255) return err(`ct: bad table "${kv.value}"`);
        table = t;
        break;
      }
      case 'zone': {
        const z = parseUintN(kv.value, 16);
        if (z !== undefined) zone = z;
        else {
          const sf = sub(kv.value);
          if (!sf.ok) return err(`ct: bad zone "${kv.value}"`);
          zone = sf.value;
        }
        break;
      }
      case 'nat': {
        const n = parseNat(kv.value);
        if (!n.ok) return n;
        nat = n.value;
        break;
      }
      case 'exec': {
        const a = parseActions(kv.value, ports);
        if (!a.ok) return a;
        for (const x of a.value) {
          const target = x.type === 'set_field' ? x.field.name : x.type === 'load' ? x.dst.field.name : undefined;
          if (target !== 'ct_mark') return err('ct: exec() only supports setting ct_mark');
        }
        exec = a.value;
        break;
      }
      default:
        return err(`ct: unknown argument "${kv.key}"`);
    }
  }
  if (force && !commit) return err('ct: "force" requires "commit"');
  return ok({
    type: 'ct',
    commit,
    force,
    ...(table !== undefined ? { table } : {}),
    zone,
    ...(nat !== undefined ? { nat } : {}),
    exec,
  });
}

export function parseLearn(value: string, ports?: PortMap): Result<LearnAction> {
  let table = 1;
  let idleTimeout = 0;
  let hardTimeout = 0;
  let finIdleTimeout = 0;
  let finHardTimeout = 0;
  let priority = 32768;
  let cookie = 0n;
  let sendFlowRem = false;
  let deleteLearned = false;
  let limit = 0;
  const specs: LearnSpec[] = [];
  for (const kv of parseKeyValues(value)) {
    const intArg = (bits: number): Result<number> => num(kv.value, bits, `learn ${kv.key}`);
    switch (kv.key) {
      case 'table': {
        const r = intArg(8);
        if (!r.ok || r.value === 255) return err(`learn: bad table "${kv.value}"`);
        table = r.value;
        continue;
      }
      case 'priority':
      case 'idle_timeout':
      case 'hard_timeout':
      case 'fin_idle_timeout':
      case 'fin_hard_timeout': {
        const r = intArg(16);
        if (!r.ok) return r;
        if (kv.key === 'priority') priority = r.value;
        else if (kv.key === 'idle_timeout') idleTimeout = r.value;
        else if (kv.key === 'hard_timeout') hardTimeout = r.value;
        else if (kv.key === 'fin_idle_timeout') finIdleTimeout = r.value;
        else finHardTimeout = r.value;
        continue;
      }
      case 'limit': {
        const r = intArg(32);
        if (!r.ok) return r;
        limit = r.value;
        continue;
      }
      case 'cookie': {
        const c = parseUint(kv.value);
        if (c === undefined) return err(`learn: bad cookie "${kv.value}"`);
        cookie = c;
        continue;
      }
      case 'send_flow_rem':
        sendFlowRem = true;
        continue;
      case 'delete_learned':
        deleteLearned = true;
        continue;
    }
    const spec = parseLearnSpec(kv.key, kv.value, ports);
    if (!spec.ok) return spec;
    specs.push(spec.value);
  }
  return ok({ type: 'learn', table, idleTimeout, hardTimeout, finIdleTimeout, finHardTimeout, priority, cookie, sendFlowRem, deleteLearned, limit, specs });
}

function parseLearnSpec(name: string, value: string, ports?: PortMap): Result<LearnSpec> {
  if (name === 'load') {
    const arrow = value.indexOf('->');
    if (arrow <= 0) return err(`learn: load needs "SRC->DST", got "${value}"`);
    const dst = sub(value.slice(arrow + 2));
    if (!dst.ok) return dst;
    const srcText = value.slice(0, arrow);
    const imm = parseUint(srcText);
    if (imm !== undefined) {
      if (imm >> BigInt(dst.value.nBits) !== 0n) return err(`learn: value ${srcText} does not fit into ${dst.value.nBits} bits`);
      return ok({ kind: 'load-imm', dst: dst.value, value: imm });
    }
    const src = sub(srcText);
    if (!src.ok) return src;
    if (src.value.nBits !== dst.value.nBits) return err('learn: load source and destination widths differ');
    return ok({ kind: 'load', dst: dst.value, src: src.value });
  }
  if (name === 'output') {
    const src = sub(value);
    return src.ok ? ok({ kind: 'output', src: src.value }) : src;
  }
  const dst = sub(name);
  if (!dst.ok) return err(`learn: unknown argument "${name}"`);
  if (value === '') return ok({ kind: 'match', dst: dst.value, src: dst.value });
  const src = parseSubField(value);
  if (typeof src !== 'string') {
    if (src.nBits !== dst.value.nBits) return err(`learn: bit widths of ${name} and ${value} differ`);
    return ok({ kind: 'match', dst: dst.value, src });
  }
  const d = dst.value;
  if (d.ofs === 0 && d.nBits === d.field.bits) {
    const v = parseFieldValue(d.field.format, d.field.bits, value, ports);
    if (v === undefined || v.mask !== (1n << BigInt(d.field.bits)) - 1n) return err(`learn: bad value "${value}" for ${d.field.name}`);
    return ok({ kind: 'match-imm', dst: d, value: v.value });
  }
  const v = parseUint(value);
  if (v === undefined || v >> BigInt(d.nBits) !== 0n) return err(`learn: value "${value}" does not fit into ${d.nBits} bits`);
  return ok({ kind: 'match-imm', dst: d, value: v });
}
