// Header rewrites (set_field, load, move, mod_*, dec_ttl, VLAN ops) applied to a
// FlowKey. The pipeline decides whether a write is needed (rewriteChanges) and hands a
// writable key; `read` is the key as it was before the write (the same object or not).
import type { FlowKey } from '../flow-key.js';
import { ETH_TYPE_IPV4 } from '../flow-key.js';
import type { Action } from './actions.js';
import { readSubField, writeSubField, type MfField } from './fields.js';

export type RewriteAction = Extract<
  Action,
  {
    type:
      | 'set_field'
      | 'load'
      | 'move'
      | 'mod_dl_src'
      | 'mod_dl_dst'
      | 'mod_nw_src'
      | 'mod_nw_dst'
      | 'mod_tp_src'
      | 'mod_tp_dst'
      | 'mod_nw_tos'
      | 'mod_nw_ttl'
      | 'dec_ttl'
      | 'strip_vlan'
      | 'push_vlan'
      | 'mod_vlan_vid';
  }
>;

const isReg = (f: MfField) => f.nxm !== undefined && f.nxm.startsWith('NXM_NX_REG');

/** Whether the action writes a register (the key then needs a regs array of its own). */
export function writesRegs(a: RewriteAction): boolean {
  return (a.type === 'set_field' && isReg(a.field)) || ((a.type === 'load' || a.type === 'move') && isReg(a.dst.field));
}

/** False when the action is a no-op for this packet (so no copy is made for it). */
export function rewriteChanges(a: RewriteAction, k: FlowKey): boolean {
  switch (a.type) {
    case 'dec_ttl':
      return k.dlType === ETH_TYPE_IPV4;
    case 'push_vlan':
      return k.dlVlan < 0;
    case 'mod_vlan_vid':
      return k.dlVlan >= 0 || a.push;
    default:
      return true;
  }
}

export function applyRewrite(a: RewriteAction, read: FlowKey, w: FlowKey): void {
  switch (a.type) {
    case 'set_field':
      if (a.mask === undefined) a.field.set(w, a.value);
      else a.field.set(w, (a.field.get(read) & ~a.mask) | (a.value & a.mask));
      return;
    case 'load':
      writeSubField(w, a.dst, a.value);
      return;
    case 'move':
      writeSubField(w, a.dst, readSubField(read, a.src));
      return;
    case 'mod_dl_src':
      w.dlSrc = a.mac;
      return;
    case 'mod_dl_dst':
      w.dlDst = a.mac;
      return;
    case 'mod_nw_src':
      w.nwSrc = a.addr;
      return;
    case 'mod_nw_dst':
      w.nwDst = a.addr;
      return;
    case 'mod_tp_src':
      w.tpSrc = a.port;
      return;
    case 'mod_tp_dst':
      w.tpDst = a.port;
      return;
    case 'mod_nw_tos':
      w.nwTos = (read.nwTos & 0x03) | a.tos;
      return;
    case 'mod_nw_ttl':
      w.nwTtl = a.ttl;
      return;
    case 'dec_ttl':
      w.nwTtl = read.nwTtl - 1;
      return;
    case 'strip_vlan':
      w.dlVlan = -1;
      return;
    case 'push_vlan':
      w.dlVlan = 0;
      return;
    case 'mod_vlan_vid':
      w.dlVlan = a.vid;
      return;
  }
}
