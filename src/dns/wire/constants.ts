// DNS numbers (RFC 1035, 2782, 3596, 6891) used by the parser, the writer and the engine.

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** Extended (12-bit) rcode: the low 4 bits go in the header, the rest in the OPT record. */
  BADVERS: 16,
} as const;
export type RcodeValue = (typeof Rcode)[keyof typeof Rcode];

const rcodeNames: Record<number, string> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 16: 'BADVERS' };
export function rcodeName(rcode: number): string {
  return rcodeNames[rcode] ?? `RCODE${rcode}`;
}

export const QType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

export const QClass = { IN: 1, CH: 3, NONE: 254, ANY: 255 } as const;

/** Record types the writer can emit from structured data. */
export type RecordTypeName = 'A' | 'AAAA' | 'CNAME' | 'PTR' | 'NS' | 'SOA' | 'SRV' | 'TXT';

export const typeCode: Readonly<Record<RecordTypeName, number>> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
};

// The type label CoreDNS uses in its metrics: well-known types by name, the rest "other".
const metricTypeNames: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV',
  35: 'NAPTR', 39: 'DNAME', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 50: 'NSEC3',
  51: 'NSEC3PARAM', 64: 'SVCB', 65: 'HTTPS', 251: 'IXFR', 252: 'AXFR', 255: 'ANY',
};
export function typeMetricName(qtype: number): string {
  return metricTypeNames[qtype] ?? 'other';
}

export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

export const Flag = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  AD: 0x0020,
  CD: 0x0010,
} as const;

/** RFC 1035 4.2.1: a UDP message without EDNS carries at most 512 octets. */
export const CLASSIC_UDP_SIZE = 512;
/** Largest UDP payload we ever send, whatever the client advertises. */
export const MAX_UDP_SIZE = 4096;
export const MAX_MESSAGE_SIZE = 65535;
export const HEADER_SIZE = 12;
/** Size of an OPT record with no options: root name, type, class, ttl, rdlength. */
export const OPT_RR_SIZE = 11;
