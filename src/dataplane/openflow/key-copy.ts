// FlowKey copies for the pipeline.
import type { FlowKey } from '../flow-key.js';

/**
 * Copies a key for the pipeline. The regs array is shared with the source until the
 * pipeline writes a register (ownRegs): copying a typed array per copy would double
 * the cost of a copy, and most programs never touch registers.
 */
export function shallowKey(k: FlowKey): FlowKey {
  return {
    inPort: k.inPort,
    dlSrc: k.dlSrc,
    dlDst: k.dlDst,
    dlVlan: k.dlVlan,
    dlType: k.dlType,
    nwSrc: k.nwSrc,
    nwDst: k.nwDst,
    nwProto: k.nwProto,
    nwTtl: k.nwTtl,
    nwTos: k.nwTos,
    tpSrc: k.tpSrc,
    tpDst: k.tpDst,
    tcpFlags: k.tcpFlags,
    arpOp: k.arpOp,
    ctState: k.ctState,
    ctZone: k.ctZone,
    ctMark: k.ctMark,
    regs: k.regs,
    metadata: k.metadata,
  };
}

/** A deep copy of a FlowKey (own regs array): the same field list as shallowKey, so one shape. */
export function copyFlowKey(k: FlowKey): FlowKey {
  const c = shallowKey(k);
  c.regs = new Uint32Array(k.regs);
  return c;
}

