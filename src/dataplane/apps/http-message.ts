// HTTP/1.1 message framing (RFC 9112) for the demo web server and curl: incremental
// readers that take TCP chunks as they come and hand out whole requests / responses.
// Heads are latin1 text; bodies stay bytes. Limits follow nginx's defaults.
export type HeaderList = readonly (readonly [string, string])[];

export interface HttpRequest {
  readonly method: string;
  readonly target: string;
  readonly version: '1.0' | '1.1';
  readonly headers: HeaderList;
  readonly body: Uint8Array;
  /** The request line as received (for the access log). */
  readonly requestLine: string;
}

export interface HttpResponse {
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  readonly headers: HeaderList;
  /** Status line and header lines, without the blank line. */
  readonly headLines: readonly string[];
  readonly body: Uint8Array;
  /** The body's end was marked by the server closing the connection. */
  readonly closeDelimited: boolean;
}

/** Why a request is refused, as the status nginx answers with. */
export type RequestError = 400 | 413 | 414 | 501 | 505;

export type RequestRead =
  | { readonly kind: 'request'; readonly req: HttpRequest }
  | { readonly kind: 'error'; readonly status: RequestError; readonly requestLine: string }
  | { readonly kind: 'incomplete' };

/** nginx: large_client_header_buffers 4 8k. */
export const MAX_HEAD = 8192;
/** nginx: client_max_body_size 1m. */
export const MAX_BODY = 1 << 20;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const latin1 = new TextDecoder('latin1');

export function header(headers: HeaderList, name: string): string | undefined {
  const n = name.toLowerCase();
  return headers.find(([k]) => k.toLowerCase() === n)?.[1];
}

function headerAll(headers: HeaderList, name: string): string[] {
  const n = name.toLowerCase();
  return headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v);
}

/** Whether the connection stays open after this message (RFC 9112 9.3). */
export function keepAlive(version: string, headers: HeaderList): boolean {
  const tokens = headerAll(headers, 'connection').flatMap((v) => v.split(',').map((t) => t.trim().toLowerCase()));
  if (tokens.includes('close')) return false;
  return version === '1.1' || tokens.includes('keep-alive');
}

class Bytes {
  buf = new Uint8Array(0);
  push(chunk: Uint8Array): void {
    const next = new Uint8Array(this.buf.length + chunk.length);
    next.set(this.buf);
    next.set(chunk, this.buf.length);
    this.buf = next;
  }
  consume(n: number): void {
    this.buf = this.buf.slice(n);
  }
}

/** End of the head: index just past the blank line, and the head text; undefined if not there yet. */
function findHead(buf: Uint8Array): { readonly end: number; readonly text: string } | undefined {
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    // "\n\n" or "\n\r\n" ends the head (bare LF line ends are accepted, as nginx does).
    if (buf[i + 1] === 0x0a) return { end: i + 2, text: latin1.decode(buf.subarray(0, i)) };
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return { end: i + 3, text: latin1.decode(buf.subarray(0, i)) };
  }
  return undefined;
}

function parseHeaderLines(lines: readonly string[]): [string, string][] | undefined {
  const out: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    // Whitespace before the colon or folded lines are rejected (RFC 9112 5.1, 5.2).
    if (!TOKEN.test(name)) return undefined;
    out.push([name, line.slice(colon + 1).trim()]);
  }
  return out;
}

type BodyRead = { readonly kind: 'body'; readonly body: Uint8Array; readonly used: number } | { readonly kind: 'incomplete' } | { readonly kind: 'error' };

