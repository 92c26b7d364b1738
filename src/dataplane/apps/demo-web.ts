// The demo web app of dumlutimuralp/nsx-demo (and of nginx-like images): HTTP/1.1 on
// TCP :80, answering `/` with a page that names the pod and its IP, so a curl through a
// Service shows which backend answered:
//   Hello, this web-page is served by: nsxtestapp-5bfcc97b5-pmkw6
//   The containers private IP is: 172.25.5.3
// Behaves like nginx serving one static file: GET/HEAD on / (and /index.html) -> 200,
// other paths -> 404, other methods -> 405, malformed requests -> 400 and close,
// keep-alive by default for HTTP/1.1 (75 s idle timeout, 1000 requests per
// connection), `Connection: close` honoured. Every response is logged in nginx's
// "combined" format to the container log.
import type { Clock, TimerHandle } from '../../core/clock.js';
import { formatIPv4 } from '../../core/ip.js';
import { err, ok, type Result } from '../../core/result.js';
import type { NetErrorCode, TcpListener, TcpSocket } from '../host/index.js';
import type { AppContext } from './app-context.js';
import { header, keepAlive, RequestReader, type HttpRequest } from './http-message.js';

export const NGINX_VERSION = 'nginx/1.25.3';

export interface DemoWebOptions {
  readonly port?: number;
  /** nginx keepalive_timeout (75 s). */
  readonly keepAliveTimeoutMs?: number;
  /** nginx keepalive_requests (1000). */
  readonly maxRequestsPerConnection?: number;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Not Allowed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Large',
  501: 'Not Implemented',
  505: 'HTTP Version Not Supported',
};

/** The page. Each sentence sits on a line of its own so a terminal shows it as in the article. */
export function demoPage(podName: string, podIP: string): string {
  return (
    '<!DOCTYPE html>\n' +
    '<html>\n' +
    '<head>\n' +
    '<title>NSX-T Demo App</title>\n' +
    '</head>\n' +
    '<body>\n' +
    '<h2>NSX-T Demo App</h2>\n' +
    '<p>\n' +
    `Hello, this web-page is served by: ${podName}\n` +
    '<br>\n' +
    `The containers private IP is: ${podIP}\n` +
    '</p>\n' +
    '</body>\n' +
    '</html>\n'
  );
}

