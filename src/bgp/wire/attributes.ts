// Path attributes (RFC 4271 §4.3, §5; RFC 1997 communities; RFC 6793 AS4_PATH/AS4_AGGREGATOR)
// with the per-attribute checks of RFC 4271 §6.3. Attribute errors carry the whole
// erroneous attribute (flags, type, length, value) as NOTIFICATION data, as §6.3 asks.
//
// Flags: 0x80 optional, 0x40 transitive, 0x20 partial, 0x10 extended (2-octet) length.
// Well-known attributes are 0x40 (partial clear); MED is 0x80; COMMUNITIES, AGGREGATOR,
// AS4_* are 0xc0 (partial allowed). Worked example, ORIGIN IGP: 40 01 01 00.
import { ok } from '../../core/result.js';
import { ipv4, type IPv4 } from '../../core/ip.js';
import { asPathLength, parseAsPath, writeAsPath, type AsPathSegment, type AsWidth } from './as-path.js';
import { AS_TRANS, AttrFlag, AttrType } from './constants.js';
import { put16, put32, u16, u32 } from './header-bytes.js';
import { ErrorCode, UpdateSubcode, wireError, type WireResult } from './notification.js';

export const Origin = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;

export interface Aggregator {
  readonly asn: number;
  readonly address: IPv4;
}

/** An optional attribute we do not interpret, kept as received (flags without the length bit). */
export interface RawAttribute {
  readonly flags: number;
  readonly typeCode: number;
  readonly value: Uint8Array;
}