/** Decodes a chunked body starting at `from`; trailers are read and dropped. */
export function readChunked(buf: Uint8Array, from: number, limit = Number.POSITIVE_INFINITY): BodyRead {
  const parts: Uint8Array[] = [];
  let size = 0;
  let i = from;
  for (;;) {
    const nl = buf.indexOf(0x0a, i);
    if (nl < 0) return buf.length - i > 1024 ? { kind: 'error' } : { kind: 'incomplete' };
    const line = latin1.decode(buf.subarray(i, nl)).replace(/\r$/, '');
    const m = /^([0-9a-fA-F]{1,8})(?:\s*;.*)?$/.exec(line);
    if (m === null) return { kind: 'error' };
    const n = Number.parseInt(m[1]!, 16);
    i = nl + 1;
    if (n === 0) {
      // Trailer section up to the blank line.
      for (;;) {
        const tnl = buf.indexOf(0x0a, i);
        if (tnl < 0) return { kind: 'incomplete' };
        const t = latin1.decode(buf.subarray(i, tnl)).replace(/\r$/, '');
        i = tnl + 1;
        if (t === '') break;
      }
      const body = new Uint8Array(size);
      let o = 0;
      for (const p of parts) {
        body.set(p, o);
        o += p.length;
      }
      return { kind: 'body', body, used: i - from };
    }
    if (size + n > limit) return { kind: 'error' };
    if (buf.length < i + n + 1) return { kind: 'incomplete' };
    parts.push(buf.subarray(i, i + n));
    size += n;
    i += n;
    if (buf[i] === 0x0d) i++;
    if (i >= buf.length) return { kind: 'incomplete' };
    if (buf[i] !== 0x0a) return { kind: 'error' };
    i++;
  }
}

/** How the body of a message with these headers is delimited. */
function framing(headers: HeaderList): { readonly kind: 'chunked' } | { readonly kind: 'length'; readonly n: number } | { readonly kind: 'none' } | { readonly kind: 'bad'; readonly status: RequestError } {
  const te = headerAll(headers, 'transfer-encoding');
  if (te.length > 0) {
    const codings = te.flatMap((v) => v.split(',').map((t) => t.trim().toLowerCase()));
    return codings[codings.length - 1] === 'chunked' && codings.length === 1 ? { kind: 'chunked' } : { kind: 'bad', status: 501 };
  }
  const cl = headerAll(headers, 'content-length').flatMap((v) => v.split(',').map((t) => t.trim()));
  if (cl.length === 0) return { kind: 'none' };
  if (!cl.every((v) => /^\d{1,15}$/.test(v) && v === cl[0])) return { kind: 'bad', status: 400 };
  return { kind: 'length', n: Number(cl[0]) };
}

export class RequestReader {
  private readonly bytes = new Bytes();

  push(chunk: Uint8Array): void {
    this.bytes.push(chunk);
  }

  get buffered(): number {
    return this.bytes.buf.length;
  }

  /** One whole request off the front of the buffer, or why not. */
  next(): RequestRead {
    // RFC 9112 2.2: empty lines before a request line are ignored.
    let skip = 0;
    const b = this.bytes.buf;
    while (b[skip] === 0x0d || b[skip] === 0x0a) skip++;
    if (skip > 0) this.bytes.consume(skip);
    const buf = this.bytes.buf;
    if (buf.length === 0) return { kind: 'incomplete' };
    const head = findHead(buf);
    if (head === undefined) {
      if (buf.length <= MAX_HEAD) return { kind: 'incomplete' };
      const firstNl = buf.indexOf(0x0a);
      const line = latin1.decode(buf.subarray(0, firstNl < 0 ? Math.min(buf.length, MAX_HEAD) : firstNl)).replace(/\r$/, '');
      return { kind: 'error', status: firstNl < 0 || firstNl > MAX_HEAD ? 414 : 400, requestLine: line };
    }
    const lines = head.text.split('\n').map((l) => l.replace(/\r$/, ''));
    const requestLine = lines[0]!;
    const bad = (status: RequestError): RequestRead => {
      this.bytes.consume(buf.length);
      return { kind: 'error', status, requestLine };
    };
    if (head.end > MAX_HEAD) return bad(400);
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/(\d)\.(\d)$/.exec(requestLine);
    if (m === null) return bad(400);
    const [, method, target, major, minor] = m as unknown as [string, string, string, string, string];
    if (major !== '1') return bad(major === '0' ? 400 : 505);
    const version = minor === '0' ? '1.0' : '1.1';
    const headers = parseHeaderLines(lines.slice(1));
    if (headers === undefined) return bad(400);
    const hosts = headerAll(headers, 'host');
    if ((version === '1.1' && hosts.length !== 1) || hosts.length > 1) return bad(400);
    if (!target.startsWith('/') && !/^https?:\/\//i.test(target) && !(method === 'OPTIONS' && target === '*')) return bad(400);
    const f = framing(headers);
    let body = new Uint8Array(0);
    let used = head.end;
    if (f.kind === 'bad') return bad(f.status);
    if (f.kind === 'length') {
      if (f.n > MAX_BODY) return bad(413);
      if (buf.length < head.end + f.n) return { kind: 'incomplete' };
      body = buf.slice(head.end, head.end + f.n);
      used += f.n;
    } else if (f.kind === 'chunked') {
      const c = readChunked(buf, head.end, MAX_BODY);
      if (c.kind === 'incomplete') return { kind: 'incomplete' };
      if (c.kind === 'error') return bad(400);
      body = c.body.slice();
      used += c.used;
    }
    this.bytes.consume(used);
    return { kind: 'request', req: { method, target, version, headers, body, requestLine } };
  }
}

export type ResponseRead =
  | { readonly kind: 'response'; readonly res: HttpResponse }
  | { readonly kind: 'incomplete' }
  /** Not HTTP/1.x at all (curl: "Received HTTP/0.9 when not allowed"). */
  | { readonly kind: 'not-http' }
  /** The connection ended before anything arrived (curl 52). */
  | { readonly kind: 'empty' }
  /** The connection ended inside the body (curl 18); `missing` is known with Content-Length. */
  | { readonly kind: 'truncated'; readonly missing?: number }
  | { readonly kind: 'bad-framing' };

export class ResponseReader {
  private readonly bytes = new Bytes();
  private ended = false;