/** nginx's built-in error page. */
function errorPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? ''}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>${NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** RFC 9110 IMF-fixdate: "Thu, 26 Nov 2026 05:00:00 GMT". */
export function httpDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} GMT`;
}

/** nginx $time_local in UTC: "26/Nov/2026:05:00:00 +0000". */
export function logTime(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

/** nginx escapes '"', '\' and non-printable bytes in logged variables as \xHH. */
function logEscape(s: string): string {
  return s.replace(/["\\\x00-\x1f\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** One line of nginx's "combined" log format. */
export function combinedLogLine(remote: string, timeMs: number, requestLine: string, status: number, bodyBytes: number, referer: string | undefined, userAgent: string | undefined): string {
  const v = (s: string | undefined): string => (s === undefined || s === '' ? '-' : logEscape(s));
  return `${remote} - - [${logTime(timeMs)}] "${logEscape(requestLine)}" ${status} ${bodyBytes} "${v(referer)}" "${v(userAgent)}"`;
}

export class DemoWebServer {
  private readonly conns = new Set<TcpSocket>();
  private served = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly listener: TcpListener,
    private readonly opts: Required<DemoWebOptions>,
  ) {
    listener.onConnection((s) => this.accept(s));
  }

  get port(): number {
    return this.listener.port;
  }

  /** Responses sent so far. */
  get requestsServed(): number {
    return this.served;
  }

  close(): void {
    this.listener.close();
    for (const s of this.conns) s.destroy();
    this.conns.clear();
  }

  private accept(sock: TcpSocket): void {
    this.conns.add(sock);
    const clock: Clock = this.ctx.clock;
    const reader = new RequestReader();
    let timer: TimerHandle | undefined;
    let handled = 0;
    let closing = false;
    const remote = formatIPv4(sock.remoteAddress);
    const armIdle = (): void => {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = clock.setTimeout(() => {
        timer = undefined;
        // Idle keep-alive (or a request that never completed): nginx closes quietly.
        closing = true;
        if (sock.writable) sock.end();
      }, this.opts.keepAliveTimeoutMs);
    };
    const finish = (): void => {
      closing = true;
      if (sock.writable) sock.end();
    };
    armIdle();
    sock.onData((chunk) => {
      if (closing) return;
      reader.push(chunk);
      for (;;) {
        const r = reader.next();
        if (r.kind === 'incomplete') break;
        if (r.kind === 'error') {
          this.respond(sock, remote, r.requestLine, r.status, false, undefined, undefined);
          finish();
          break;
        }
        handled++;
        const persist = keepAlive(r.req.version, r.req.headers) && handled < this.opts.maxRequestsPerConnection;
        this.serve(sock, remote, r.req, persist);
        if (!persist) {
          finish();
          break;
        }
      }
      if (!closing) armIdle();
    });
    sock.onEnd(() => {
      // The client is done sending; anything half-received will never complete.
      finish();
    });
    sock.onClose(() => {
      if (timer !== undefined) clock.clearTimeout(timer);
      this.conns.delete(sock);
    });
  }

  private serve(sock: TcpSocket, remote: string, req: HttpRequest, persist: boolean): void {
    const path = (/^https?:\/\/[^/]*(\/.*)?$/i.exec(req.target)?.[1] ?? req.target).replace(/[?#].*$/, '');
    const known = path === '/' || path === '/index.html';
    let status = 200;
    if (!known) status = 404;
    else if (req.method !== 'GET' && req.method !== 'HEAD') status = 405;
    const page = status === 200 ? demoPage(this.ctx.podName, formatIPv4(this.ctx.podIP)) : undefined;
    this.respond(sock, remote, req.requestLine, status, persist, req, page);
  }

  private respond(sock: TcpSocket, remote: string, requestLine: string, status: number, persist: boolean, req: HttpRequest | undefined, page: string | undefined): void {
    const now = this.ctx.clock.now();
    const body = new TextEncoder().encode(page ?? errorPage(status));
    const head =
      `HTTP/1.1 ${status} ${REASONS[status] ?? ''}\r\n` +
      `Server: ${NGINX_VERSION}\r\n` +
      `Date: ${httpDate(now)}\r\n` +
      `Content-Type: text/html\r\n` +
      `Content-Length: ${body.length}\r\n` +
      `Connection: ${persist ? 'keep-alive' : 'close'}\r\n` +
      '\r\n';
    const isHead = req?.method === 'HEAD';
    try {
      sock.write(isHead ? head : concat(new TextEncoder().encode(head), body));
    } catch {
      // The peer reset the connection under us; the log line still records the attempt.
    }
    this.served++;
    const ua = req === undefined ? undefined : header(req.headers, 'user-agent');
    const referer = req === undefined ? undefined : header(req.headers, 'referer');
    this.ctx.log(combinedLogLine(remote, now, requestLine, status, isHead ? 0 : body.length, referer, ua));
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Starts listening on the pod's stack. EADDRINUSE if something already holds the port. */
export function startDemoWeb(ctx: AppContext, opts: DemoWebOptions = {}): Result<DemoWebServer, NetErrorCode> {
  const full: Required<DemoWebOptions> = {
    port: opts.port ?? 80,
    keepAliveTimeoutMs: opts.keepAliveTimeoutMs ?? 75_000,
    maxRequestsPerConnection: opts.maxRequestsPerConnection ?? 1000,
  };
  const l = ctx.stack.listen(full.port);
  if (!l.ok) return err(l.error);
  return ok(new DemoWebServer(ctx, l.value, full));
}
