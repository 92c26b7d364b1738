// UPDATE message (RFC 4271 §4.3) with the §6.3 checks. Layout after the header:
// withdrawn routes length (2) | withdrawn routes | total path attribute length (2) |
// path attributes | NLRI (the rest). An UPDATE with all three parts empty is the
// IPv4 unicast End-of-RIB marker (RFC 4724 §2): 23 octets in total.
import { ok } from '../../core/result.js';
import type { Cidr4 } from '../../core/cidr.js';
import type { AsWidth } from './as-path.js';
import { attributesLength, isEmptyAttributes, parseAttributes, writeAttributes, type PathAttributes } from './attributes.js';
import { AttrType, HEADER_LENGTH, MessageType } from './constants.js';
import { put16, u16, writeHeader } from './header-bytes.js';
import { encodedPrefixLength, parsePrefixes, writePrefix } from './nlri.js';
import { ErrorCode, UpdateSubcode, wireError, type WireResult } from './notification.js';

export interface UpdateMessage {
  readonly type: 'update';
  readonly withdrawn: readonly Cidr4[];
  readonly attributes: PathAttributes;
  readonly nlri: readonly Cidr4[];
}

export const END_OF_RIB: UpdateMessage = { type: 'update', withdrawn: [], attributes: {}, nlri: [] };

export function isEndOfRib(u: UpdateMessage): boolean {
  return u.withdrawn.length === 0 && u.nlri.length === 0 && isEmptyAttributes(u.attributes);
}

/** Parses the body of an UPDATE; `width` is the negotiated AS number size. */
export function parseUpdateBody(body: Uint8Array, width: AsWidth): WireResult<UpdateMessage> {
  const wrl = u16(body, 0);
  if (2 + wrl + 2 > body.length) {
    return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, new Uint8Array(0), `withdrawn routes length ${wrl} overruns the message`);
  }
  const tal = u16(body, 2 + wrl);
  const attrStart = 4 + wrl;
  if (attrStart + tal > body.length) {
    return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, new Uint8Array(0), `total path attribute length ${tal} overruns the message`);
  }
  const withdrawn = parsePrefixes(body.subarray(2, 2 + wrl), 'withdrawn routes');
  if (!withdrawn.ok) return withdrawn;
  const attrs = parseAttributes(body.subarray(attrStart, attrStart + tal), width);
  if (!attrs.ok) return attrs;
  const nlri = parsePrefixes(body.subarray(attrStart + tal), 'NLRI');
  if (!nlri.ok) return nlri;
  if (nlri.value.length > 0) {
    const a = attrs.value;
    const missing = a.origin === undefined ? AttrType.ORIGIN : a.asPath === undefined ? AttrType.AS_PATH : a.nextHop === undefined ? AttrType.NEXT_HOP : undefined;
    if (missing !== undefined) {
      return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.MISSING_WELL_KNOWN_ATTRIBUTE, Uint8Array.of(missing), `NLRI present but attribute ${missing} missing`);
    }
  }
  return ok({ type: 'update', withdrawn: withdrawn.value, attributes: attrs.value, nlri: nlri.value });
}

export function updateLength(u: UpdateMessage, width: AsWidth): number {
  let n = HEADER_LENGTH + 4 + attributesLength(u.attributes, width);
  for (const p of u.withdrawn) n += encodedPrefixLength(p);
  for (const p of u.nlri) n += encodedPrefixLength(p);
  return n;
}

/** Emits the UPDATE. Callers keep it within 4096 octets (see update-packer.ts); the length is not checked here. */
export function emitUpdate(u: UpdateMessage, width: AsWidth): Uint8Array {
  const len = updateLength(u, width);
  const out = new Uint8Array(len);
  writeHeader(out, len, MessageType.UPDATE);
  let o = HEADER_LENGTH + 2;
  for (const p of u.withdrawn) o = writePrefix(out, o, p);
  put16(out, HEADER_LENGTH, o - HEADER_LENGTH - 2);
  const talAt = o;
  o = writeAttributes(out, o + 2, u.attributes, width);
  put16(out, talAt, o - talAt - 2);
  for (const p of u.nlri) o = writePrefix(out, o, p);
  return out;
}
