// AS_PATH and AS4_PATH values (RFC 4271 §4.3, §5.1.2; RFC 6793): a list of segments, each
// type (1 AS_SET, 2 AS_SEQUENCE; 3/4 are the RFC 5065 confederation variants), count, then
// `count` AS numbers of 2 or 4 octets. The width is 4 only when both sides announced the
// 4-octet AS capability; FRR resets a session whose AS_PATH has the wrong width.
// Worked example, AS_SEQUENCE [65001] in 4-octet width: 02 01 0000fde9.
import { err, ok, type Result } from '../../core/result.js';
import { AS_TRANS } from './constants.js';
import { put16, put32, u16, u32 } from './header-bytes.js';

export const AsSegmentType = { AS_SET: 1, AS_SEQUENCE: 2, AS_CONFED_SEQUENCE: 3, AS_CONFED_SET: 4 } as const;

export interface AsPathSegment {
  readonly type: number;
  readonly asns: readonly number[];
}

export type AsWidth = 2 | 4;

/** A reason string on failure; the caller turns it into the right NOTIFICATION (3/11 or 3/9). */
export function parseAsPath(b: Uint8Array, width: AsWidth): Result<AsPathSegment[]> {
  const segs: AsPathSegment[] = [];
  let o = 0;
  while (o < b.length) {
    if (o + 2 > b.length) return err('segment header truncated');
    const type = b[o] ?? 0;
    const count = b[o + 1] ?? 0;
    if (type < 1 || type > 4) return err(`segment type ${type}`);
    if (count === 0) return err('empty segment');
    const end = o + 2 + count * width;
    if (end > b.length) return err(`segment of ${count} ASes overruns the attribute (width ${width})`);
    const asns: number[] = [];
    for (let p = o + 2; p < end; p += width) asns.push(width === 4 ? u32(b, p) : u16(b, p));
    segs.push({ type, asns });
    o = end;
  }
  return ok(segs);
}

export function asPathLength(segs: readonly AsPathSegment[], width: AsWidth): number {
  let n = 0;
  for (const s of segs) n += 2 + s.asns.length * width;
  return n;
}

/** In 2-octet width, ASes above 65535 become AS_TRANS (RFC 6793 §4.2.2). Segments longer than 255 are split. */
export function writeAsPath(out: Uint8Array, o: number, segs: readonly AsPathSegment[], width: AsWidth): number {
  for (const s of splitSegments(segs)) {
    out[o] = s.type;
    out[o + 1] = s.asns.length;
    o += 2;
    for (const a of s.asns) {
      if (width === 4) put32(out, o, a);
      else put16(out, o, a > 0xffff ? AS_TRANS : a);
      o += width;
    }
  }
  return o;
}

export function splitSegments(segs: readonly AsPathSegment[]): AsPathSegment[] {
  const out: AsPathSegment[] = [];
  for (const s of segs) {
    for (let i = 0; i < s.asns.length; i += 255) out.push({ type: s.type, asns: s.asns.slice(i, i + 255) });
  }
  return out;
}

export function needsAs4Path(segs: readonly AsPathSegment[]): boolean {
  return segs.some((s) => s.asns.some((a) => a > 0xffff));
}

/** Path length for best-path purposes: an AS_SET counts 1, confederation segments 0 (RFC 4271 §9.1.2.2, RFC 5065). */
export function asPathHopCount(segs: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segs) {
    if (s.type === AsSegmentType.AS_SEQUENCE) n += s.asns.length;
    else if (s.type === AsSegmentType.AS_SET) n += 1;
  }
  return n;
}

/**
 * RFC 6793 §4.2.3: rebuilds the real path from a 2-octet AS_PATH and an AS4_PATH: keep the
 * leading (len(AS_PATH) - len(AS4_PATH)) ASes of AS_PATH, then AS4_PATH. If AS4_PATH is the
 * longer one it is ignored.
 */
export function mergeAs4Path(asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[]): AsPathSegment[] {
  const n2 = asPathHopCount(asPath);
  const n4 = asPathHopCount(as4Path);
  if (n4 > n2) return asPath.slice();
  let keep = n2 - n4;
  const out: AsPathSegment[] = [];
  for (const s of asPath) {
    if (keep <= 0) break;
    if (s.type === AsSegmentType.AS_SEQUENCE) {
      const take = s.asns.slice(0, keep);
      out.push({ type: s.type, asns: take });
      keep -= take.length;
    } else {
      out.push(s);
      if (s.type === AsSegmentType.AS_SET) keep -= 1;
    }
  }
  return [...out, ...as4Path];
}

export function formatAsPath(segs: readonly AsPathSegment[]): string {
  return segs
    .map((s) => (s.type === AsSegmentType.AS_SEQUENCE ? s.asns.join(' ') : s.type === AsSegmentType.AS_SET ? `{${s.asns.join(',')}}` : `(${s.asns.join(' ')})`))
    .join(' ');
}