export interface PathAttributes {
  readonly origin?: number;
  readonly asPath?: readonly AsPathSegment[];
  readonly nextHop?: IPv4;
  readonly med?: number;
  readonly localPref?: number;
  readonly atomicAggregate?: true;
  readonly aggregator?: Aggregator;
  /** RFC 1997 communities as uint32 (asn << 16 | value). */
  readonly communities?: readonly number[];
  readonly as4Path?: readonly AsPathSegment[];
  readonly as4Aggregator?: Aggregator;
  readonly unknown?: readonly RawAttribute[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const WELL_KNOWN = AttrFlag.TRANSITIVE;
const OPT_NON_TRANSITIVE = AttrFlag.OPTIONAL;
const OPT_TRANSITIVE = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;

/** The flags this speaker sends per recognized attribute type. */
const sendFlags: Record<number, number> = {
  [AttrType.ORIGIN]: WELL_KNOWN,
  [AttrType.AS_PATH]: WELL_KNOWN,
  [AttrType.NEXT_HOP]: WELL_KNOWN,
  [AttrType.MULTI_EXIT_DISC]: OPT_NON_TRANSITIVE,
  [AttrType.LOCAL_PREF]: WELL_KNOWN,
  [AttrType.ATOMIC_AGGREGATE]: WELL_KNOWN,
  [AttrType.AGGREGATOR]: OPT_TRANSITIVE,
  [AttrType.COMMUNITIES]: OPT_TRANSITIVE,
  [AttrType.AS4_PATH]: OPT_TRANSITIVE,
  [AttrType.AS4_AGGREGATOR]: OPT_TRANSITIVE,
};

function flagsOk(code: number, flags: number): boolean {
  const f = flags & 0xe0;
  const want = sendFlags[code];
  if (want === OPT_TRANSITIVE) return (f & 0xc0) === OPT_TRANSITIVE; // partial may be set by a transit speaker
  return f === want;
}

/** "Syntactically incorrect" IPv4 next hops: 0/8, multicast and class E / broadcast. */
export function isValidNextHop(a: number): boolean {
  const first = a >>> 24;
  return first !== 0 && first < 224;
}

export function parseAttributes(b: Uint8Array, width: AsWidth): WireResult<PathAttributes> {
  const out: Mutable<PathAttributes> = {};
  const unknown: RawAttribute[] = [];
  const seen = new Set<number>();
  let o = 0;
  while (o < b.length) {
    if (o + 3 > b.length) return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, new Uint8Array(0), 'attribute header truncated');
    const flags = b[o] ?? 0;
    const code = b[o + 1] ?? 0;
    const ext = (flags & AttrFlag.EXTENDED_LENGTH) !== 0;
    const hdr = ext ? 4 : 3;
    if (o + hdr > b.length) return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, new Uint8Array(0), 'attribute header truncated');
    const len = ext ? u16(b, o + 2) : (b[o + 2] ?? 0);
    if (o + hdr + len > b.length) {
      return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.ATTRIBUTE_LENGTH_ERROR, b.slice(o), `attribute ${code} length ${len} overruns the attribute list`);
    }
    const whole = b.subarray(o, o + hdr + len);
    const v = b.subarray(o + hdr, o + hdr + len);
    o += hdr + len;
    if (seen.has(code)) return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, new Uint8Array(0), `attribute ${code} appears twice`);
    seen.add(code);
    const known = sendFlags[code] !== undefined;
    if (!known) {
      if ((flags & AttrFlag.OPTIONAL) === 0) {
        return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE, whole.slice(), `unrecognized well-known attribute ${code}`);
      }
      unknown.push({ flags: flags & 0xe0, typeCode: code, value: v.slice() });
      continue;
    }
    if (!flagsOk(code, flags)) {
      return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.ATTRIBUTE_FLAGS_ERROR, whole.slice(), `attribute ${code} has flags 0x${flags.toString(16)}`);
    }
    const lenErr = (want: string) => wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.ATTRIBUTE_LENGTH_ERROR, whole.slice(), `attribute ${code} length ${len}, want ${want}`);
    switch (code) {
      case AttrType.ORIGIN:
        if (len !== 1) return lenErr('1');
        if ((v[0] ?? 0) > 2) return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.INVALID_ORIGIN, whole.slice(), `ORIGIN value ${v[0]}`);
        out.origin = v[0] ?? 0;
        break;
      case AttrType.AS_PATH: {
        const r = parseAsPath(v, width);
        if (!r.ok) return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.MALFORMED_AS_PATH, new Uint8Array(0), `AS_PATH: ${r.error}`);
        out.asPath = r.value;
        break;
      }
      case AttrType.NEXT_HOP: {
        if (len !== 4) return lenErr('4');
        const nh = u32(v, 0);
        if (!isValidNextHop(nh)) return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.INVALID_NEXT_HOP, whole.slice(), 'NEXT_HOP is not a unicast host address');
        out.nextHop = ipv4(nh);
        break;
      }
      case AttrType.MULTI_EXIT_DISC:
        if (len !== 4) return lenErr('4');
        out.med = u32(v, 0);
        break;
      case AttrType.LOCAL_PREF:
        if (len !== 4) return lenErr('4');
        out.localPref = u32(v, 0);
        break;
      case AttrType.ATOMIC_AGGREGATE:
        if (len !== 0) return lenErr('0');
        out.atomicAggregate = true;
        break;
      case AttrType.AGGREGATOR:
        if (len !== width + 4) return lenErr(String(width + 4));
        out.aggregator = { asn: width === 4 ? u32(v, 0) : u16(v, 0), address: ipv4(u32(v, width)) };
        break;
      case AttrType.AS4_AGGREGATOR:
        if (len !== 8) return lenErr('8');
        out.as4Aggregator = { asn: u32(v, 0), address: ipv4(u32(v, 4)) };
        break;
      case AttrType.COMMUNITIES: {
        if (len % 4 !== 0) return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, whole.slice(), `COMMUNITIES length ${len} is not a multiple of 4`);
        const cs: number[] = [];
        for (let i = 0; i < len; i += 4) cs.push(u32(v, i));
        out.communities = cs;
        break;
      }
      case AttrType.AS4_PATH: {
        const r = parseAsPath(v, 4);
        if (!r.ok) return wireError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, whole.slice(), `AS4_PATH: ${r.error}`);
        out.as4Path = r.value;
        break;
      }
    }
  }
  if (unknown.length > 0) out.unknown = unknown;
  return ok(out);
}

