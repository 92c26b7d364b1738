// curl (7.88 wording) over the pod's stack:
//   curl [-s] [-S] [-v] [-i] [-I] [-f] [-o FILE] [-m|--max-time N] [--connect-timeout N]
//        [-H 'Name: value'] [-X METHOD] [-d DATA] [-A UA] [-w FORMAT] URL
// URL forms: `name`, `name:port`, `http://host[:port]/path`. Names go through the
// pod's stub resolver (resolver.ts). Errors and exit codes are curl's:
//   (6) Could not resolve host: foo
//   (7) Failed to connect to 10.1.2.3 port 80 after 3 ms: Connection refused
//   (28) Connection timed out after 5001 milliseconds          (--max-time while connecting)
//   (52) Empty reply from server, (56) Recv failure: Connection reset by peer
// curl notices an expired --max-time on its next wake-up; here that is one millisecond
// after the deadline, hence "after 5001 milliseconds" for -m 5.
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { NetError, strerror, type NetErrorCode, type TcpSocket } from '../host/index.js';
import { EXIT_INTERRUPTED, type Proc } from './app-context.js';
import { keepAlive, ResponseReader, type HttpResponse } from './http-message.js';
import { kubeletHostsFile, parseHosts, parseResolvConf } from './resolv-conf.js';
import { StubResolver } from './resolver.js';
import { waitFor } from './wait.js';

export const CURL_VERSION = '7.88.1';

interface CurlArgs {
  url?: string;
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  include: boolean;
  head: boolean;
  fail: boolean;
  discardBody: boolean;
  maxTimeMs?: number;
  connectTimeoutMs?: number;
  headers: string[];
  method?: string;
  data?: string;
  userAgent: string;
  writeOut?: string;
}

type Parsed = { readonly kind: 'ok'; readonly a: CurlArgs } | { readonly kind: 'error'; readonly code: number; readonly message: string };

const WITH_VALUE: Record<string, string> = {
  o: 'output', m: 'max-time', H: 'header', X: 'request', d: 'data', A: 'user-agent', w: 'write-out', e: 'referer', u: 'user',
};
const FLAGS: Record<string, string> = { s: 'silent', S: 'show-error', v: 'verbose', i: 'include', I: 'head', f: 'fail', L: 'location', k: 'insecure', '4': 'ipv4', N: 'no-buffer' };

function parseArgs(args: readonly string[]): Parsed {
  const a: CurlArgs = { silent: false, showError: false, verbose: false, include: false, head: false, fail: false, discardBody: false, headers: [], userAgent: `curl/${CURL_VERSION}` };
  const opts: [string, string | undefined][] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--') && arg.length > 2) {
      const [name, inline] = arg.slice(2).split('=', 2) as [string, string?];
      const needs = Object.values(WITH_VALUE).includes(name) || name === 'connect-timeout' || name === 'data-raw' || name === 'data-binary' || name === 'resolve' || name === 'noproxy';
      if (needs) {
        const v = inline ?? args[++i];
        if (v === undefined) return { kind: 'error', code: 2, message: `curl: option --${name}: requires parameter\n` };
        opts.push([name, v]);
      } else opts.push([name, undefined]);
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j]!;
        const long = WITH_VALUE[c];
        if (long !== undefined) {
          const v = j + 1 < arg.length ? arg.slice(j + 1) : args[++i];
          if (v === undefined) return { kind: 'error', code: 2, message: `curl: option -${c}: requires parameter\n` };
          opts.push([long, v]);
          break;
        }
        const flag = FLAGS[c];
        if (flag === undefined) return { kind: 'error', code: 2, message: `curl: option -${c}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n` };
        opts.push([flag, undefined]);
      }
    } else if (a.url === undefined) a.url = arg;
  }
  for (const [name, v] of opts) {
    switch (name) {
      case 'silent': a.silent = true; break;
      case 'show-error': a.showError = true; break;
      case 'verbose': a.verbose = true; break;
      case 'include': a.include = true; break;
      case 'head': a.head = true; break;
      case 'fail': a.fail = true; break;
      case 'output': a.discardBody = true; break;
      case 'header': a.headers.push(v!); break;
      case 'request': a.method = v!; break;
      case 'data': case 'data-raw': case 'data-binary': a.data = a.data === undefined ? v! : `${a.data}&${v!}`; break;
      case 'user-agent': a.userAgent = v!; break;
      case 'referer': a.headers.push(`Referer: ${v!}`); break;
      case 'write-out': a.writeOut = v!; break;
      case 'max-time':
      case 'connect-timeout': {
        const n = Number(v);
        if (Number.isNaN(n) || n < 0) return { kind: 'error', code: 2, message: `curl: option --${name}: expected a proper numerical parameter\n` };
        if (name === 'max-time') a.maxTimeMs = n * 1000;
        else a.connectTimeoutMs = n * 1000;
        break;
      }
      case 'location': case 'insecure': case 'ipv4': case 'no-buffer': case 'user': case 'resolve': case 'noproxy':
      case 'http1.1': case 'compressed': case 'progress-bar': case 'no-progress-meter':
        break;
      default:
        return { kind: 'error', code: 2, message: `curl: option --${name}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n` };
    }
  }
  return { kind: 'ok', a };
}

