// Turning a pipeline output (the FlowKey as the packet leaves) back into bytes. Most
// outputs differ from the input at most in the VLAN tag (NORMAL on a trunk/access
// boundary), which is a single copy with the tag pushed or popped; anything else (NAT,
// MAC or TTL rewrites) re-emits the frame with fresh checksums.
import type { CtTuple } from '../conntrack/index.js';
import type { FlowKey } from '../flow-key.js';
import { applyFlowKeyToFrame } from '../wire/flow-key-frame.js';
import { emitFrame, parseFrame } from '../wire/frame.js';
import { applyQuoteTupleToFrame } from '../wire/icmp-quote.js';
import { setVlanBytes } from './vlan-bytes.js';

export function sameBeyondVlan(a: FlowKey, b: FlowKey): boolean {
  return (
    a.dlSrc === b.dlSrc &&
    a.dlDst === b.dlDst &&
    a.nwSrc === b.nwSrc &&
    a.nwDst === b.nwDst &&
    a.tpSrc === b.tpSrc &&
    a.tpDst === b.tpDst &&
    a.nwTtl === b.nwTtl &&
    a.nwTos === b.nwTos &&
    a.arpOp === b.arpOp
  );
}

/** Bytes for `outKey`, given the received bytes and the key they were classified with. Never modifies `bytes`. */
export function rewriteForOutput(bytes: Uint8Array, inKey: FlowKey, outKey: FlowKey, translatedQuoted?: CtTuple): Uint8Array {
  if (translatedQuoted === undefined && sameBeyondVlan(inKey, outKey)) {
    return inKey.dlVlan === outKey.dlVlan ? bytes : setVlanBytes(bytes, outKey.dlVlan);
  }
  // A fresh parse gives a repr of our own to rewrite (reprs alias the bytes, which stay untouched).
  const r = parseFrame(bytes, { verifyChecksum: false });
  if (!r.ok) return bytes;
  applyFlowKeyToFrame(r.value, outKey);
  if (translatedQuoted !== undefined) applyQuoteTupleToFrame(r.value, translatedQuoted);
  return emitFrame(r.value);
}
