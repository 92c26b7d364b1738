// Decoding and building TCP options (RFC 9293 section 3.2, RFC 7323, RFC 2018). The
// segment keeps them as raw bytes; these helpers read MSS and friends out of them.
import { ok, type Result } from '../../core/result.js';
import { readU16, readU32 } from './checksum.js';
import { malformed, type WireError } from './error.js';

export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
export const TCPOPT_WSCALE = 3;
export const TCPOPT_SACK_PERMITTED = 4;
export const TCPOPT_SACK = 5;
export const TCPOPT_TIMESTAMP = 8;

export type TcpOption =
  | { readonly kind: 'nop' }
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'wscale'; readonly shift: number }
  | { readonly kind: 'sack-permitted' }
  | { readonly kind: 'sack'; readonly blocks: readonly (readonly [number, number])[] }
  | { readonly kind: 'timestamp'; readonly value: number; readonly echo: number }
  | { readonly kind: 'unknown'; readonly code: number; readonly data: Uint8Array };

/** Decodes up to EOL; padding after EOL is ignored. */
export function parseTcpOptions(raw: Uint8Array): Result<TcpOption[], WireError> {
  const out: TcpOption[] = [];
  let i = 0;
  while (i < raw.length) {
    const code = raw[i]!;
    if (code === TCPOPT_EOL) break;
    if (code === TCPOPT_NOP) {
      out.push({ kind: 'nop' });
      i++;
      continue;
    }
    if (i + 1 >= raw.length) return malformed('tcp', `option ${code} has no length byte`);
    const len = raw[i + 1]!;
    if (len < 2 || i + len > raw.length) return malformed('tcp', `option ${code} length ${len} does not fit`);
    const body = raw.subarray(i + 2, i + len);
    if (code === TCPOPT_MSS && len === 4) out.push({ kind: 'mss', value: readU16(body, 0) });
    else if (code === TCPOPT_WSCALE && len === 3) out.push({ kind: 'wscale', shift: body[0]! });
    else if (code === TCPOPT_SACK_PERMITTED && len === 2) out.push({ kind: 'sack-permitted' });
    else if (code === TCPOPT_TIMESTAMP && len === 10) out.push({ kind: 'timestamp', value: readU32(body, 0), echo: readU32(body, 4) });
    else if (code === TCPOPT_SACK && (len - 2) % 8 === 0) {
      const blocks: (readonly [number, number])[] = [];
      for (let j = 0; j < body.length; j += 8) blocks.push([readU32(body, j), readU32(body, j + 4)]);
      out.push({ kind: 'sack', blocks });
    } else out.push({ kind: 'unknown', code, data: body.slice() });
    i += len;
  }
  return ok(out);
}

/** Encodes options and pads with EOL to a multiple of 4 bytes. */
export function buildTcpOptions(opts: readonly TcpOption[]): Uint8Array {
  const bytes: number[] = [];
  const u16 = (v: number) => bytes.push((v >>> 8) & 0xff, v & 0xff);
  const u32 = (v: number) => bytes.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  for (const o of opts) {
    switch (o.kind) {
      case 'nop':
        bytes.push(TCPOPT_NOP);
        break;
      case 'mss':
        bytes.push(TCPOPT_MSS, 4);
        u16(o.value);
        break;
      case 'wscale':
        bytes.push(TCPOPT_WSCALE, 3, o.shift);
        break;
      case 'sack-permitted':
        bytes.push(TCPOPT_SACK_PERMITTED, 2);
        break;
      case 'sack':
        bytes.push(TCPOPT_SACK, 2 + 8 * o.blocks.length);
        for (const [l, r] of o.blocks) {
          u32(l);
          u32(r);
        }
        break;
      case 'timestamp':
        bytes.push(TCPOPT_TIMESTAMP, 10);
        u32(o.value);
        u32(o.echo);
        break;
      case 'unknown':
        bytes.push(o.code, 2 + o.data.length, ...o.data);
        break;
    }
  }
  while (bytes.length % 4 !== 0) bytes.push(TCPOPT_EOL);
  if (bytes.length > 40) throw new RangeError(`TCP options too long (${bytes.length} > 40 bytes)`);
  return Uint8Array.from(bytes);
}

/** The MSS option's value, if present and well-formed. */
export function tcpMss(raw: Uint8Array): number | undefined {
  const r = parseTcpOptions(raw);
  if (!r.ok) return undefined;
  for (const o of r.value) if (o.kind === 'mss') return o.value;
  return undefined;
}