export interface ParsedUrl {
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  /** The Host header: host, plus :port when it is not the default. */
  readonly authority: string;
}

export function parseUrl(url: string): ParsedUrl | 'bad' | { readonly unsupported: string } {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/)?([^/:?#\s@]+)(?::(\d*))?([/?#][^\s]*)?$/.exec(url);
  if (m === null || (m[1] === undefined && url.includes('://'))) return 'bad';
  const scheme = (m[1] ?? 'http').toLowerCase();
  if (scheme !== 'http') return { unsupported: scheme };
  const port = m[3] === undefined || m[3] === '' ? 80 : Number(m[3]);
  if (port < 1 || port > 65535) return 'bad';
  let path = (m[4] ?? '/').replace(/#.*$/, '');
  if (path.startsWith('?')) path = `/${path}`;
  const host = m[2]!.toLowerCase();
  return { scheme, host, port, path, authority: port === 80 ? host : `${host}:${port}` };
}

function buildRequest(a: CurlArgs, u: ParsedUrl): { text: string; method: string } {
  const method = a.method ?? (a.head ? 'HEAD' : a.data !== undefined ? 'POST' : 'GET');
  const defaults: [string, string][] = [
    ['Host', u.authority],
    ['User-Agent', a.userAgent],
    ['Accept', '*/*'],
  ];
  if (a.data !== undefined) {
    defaults.push(['Content-Length', String(new TextEncoder().encode(a.data).length)]);
    defaults.push(['Content-Type', 'application/x-www-form-urlencoded']);
  }
  const custom = a.headers.map((h) => {
    const i = h.indexOf(':');
    return i < 0 ? undefined : ([h.slice(0, i).trim(), h.slice(i + 1).trim()] as [string, string]);
  });
  const lines: string[] = [`${method} ${u.path} HTTP/1.1`];
  for (const [k, v] of defaults) {
    const over = custom.find((c) => c !== undefined && c[0].toLowerCase() === k.toLowerCase());
    if (over === undefined) lines.push(`${k}: ${v}`);
    else if (over[1] !== '') lines.push(`${over[0]}: ${over[1]}`);
  }
  for (const c of custom) {
    if (c === undefined || c[1] === '' || defaults.some(([k]) => k.toLowerCase() === c[0].toLowerCase())) continue;
    lines.push(`${c[0]}: ${c[1]}`);
  }
  return { text: lines.join('\r\n') + '\r\n\r\n' + (a.data ?? ''), method };
}

export async function curl(argv: readonly string[], p: Proc): Promise<number> {
  const parsed = parseArgs(argv.slice(1));
  if (parsed.kind === 'error') {
    p.err(parsed.message);
    return parsed.code;
  }
  const a = parsed.a;
  const fail = (code: number, message: string): number => {
    if (!a.silent || a.showError) p.err(`curl: (${code}) ${message}\n`);
    return code;
  };
  if (a.url === undefined) {
    p.err("curl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const u = parseUrl(a.url);
  if (u === 'bad') return fail(3, 'URL using bad/illegal format or missing URL');
  if ('unsupported' in u) return fail(1, `Protocol "${u.unsupported}" not supported or disabled in libcurl`);

  const { ctx } = p;
  const clock = ctx.clock;
  const start = clock.now();
  const elapsed = (): number => Math.round(clock.now() - start);
  // Remaining budget for a phase: --max-time overall, --connect-timeout while connecting.
  const budget = (connecting: boolean): number | undefined => {
    const total = a.maxTimeMs === undefined ? undefined : a.maxTimeMs + 1 - (clock.now() - start);
    const conn = connecting && a.connectTimeoutMs !== undefined ? a.connectTimeoutMs + 1 - (clock.now() - start) : undefined;
    if (total === undefined) return conn;
    return conn === undefined ? total : Math.min(total, conn);
  };
  const verbose = (s: string): void => {
    if (a.verbose) p.err(s);
  };

  // 1. Resolve.
  const resolver = new StubResolver({ stack: ctx.stack, clock, conf: parseResolvConf(ctx.resolvConf), hosts: parseHosts(ctx.hostsFile ?? kubeletHostsFile(ctx.podIP, ctx.hostname)) });
  // The lookup gets its own signal so a --max-time expiry also stops its retries.
  const lookupStop = new AbortController();
  const stopLookup = (): void => lookupStop.abort(p.signal.reason);
  p.signal.addEventListener('abort', stopLookup, { once: true });
  const resolved = await waitFor(clock, resolver.lookup(u.host, lookupStop.signal), budget(true), p.signal);
  p.signal.removeEventListener('abort', stopLookup);
  if (resolved.kind !== 'value') lookupStop.abort('terminate');
  if (resolved.kind === 'aborted' || (resolved.kind === 'value' && resolved.value.kind === 'aborted')) return EXIT_INTERRUPTED;
  if (resolved.kind === 'timeout') return fail(28, `Resolving timed out after ${elapsed()} milliseconds`);
  if (resolved.value.kind !== 'found') return fail(6, `Could not resolve host: ${u.host}`);
  const ip: IPv4 = resolved.value.addresses[0]!;
  const ipText = formatIPv4(ip);

  // 2. Connect.
  verbose(`*   Trying ${ipText}:${u.port}...\n`);
  let abandoned = false;
  const connecting = ctx.stack.connect(ip, u.port).then(
    (s) => {
      if (abandoned) s.destroy();
      return { ok: true as const, s };
    },
    (e: unknown) => ({ ok: false as const, code: (e instanceof NetError ? e.code : 'EINVAL') as NetErrorCode }),
  );
  const c = await waitFor(clock, connecting, budget(true), p.signal);
  if (c.kind !== 'value') abandoned = true;
  if (c.kind === 'aborted') return EXIT_INTERRUPTED;
  if (c.kind === 'timeout') return fail(28, `Connection timed out after ${elapsed()} milliseconds`);
  if (!c.value.ok) {
    const code = c.value.code === 'ETIMEDOUT' ? 28 : 7;
    verbose(`* connect to ${ipText} port ${u.port} failed: ${strerror(c.value.code)}\n`);
    return fail(code, `Failed to connect to ${u.host} port ${u.port} after ${elapsed()} ms: ${strerror(c.value.code)}`);
  }
  const sock = c.value.s;
  verbose(`* Connected to ${u.host} (${ipText}) port ${u.port} (#0)\n`);
  try {
    return await exchange(p, a, u, sock, budget, elapsed, fail, verbose, ipText);
  } finally {
    if (sock.writable) sock.end();
  }
}

async function exchange(
  p: Proc,
  a: CurlArgs,
  u: ParsedUrl,
  sock: TcpSocket,
  budget: (connecting: boolean) => number | undefined,
  elapsed: () => number,
  fail: (code: number, message: string) => number,
  verbose: (s: string) => void,
  ipText: string,
): Promise<number> {
  const clock = p.ctx.clock;
  const req = buildRequest(a, u);
  for (const line of req.text.split('\r\n\r\n')[0]!.split('\r\n')) verbose(`> ${line}\n`);
  verbose('> \n');
  const reader = new ResponseReader(req.method === 'HEAD');
  let wake: (() => void) | undefined;
  let reset: NetErrorCode | undefined;
  sock.onData((chunk) => {
    reader.push(chunk);
    wake?.();
  });
  sock.onEnd(() => {
    reader.end();
    wake?.();
  });
  sock.onClose((r) => {
    if (r.kind === 'error') reset = r.error;
    reader.end();
    wake?.();
  });
  // Handlers first: on a zero-delay wire the whole reply (FIN included) can arrive inside
  // write(), and an end event nobody listens for is not delivered again.
  try {
    sock.write(req.text);
  } catch {
    return fail(55, 'Failed sending data to the peer');
  }
  let res: HttpResponse | undefined;
  for (;;) {
    const r = reader.read();
    if (r.kind === 'response') {
      res = r.res;
      break;
    }
    if (reset !== undefined && r.kind !== 'not-http') return fail(56, `Recv failure: ${strerror(reset)}`);
    if (r.kind === 'empty') return fail(52, 'Empty reply from server');
    if (r.kind === 'not-http') return fail(1, 'Received HTTP/0.9 when not allowed');
    if (r.kind === 'bad-framing') return fail(8, 'Weird server reply');
    if (r.kind === 'truncated') {
      return fail(18, r.missing === undefined ? 'transfer closed with outstanding read data remaining' : `transfer closed with ${r.missing} bytes remaining to read`);
    }
    const arrived = new Promise<void>((resolve) => (wake = resolve));
    const w = await waitFor(clock, arrived, budget(false), p.signal);
    wake = undefined;
    if (w.kind === 'aborted') {
      sock.destroy();
      return EXIT_INTERRUPTED;
    }
    if (w.kind === 'timeout') {
      const total = reader.expectedLength();
      const got = reader.bodyReceived();
      return fail(28, `Operation timed out after ${elapsed()} milliseconds with ${total === undefined ? got : `${got} out of ${total}`} bytes received`);
    }
  }
  for (const line of res.headLines) verbose(`< ${line}\n`);
  verbose('< \n');
  if (a.fail && res.status >= 400) {
    verbose('* Closing connection 0\n');
    return fail(22, `The requested URL returned error: ${res.status}`);
  }
  const bodyText = new TextDecoder().decode(res.body);
  let out = '';
  if (a.include || a.head) out += res.headLines.join('\r\n') + '\r\n\r\n';
  if (!a.discardBody && !a.head) out += bodyText;
  if (out !== '') p.out(out);
  if (a.writeOut !== undefined) p.out(writeOut(a.writeOut, res, u, ipText, elapsed()));
  const persist = !res.closeDelimited && keepAlive(res.version, res.headers);
  verbose(persist ? `* Connection #0 to host ${u.host} left intact\n` : '* Closing connection 0\n');
  return 0;
}

/** -w: the handful of variables scripts use. */
function writeOut(fmt: string, res: HttpResponse, u: ParsedUrl, ip: string, ms: number): string {
  const vars: Record<string, string> = {
    http_code: String(res.status).padStart(3, '0'),
    response_code: String(res.status),
    remote_ip: ip,
    remote_port: String(u.port),
    size_download: String(res.body.length),
    time_total: (ms / 1000).toFixed(6),
    url_effective: `http://${u.authority}${u.path}`,
  };
  return fmt
    .replace(/%\{([a-z_]+)\}/g, (m, k: string) => vars[k] ?? m)
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\r/g, '\r');
}
