// Typed DNS values. Names are dotted text without the trailing dot ("" is the root);
// a label holding a dot or an unprintable byte is written with RFC 1035 escapes
// (`\.`, `\DDD`), which is how the parser hands such labels out.

export interface SrvData {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly target: string;
}

export interface SoaData {
  readonly mname: string;
  readonly rname: string;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  readonly minimum: number;
}

interface RRBase {
  readonly name: string;
  readonly ttl: number;
}

/** A resource record of class IN. The shape matches dns-packet's decoded answers. */
export type ResourceRecord =
  | (RRBase & { readonly type: 'A'; readonly data: string })
  | (RRBase & { readonly type: 'AAAA'; readonly data: string })
  | (RRBase & { readonly type: 'CNAME' | 'PTR' | 'NS'; readonly data: string })
  | (RRBase & { readonly type: 'SRV'; readonly data: SrvData })
  | (RRBase & { readonly type: 'TXT'; readonly data: readonly string[] })
  | (RRBase & { readonly type: 'SOA'; readonly data: SoaData });

/** The question as parsed: `name` keeps the asker's case, `lower` is for lookups. */
export interface Question {
  readonly name: string;
  readonly lower: string;
  readonly type: number;
  readonly class: number;
}

export interface Edns {
  /** Advertised UDP payload size, already raised to at least 512. */
  readonly udpSize: number;
  readonly version: number;
  /** DNSSEC OK bit. */
  readonly do: boolean;
}

export interface ResponseFlags {
  readonly aa: boolean;
  readonly rd: boolean;
  readonly ra: boolean;
  readonly cd: boolean;
}

export interface ResponseMessage {
  readonly id: number;
  readonly opcode: number;
  readonly flags: ResponseFlags;
  /** 12-bit extended rcode; values above 15 need `edns`. */
  readonly rcode: number;
  /** The question to echo: its wire bytes are copied verbatim (the asker's case survives). */
  readonly question?: { readonly wire: Uint8Array; readonly lower: string; readonly type: number; readonly class: number };
  readonly answer: readonly ResourceRecord[];
  readonly authority: readonly ResourceRecord[];
  readonly additional: readonly ResourceRecord[];
  /** Present when the query had EDNS: the OPT record we send back. */
  readonly edns?: { readonly udpSize: number; readonly do: boolean };
}
