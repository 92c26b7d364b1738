// Emits a response message with name compression (RFC 1035 4.1.4) and truncation.
// dns-packet never compresses, and an uncompressed headless answer overflows 512 octets
// quickly, so responses are written here.
//
// Compression: every name written (question included) is remembered with its lower-cased
// text; a later name sharing a label-aligned suffix ends in a pointer to it. Matching
// is case-insensitive, so a suffix written in the asker's case in the question is reused
// for the answer's owner names: "Foo.Default.svc.cluster.local" in the question makes
// the answer owner a bare 2-byte pointer to offset 12.
// SRV targets are never compressed (RFC 2782, RFC 3597 4) but are still remembered, so the
// additional-section address records that own them become pointers.
//
// Truncation (RFC 2181 9): records are added in order while they fit in `limit` (minus
// room kept for the OPT record). When an answer or authority record does not fit, TC is
// set and writing stops; the records that did fit stay (RFC 2181 allows the partial
// RRset). An additional record that does not fit ends the additional section without TC.
import { ipv6Bytes } from './ip-bytes.js';
import * as C from './constants.js';
import * as N from './names.js';
import type { ResourceRecord, ResponseMessage } from './types.js';

// Module-local copies: under the tsx loader each use of an imported binding is a getter call.
const { Flag, HEADER_SIZE, MAX_MESSAGE_SIZE, OPT_RR_SIZE, QType } = C;
const TYPE_CODE = C.typeCode;
const { labelBytes, MAX_LABEL, MAX_NAME_WIRE, splitName } = N;

// Synchronous use only: one scratch buffer for the module. Twice the maximum message so a
// record that overshoots the limit never writes out of bounds before it is rolled back.
const scratch = Buffer.alloc(2 * (MAX_MESSAGE_SIZE + 1));

/** A name already in the message: its lower-cased text, label starts (in the text) and where each suffix can be pointed at (-1: beyond the 14-bit pointer range). */
interface Written {
  readonly text: string;
  readonly starts: readonly number[];
  readonly offsets: readonly number[];
}

function labelStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('.'); i !== -1; i = text.indexOf('.', i + 1)) starts.push(i + 1);
  return starts;
}

class Writer {
  pos = HEADER_SIZE;
  // Responses hold few distinct names, so a linear scan with character comparison from
  // the end beats hashing every suffix into a map.
  private readonly written: Written[] = [];