/** One attribute's wire form (type code, flags, value) before headers are added. */
interface Encoded {
  readonly code: number;
  readonly flags: number;
  readonly len: number;
  readonly write: (out: Uint8Array, o: number) => void;
}

function encodings(a: PathAttributes, width: AsWidth): Encoded[] {
  const e: Encoded[] = [];
  const fixed = (code: number, len: number, write: Encoded['write']) => e.push({ code, flags: sendFlags[code] ?? OPT_TRANSITIVE, len, write });
  const origin = a.origin;
  if (origin !== undefined) fixed(AttrType.ORIGIN, 1, (out, o) => void (out[o] = origin));
  const asPath = a.asPath;
  if (asPath !== undefined) fixed(AttrType.AS_PATH, asPathLength(asPath, width), (out, o) => void writeAsPath(out, o, asPath, width));
  const nh = a.nextHop;
  if (nh !== undefined) fixed(AttrType.NEXT_HOP, 4, (out, o) => put32(out, o, nh));
  const med = a.med;
  if (med !== undefined) fixed(AttrType.MULTI_EXIT_DISC, 4, (out, o) => put32(out, o, med));
  const lp = a.localPref;
  if (lp !== undefined) fixed(AttrType.LOCAL_PREF, 4, (out, o) => put32(out, o, lp));
  if (a.atomicAggregate === true) fixed(AttrType.ATOMIC_AGGREGATE, 0, () => {});
  const agg = a.aggregator;
  if (agg !== undefined) {
    fixed(AttrType.AGGREGATOR, width + 4, (out, o) => {
      if (width === 4) put32(out, o, agg.asn);
      else put16(out, o, agg.asn > 0xffff ? AS_TRANS : agg.asn);
      put32(out, o + width, agg.address);
    });
  }
  const cs = a.communities;
  if (cs !== undefined) fixed(AttrType.COMMUNITIES, 4 * cs.length, (out, o) => cs.forEach((c, i) => put32(out, o + 4 * i, c)));
  const as4 = a.as4Path;
  if (as4 !== undefined) fixed(AttrType.AS4_PATH, asPathLength(as4, 4), (out, o) => void writeAsPath(out, o, as4, 4));
  const agg4 = a.as4Aggregator;
  if (agg4 !== undefined) {
    fixed(AttrType.AS4_AGGREGATOR, 8, (out, o) => {
      put32(out, o, agg4.asn);
      put32(out, o + 4, agg4.address);
    });
  }
  for (const r of a.unknown ?? []) e.push({ code: r.typeCode, flags: r.flags & 0xe0, len: r.value.length, write: (out, o) => out.set(r.value, o) });
  return e.sort((x, y) => x.code - y.code);
}

/** Attributes are written in type-code order; the extended-length flag only when a value exceeds 255 octets. */
export function attributesLength(a: PathAttributes, width: AsWidth): number {
  let n = 0;
  for (const x of encodings(a, width)) n += (x.len > 255 ? 4 : 3) + x.len;
  return n;
}

export function writeAttributes(out: Uint8Array, o: number, a: PathAttributes, width: AsWidth): number {
  for (const x of encodings(a, width)) {
    const ext = x.len > 255;
    out[o] = x.flags | (ext ? AttrFlag.EXTENDED_LENGTH : 0);
    out[o + 1] = x.code;
    if (ext) put16(out, o + 2, x.len);
    else out[o + 2] = x.len;
    o += ext ? 4 : 3;
    x.write(out, o);
    o += x.len;
  }
  return o;
}

export function emitAttributes(a: PathAttributes, width: AsWidth): Uint8Array {
  const out = new Uint8Array(attributesLength(a, width));
  writeAttributes(out, 0, a, width);
  return out;
}

export function isEmptyAttributes(a: PathAttributes): boolean {
  return Object.keys(a).length === 0;
}

/** "65000:100" <-> uint32, per RFC 1997's asn:value convention. */
export function formatCommunity(c: number): string {
  return `${c >>> 16}:${c & 0xffff}`;
}