  /** `headRequest`: the response to HEAD has no body whatever its headers say. */
  constructor(private readonly headRequest: boolean) {}

  push(chunk: Uint8Array): void {
    this.bytes.push(chunk);
  }

  end(): void {
    this.ended = true;
  }

  /** Body bytes received so far (what curl reports on a timeout); 0 before the head is complete. */
  bodyReceived(): number {
    const head = findHead(this.bytes.buf);
    return head === undefined ? 0 : this.bytes.buf.length - head.end;
  }

  /** The expected body size, once the head is in and it says. */
  expectedLength(): number | undefined {
    const head = findHead(this.bytes.buf);
    if (head === undefined) return undefined;
    const f = framing(parseHeaderLines(head.text.split('\n').slice(1).map((l) => l.replace(/\r$/, ''))) ?? []);
    return f.kind === 'length' ? f.n : undefined;
  }

  read(): ResponseRead {
    const buf = this.bytes.buf;
    if (buf.length === 0) return this.ended ? { kind: 'empty' } : { kind: 'incomplete' };
    if (buf.length >= 5 && latin1.decode(buf.subarray(0, 5)) !== 'HTTP/') return { kind: 'not-http' };
    const head = findHead(buf);
    if (head === undefined) return this.ended ? { kind: 'not-http' } : buf.length > 100_000 ? { kind: 'not-http' } : { kind: 'incomplete' };
    const lines = head.text.split('\n').map((l) => l.replace(/\r$/, ''));
    const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(lines[0]!);
    const headers = parseHeaderLines(lines.slice(1));
    if (m === null || headers === undefined) return { kind: 'not-http' };
    const status = Number(m[2]);
    const done = (body: Uint8Array, closeDelimited = false): ResponseRead => ({
      kind: 'response',
      res: { version: m[1]!, status, reason: m[3] ?? '', headers, headLines: lines, body, closeDelimited },
    });
    if (this.headRequest || (status >= 100 && status < 200) || status === 204 || status === 304) return done(new Uint8Array(0));
    const f = framing(headers);
    if (f.kind === 'bad') return { kind: 'bad-framing' };
    if (f.kind === 'length') {
      const have = buf.length - head.end;
      if (have >= f.n) return done(buf.slice(head.end, head.end + f.n));
      return this.ended ? { kind: 'truncated', missing: f.n - have } : { kind: 'incomplete' };
    }
    if (f.kind === 'chunked') {
      const c = readChunked(buf, head.end);
      if (c.kind === 'body') return done(c.body.slice());
      if (c.kind === 'error') return { kind: 'bad-framing' };
      return this.ended ? { kind: 'truncated' } : { kind: 'incomplete' };
    }
    return this.ended ? done(buf.slice(head.end), true) : { kind: 'incomplete' };
  }
}
