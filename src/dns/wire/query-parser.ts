// Parses an incoming query once, at the edge. The outcome is a union:
//   drop   — not worth answering: no complete header, or a response (QR set; answering
//            responses invites reflection loops).
//   error  — a header we can answer: FORMERR (bad question count or section counts, a
//            malformed name or record), NOTIMP (opcode other than QUERY), BADVERS (EDNS
//            version above 0). The question is echoed when it parsed.
//   query  — one well-formed question plus the EDNS facts.
// Section-count limits follow what miekg/dns (CoreDNS's server) accepts: qdcount 1,
// ancount <= 1, nscount <= 1, arcount <= 2.
import * as C from './constants.js';
import { labelText, MAX_NAME_WIRE as MAX_NAME, skipName } from './names.js';
import type { Edns, Question } from './types.js';

// Module-local copies: under the tsx loader every use of an imported binding is a getter
// call, which showed up as a quarter of the hot path.
const HEADER_SIZE = C.HEADER_SIZE;
const MAX_NAME_WIRE = MAX_NAME;
const OPCODE_QUERY = C.Opcode.QUERY;
const TYPE_OPT = C.QType.OPT;
const FORMERR = C.Rcode.FORMERR;
const NOTIMP = C.Rcode.NOTIMP;
const BADVERS = C.Rcode.BADVERS;

export interface ParsedQuestion extends Question {
  readonly labels: readonly string[];
  /** Wire bytes of the question name (including the terminating zero). */
  readonly wire: Uint8Array;
  readonly wireLength: number;
}

export interface QueryHeader {
  readonly id: number;
  readonly opcode: number;
  readonly rd: boolean;
  readonly cd: boolean;
}

export type ParsedQuery =
  | { readonly kind: 'drop'; readonly reason: 'short' | 'response' }
  | {
      readonly kind: 'error';
      readonly rcode: number;
      readonly header: QueryHeader;
      readonly question?: ParsedQuestion;
      readonly edns?: Edns;
      readonly reason: string;
    }
  | { readonly kind: 'query'; readonly header: QueryHeader; readonly question: ParsedQuestion; readonly edns?: Edns };

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

// Scratch for turning the question's wire bytes into text in one latin1 decode
// (length octets become dots). Synchronous use only.
const nameScratch = Buffer.alloc(MAX_NAME_WIRE + 1);

class Q implements ParsedQuestion {
  private labelsCache: readonly string[] | undefined;
  constructor(
    readonly name: string,
    readonly lower: string,
    private readonly buf: Uint8Array,
    private readonly nameEnd: number,
    readonly type: number,
    readonly class_: number,
    labels: readonly string[] | undefined,
  ) {
    this.labelsCache = labels;
  }
  get class(): number {
    return this.class_;
  }
  get labels(): readonly string[] {
    return (this.labelsCache ??= this.name === '' ? [] : this.name.split('.'));
  }
  get wire(): Uint8Array {
    return this.buf.subarray(HEADER_SIZE, this.nameEnd);
  }
  get wireLength(): number {
    return this.nameEnd - HEADER_SIZE;
  }
}

/** Reads the question at offset 12; pointers are not allowed there (nothing precedes it). */
function readQuestion(buf: Uint8Array): Q | string {
  let pos = HEADER_SIZE;
  let plain = true;
  for (;;) {
    if (pos >= buf.length) return 'question name runs past the message';
    const len = buf[pos]!;
    if (len === 0) break;
    if ((len & 0xc0) !== 0) return 'question name uses a pointer or a reserved label type';
    if (pos + 1 + len > buf.length) return 'question label runs past the message';
    if (pos + 1 + len + 1 - HEADER_SIZE > MAX_NAME_WIRE) return 'question name longer than 255 octets';
    for (let i = pos + 1; i <= pos + len; i++) {
      const c = buf[i]!;
      if (c <= 0x20 || c >= 0x7f || c === 0x2e || c === 0x5c) plain = false;
    }
    pos += len + 1;
  }
  const nameEnd = pos + 1;
  if (nameEnd + 4 > buf.length) return 'question type/class missing';
  let name: string;
  let lower: string;
  let labels: string[] | undefined;
  const wireLen = nameEnd - HEADER_SIZE;
  if (plain) {
    if (wireLen === 1) name = lower = '';
    else {
      // "\x03www\x07example\x00" -> ".www.example." in scratch, then slice off both ends.
      for (let i = 0; i < wireLen; i++) nameScratch[i] = buf[HEADER_SIZE + i]!;
      let p = 0;
      while (nameScratch[p] !== 0) {
        const l = nameScratch[p]!;
        nameScratch[p] = 0x2e;
        p += l + 1;
      }
      name = nameScratch.toString('latin1', 1, wireLen - 1);
      let hasUpper = false;
      for (let i = 1; i < wireLen - 1; i++) {
        const c = nameScratch[i]!;
        if (c >= 0x41 && c <= 0x5a) {
          nameScratch[i] = c | 0x20;
          hasUpper = true;
        }
      }
      lower = hasUpper ? nameScratch.toString('latin1', 1, wireLen - 1) : name;
    }
  } else {
    labels = [];
    for (let p = HEADER_SIZE; buf[p] !== 0; p += buf[p]! + 1) labels.push(labelText(buf, p + 1, buf[p]!));
    name = labels.join('.');
    lower = name.toLowerCase();
  }
  return new Q(name, lower, buf, nameEnd, (buf[nameEnd]! << 8) | buf[nameEnd + 1]!, (buf[nameEnd + 2]! << 8) | buf[nameEnd + 3]!, labels);
}

