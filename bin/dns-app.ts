// The coredns image in the emulator: the cluster DNS server (src/dns) answering on the
// pod's own IP stack, UDP and TCP port 53 — so pods resolve through the kube-dns
// Service VIP, the NSX kube proxy's group, and a coredns pod, as in the article — and
// CoreDNS's Prometheus endpoint on TCP 9153 (`GET /metrics`).
// (bin/ wires it: src/node may not import src/dns.)
//
// Every coredns pod shares the lab's one DnsHandler, so /metrics on each pod shows the
// process-wide counters (host port queries included), not that pod's own share.
import type { DnsHandler } from '../src/dns/index.js';
import type { TcpSocket, UdpSocket } from '../src/dataplane/host/index.js';
import type { AppImage } from '../src/node/index.js';

const COREDNS_REPOSITORY = 'registry.k8s.io/coredns/coredns';
export const METRICS_PORT = 9153;
/** Request heads larger than this are refused (Go's net/http allows 1 MiB; a scrape needs far less). */
const MAX_REQUEST_HEAD = 8192;

/** What the pods' metrics endpoint needs: the Prometheus text of the handler's counters. */
export interface MetricsSource {
  render(): Promise<string>;
}

export interface ClusterDnsAppOptions {
  readonly metrics?: MetricsSource;
  readonly repository?: string;
}

export function clusterDnsApp(handler: DnsHandler, opts: ClusterDnsAppOptions = {}): AppImage {
  return {
    repository: opts.repository ?? COREDNS_REPOSITORY,
    description: 'cluster DNS server (Kubernetes DNS spec 1.1.0, CoreDNS behaviour)',
    launch(ctx) {
      const udp = ctx.stack.udpBind(53);
      const conns = new Set<TcpSocket>();
      const track = (s: TcpSocket): void => {
        conns.add(s);
        s.onClose(() => conns.delete(s));
      };
      const tcp = ctx.stack.listen(53, (s) => {
        track(s);
        let buf = new Uint8Array(0);
        s.onData((chunk) => {
          const joined = new Uint8Array(buf.length + chunk.length);
          joined.set(buf);
          joined.set(chunk, buf.length);
          buf = joined;
          // RFC 1035 4.2.2: each message is preceded by a two-byte length.
          while (buf.length >= 2) {
            const len = (buf[0]! << 8) | buf[1]!;
            if (buf.length < 2 + len) break;
            const query = buf.subarray(2, 2 + len);
            buf = buf.slice(2 + len);
            void handler.handle(query, { transport: 'tcp' }).then((resp) => {
              if (resp === undefined) return;
              const framed = new Uint8Array(resp.length + 2);
              framed[0] = resp.length >> 8;
              framed[1] = resp.length & 0xff;
              framed.set(resp, 2);
              s.write(framed);
            });
          }
        });
      });
      const metrics = opts.metrics;
      const http = metrics === undefined ? undefined : ctx.stack.listen(METRICS_PORT, (s) => {
        track(s);
        serveMetricsRequest(s, metrics);
      });
      if (!udp.ok || !tcp.ok || (http !== undefined && !http.ok)) {
        ctx.log(!udp.ok || !tcp.ok ? 'listen udp/tcp :53: bind: address already in use' : `listen tcp :${METRICS_PORT}: bind: address already in use`, 'stderr');
        if (udp.ok) udp.value.close();
        if (tcp.ok) tcp.value.close();
        if (http?.ok === true) http.value.close();
        ctx.exit(1);
        return { stop: () => 1 };
      }
      const sock: UdpSocket = udp.value;
      sock.onMessage((m) => {
        void handler.handle(m.data, { transport: 'udp' }).then((resp) => {
          if (resp !== undefined) sock.sendTo(resp, m.address, m.port);
        });
      });
      ctx.log('.:53');
      ctx.log('CoreDNS-compatible svcnet cluster DNS');
      return {
        stop() {
          sock.close();
          tcp.value.close();
          if (http?.ok === true) http.value.close();
          for (const c of conns) c.destroy();
          return 0;
        },
      };
    },
  };
}

/**
 * One HTTP/1.1 exchange per connection, then close: `GET|HEAD /metrics` → 200 with the
 * Prometheus text format (what CoreDNS's promhttp handler sends a plain scraper), any
 * other path → 404 as Go's ServeMux says it. Keep-alive is not offered (`Connection: close`).
 */
function serveMetricsRequest(s: TcpSocket, metrics: MetricsSource): void {
  let head = '';
  let done = false;
  s.onData((chunk) => {
    if (done) return;
    head += Buffer.from(chunk).toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > MAX_REQUEST_HEAD) {
        done = true;
        respond(s, 431, 'Request Header Fields Too Large', 'text/plain; charset=utf-8', '431 Request Header Fields Too Large', false);
      }
      return;
    }
    done = true;
    const [method = '', target = ''] = (head.slice(0, head.indexOf('\r\n')) || '').split(' ');
    const path = target.split('?')[0];
    if (path !== '/metrics') {
      respond(s, 404, 'Not Found', 'text/plain; charset=utf-8', '404 page not found\n', method === 'HEAD');
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      respond(s, 405, 'Method Not Allowed', 'text/plain; charset=utf-8', 'method not allowed\n', false);
      return;
    }
    metrics.render().then(
      (text) => respond(s, 200, 'OK', 'text/plain; version=0.0.4; charset=utf-8', text, method === 'HEAD'),
      (e: unknown) => respond(s, 500, 'Internal Server Error', 'text/plain; charset=utf-8', `${String(e)}\n`, false),
    );
  });
}

function respond(s: TcpSocket, status: number, reason: string, contentType: string, body: string, headOnly: boolean): void {
  const bytes = Buffer.from(body, 'utf8');
  const headText = `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${contentType}\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
  s.end(headOnly ? Buffer.from(headText, 'latin1') : Buffer.concat([Buffer.from(headText, 'latin1'), bytes]));
}