  u8(v: number): void {
    scratch[this.pos++] = v;
  }
  u16(v: number): void {
    scratch[this.pos++] = (v >>> 8) & 0xff;
    scratch[this.pos++] = v & 0xff;
  }
  u32(v: number): void {
    scratch.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Copies the question's wire name and remembers it for compression. */
  questionName(wire: Uint8Array, lower: string): void {
    const start = this.pos;
    scratch.set(wire, start);
    this.pos += wire.length;
    if (lower === '' || lower.includes('\\')) return;
    const starts = labelStarts(lower);
    const offsets: number[] = [];
    let off = start;
    for (let i = 0; i < starts.length; i++) {
      offsets.push(off < 0x4000 ? off : -1);
      off += 1 + scratch[off]!;
    }
    this.written.push({ text: lower, starts, offsets });
  }

  /** Longest earlier suffix of `lower` (label-aligned): [first matching label index, its offset]. */
  private match(lower: string, starts: readonly number[]): [number, number] | undefined {
    let bestIdx = starts.length;
    let bestOff = -1;
    for (const e of this.written) {
      let i = lower.length - 1;
      let j = e.text.length - 1;
      while (i >= 0 && j >= 0 && lower.charCodeAt(i) === e.text.charCodeAt(j)) {
        i--;
        j--;
      }
      let s = i + 1;
      let t = j + 1;
      if (s >= lower.length) continue;
      if (!((s === 0 || lower.charCodeAt(s - 1) === 0x2e) && (t === 0 || e.text.charCodeAt(t - 1) === 0x2e))) {
        const dot = lower.indexOf('.', s);
        if (dot === -1) continue;
        t += dot + 1 - s;
        s = dot + 1;
      }
      const idxN = starts.indexOf(s);
      const idxE = e.starts.indexOf(t);
      if (idxN === -1 || idxE === -1) continue;
      const off = e.offsets[idxE]!;
      if (off >= 0 && idxN < bestIdx) {
        bestIdx = idxN;
        bestOff = off;
      }
    }
    return bestOff >= 0 ? [bestIdx, bestOff] : undefined;
  }

  name(name: string, compress: boolean): void {
    if (name === '' || name === '.') {
      this.u8(0);
      return;
    }
    if (name.includes('\\')) {
      this.escapedName(name);
      return;
    }
    const text = name.endsWith('.') ? name.slice(0, -1) : name;
    const lower = text.toLowerCase();
    const starts = labelStarts(lower);
    const m = this.match(lower, starts);
    const literal = m !== undefined && compress ? m[0] : starts.length;
    const offsets: number[] = [];
    if (text.length + 2 > MAX_NAME_WIRE + 1) throw new Error(`cannot encode name "${name}": longer than 255 octets`);
    for (let i = 0; i < literal; i++) {
      const from = starts[i]!;
      const to = i + 1 < starts.length ? starts[i + 1]! - 1 : text.length;
      const len = to - from;
      if (len === 0 || len > MAX_LABEL) throw new Error(`cannot encode name "${name}": label length ${len}`);
      offsets.push(this.pos < 0x4000 ? this.pos : -1);
      this.u8(len);
      scratch.write(text.slice(from, to), this.pos, 'latin1');
      this.pos += len;
    }
    if (literal < starts.length) {
      const target = m![1];
      this.u16(0xc000 | target);
      // The pointed-at suffix labels keep their offsets for later names.
      const e = this.written.find((w) => w.offsets.includes(target))!;
      const k = e.offsets.indexOf(target);
      for (let i = k; i < e.offsets.length; i++) offsets.push(e.offsets[i]!);
    } else this.u8(0);
    if (offsets.length === starts.length) this.written.push({ text: lower, starts, offsets });
  }

  /** Names with escapes are rare (only echoed from odd queries): written in full, never reused. */
  private escapedName(name: string): void {
    let total = 1;
    for (const label of splitName(name)) {
      const bytes = labelBytes(label);
      if (bytes.length === 0 || bytes.length > MAX_LABEL) throw new Error(`cannot encode name "${name}": label length ${bytes.length}`);
      total += bytes.length + 1;
      if (total > MAX_NAME_WIRE) throw new Error(`cannot encode name "${name}": longer than 255 octets`);
      this.u8(bytes.length);
      for (const b of bytes) this.u8(b);
    }
    this.u8(0);
  }

  record(rr: ResourceRecord): void {
    this.name(rr.name, true);
    this.u16(TYPE_CODE[rr.type]);
    this.u16(1);
    this.u32(rr.ttl);
    const lenAt = this.pos;
    this.pos += 2;
    switch (rr.type) {
      case 'A':
        writeIPv4(rr.data, this);
        break;
      case 'AAAA':
        scratch.set(ipv6Bytes(rr.data), this.pos);
        this.pos += 16;
        break;
      case 'CNAME':
      case 'PTR':
      case 'NS':
        this.name(rr.data, true);
        break;
      case 'SRV':
        this.u16(rr.data.priority);
        this.u16(rr.data.weight);
        this.u16(rr.data.port);
        this.name(rr.data.target, false);
        break;
      case 'TXT':
        for (const s of rr.data) {
          const b = Buffer.from(s, 'utf8');
          if (b.length > 255) throw new Error('TXT string longer than 255 octets');
          this.u8(b.length);
          scratch.set(b, this.pos);
          this.pos += b.length;
        }
        break;
      case 'SOA':
        this.name(rr.data.mname, true);
        this.name(rr.data.rname, true);
        this.u32(rr.data.serial);
        this.u32(rr.data.refresh);
        this.u32(rr.data.retry);
        this.u32(rr.data.expire);
        this.u32(rr.data.minimum);
        break;
    }
    const rdlen = this.pos - lenAt - 2;
    scratch[lenAt] = rdlen >>> 8;
    scratch[lenAt + 1] = rdlen & 0xff;
  }
}

function writeIPv4(text: string, w: Writer): void {
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 255) throw new Error(`bad IPv4 address "${text}"`);
      w.u8(part);
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      part = part * 10 + (c - 0x30);
      digits++;
    } else throw new Error(`bad IPv4 address "${text}"`);
  }
  if (parts !== 4) throw new Error(`bad IPv4 address "${text}"`);
}