function formerr(header: QueryHeader, reason: string, question?: ParsedQuestion): ParsedQuery {
  return question === undefined ? { kind: 'error', rcode: FORMERR, header, reason } : { kind: 'error', rcode: FORMERR, header, question, reason };
}

export function parseQuery(buf: Uint8Array): ParsedQuery {
  if (buf.length < HEADER_SIZE) return { kind: 'drop', reason: 'short' };
  const flags = u16(buf, 2);
  if ((flags & 0x8000) !== 0) return { kind: 'drop', reason: 'response' };
  const header: QueryHeader = { id: u16(buf, 0), opcode: (flags >> 11) & 0xf, rd: (flags & 0x0100) !== 0, cd: (flags & 0x0010) !== 0 };
  const qd = u16(buf, 4);
  const an = u16(buf, 6);
  const ns = u16(buf, 8);
  const ar = u16(buf, 10);
  if (qd !== 1) {
    if (header.opcode !== OPCODE_QUERY) return { kind: 'error', rcode: NOTIMP, header, reason: `opcode ${header.opcode}` };
    return formerr(header, `qdcount ${qd}`);
  }
  const question = readQuestion(buf);
  if (typeof question === 'string') {
    if (header.opcode !== OPCODE_QUERY) return { kind: 'error', rcode: NOTIMP, header, reason: `opcode ${header.opcode}` };
    return formerr(header, question);
  }
  if (header.opcode !== OPCODE_QUERY) return { kind: 'error', rcode: NOTIMP, header, question, reason: `opcode ${header.opcode}` };
  if (an > 1 || ns > 1 || ar > 2) return formerr(header, `section counts an=${an} ns=${ns} ar=${ar}`, question);

  // Walk answer and authority records (skipped), then the additional section for OPT.
  let pos = question.wireLength + HEADER_SIZE + 4;
  let edns: Edns | undefined;
  for (let i = 0; i < an + ns + ar; i++) {
    const nameStart = pos;
    const afterName = skipName(buf, pos);
    if (afterName === undefined || afterName + 10 > buf.length) return formerr(header, 'truncated record', question);
    const type = u16(buf, afterName);
    const rdlen = u16(buf, afterName + 8);
    const end = afterName + 10 + rdlen;
    if (end > buf.length) return formerr(header, 'record data runs past the message', question);
    if (type === TYPE_OPT) {
      if (i < an + ns) return formerr(header, 'OPT outside the additional section', question);
      if (edns !== undefined) return formerr(header, 'more than one OPT record', question);
      if (afterName !== nameStart + 1 || buf[nameStart] !== 0) return formerr(header, 'OPT owner is not the root', question);
      edns = { udpSize: Math.max(512, u16(buf, afterName + 2)), version: buf[afterName + 5]!, do: (buf[afterName + 6]! & 0x80) !== 0 };
    }
    pos = end;
  }
  if (edns !== undefined && edns.version > 0) return { kind: 'error', rcode: BADVERS, header, question, edns, reason: `EDNS version ${edns.version}` };
  return edns === undefined ? { kind: 'query', header, question } : { kind: 'query', header, question, edns };
}