/** Writes records while they fit in `budget`; returns how many were written. */
function writeSection(w: Writer, rrs: readonly ResourceRecord[], budget: number): number {
  for (let i = 0; i < rrs.length; i++) {
    const start = w.pos;
    w.record(rrs[i]!);
    if (w.pos > budget) {
      w.pos = start;
      return i;
    }
  }
  return rrs.length;
}

export interface EmitResult {
  readonly bytes: Buffer;
  readonly truncated: boolean;
  /** Records actually written per section (after truncation). */
  readonly counts: { readonly answer: number; readonly authority: number; readonly additional: number };
}

/**
 * Writes `msg` in at most `limit` octets (clamped to [512, 65535]).
 * Throws only for data that cannot be encoded (a bad address or an over-long name),
 * which is a bug upstream of the writer.
 */
export function emitMessage(msg: ResponseMessage, limit: number): EmitResult {
  const max = Math.min(MAX_MESSAGE_SIZE, Math.max(512, limit));
  const budget = max - (msg.edns !== undefined ? OPT_RR_SIZE : 0);
  const w = new Writer();
  let qd = 0;
  if (msg.question !== undefined) {
    w.questionName(msg.question.wire, msg.question.lower);
    w.u16(msg.question.type);
    w.u16(msg.question.class);
    qd = 1;
  }
  const counts = { answer: 0, authority: 0, additional: 0 };
  // Answer and authority records that do not fit set TC and end the message; additional ones just end it.
  let tc = false;
  let n = writeSection(w, msg.answer, budget);
  counts.answer = n;
  if (n < msg.answer.length) tc = true;
  else {
    n = writeSection(w, msg.authority, budget);
    counts.authority = n;
    if (n < msg.authority.length) tc = true;
    else counts.additional = writeSection(w, msg.additional, budget);
  }
  let ar = counts.additional;
  if (msg.edns !== undefined) {
    w.u8(0);
    w.u16(QType.OPT);
    w.u16(msg.edns.udpSize);
    w.u8((msg.rcode >>> 4) & 0xff);
    w.u8(0);
    w.u16(msg.edns.do ? 0x8000 : 0);
    w.u16(0);
    ar++;
  }
  const flags =
    Flag.QR |
    ((msg.opcode & 0xf) << 11) |
    (msg.flags.aa ? Flag.AA : 0) |
    (tc ? Flag.TC : 0) |
    (msg.flags.rd ? Flag.RD : 0) |
    (msg.flags.ra ? Flag.RA : 0) |
    (msg.flags.cd ? Flag.CD : 0) |
    (msg.rcode & 0xf);
  scratch.writeUInt16BE(msg.id & 0xffff, 0);
  scratch.writeUInt16BE(flags, 2);
  scratch.writeUInt16BE(qd, 4);
  scratch.writeUInt16BE(counts.answer, 6);
  scratch.writeUInt16BE(counts.authority, 8);
  scratch.writeUInt16BE(ar, 10);
  const bytes = Buffer.allocUnsafe(w.pos);
  scratch.copy(bytes, 0, 0, w.pos);
  return { bytes, truncated: tc, counts };
}
