// Prometheus metrics under CoreDNS's names and labels (plugin/metrics/vars), so existing
// dashboards and alerts work: coredns_dns_requests_total{server,zone,view,proto,family,type},
// coredns_dns_responses_total{server,zone,view,rcode,plugin},
// coredns_dns_request_duration_seconds{server,zone,view} (0.25 ms .. 8 s, doubling),
// coredns_dns_request_size_bytes / coredns_dns_response_size_bytes{server,zone,view,proto},
// coredns_dns_do_requests_total{server,zone,view}, coredns_cache_hits_total{server,type,zones,view},
// coredns_cache_misses_total{server,zones,view}.
//
// Why not prom-client's Counter/Histogram directly: they hash the label set on every
// update, which cost a tenth of the whole per-query budget. Here a query bumps plain
// numbers in arrays and maps keyed by small integers; the values are turned into
// prom-client's metric format only when the registry is scraped.
import http from 'node:http';
import { Registry, type Metric } from 'prom-client';
import { rcodeName, typeMetricName } from './wire/index.js';

const TIME_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);
const SIZE_BUCKETS = [0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3];

export type MetricsPlugin = 'kubernetes' | 'forward' | 'cache' | '';
const PLUGINS: readonly MetricsPlugin[] = ['kubernetes', 'forward', 'cache', ''];

export interface DnsMetricsOptions {
  readonly registry?: Registry;
  /** CoreDNS's `server` label, e.g. "dns://:53". */
  readonly server?: string;
  /** The server block's zone; "." in the default Corefile. */
  readonly zone?: string;
}

export interface RequestReport {
  readonly proto: 'udp' | 'tcp';
  readonly family: 4 | 6;
  readonly qtype: number;
  readonly rcode: number;
  readonly plugin: MetricsPlugin;
  readonly do: boolean;
  readonly seconds: number;
  readonly requestSize: number;
  readonly responseSize: number;
}

type Labels = Record<string, string | number>;
interface MetricValue {
  readonly value: number;
  readonly labels: Labels;
  readonly metricName?: string;
}

class Hist {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }
  values(name: string, labels: Labels): MetricValue[] {
    const out: MetricValue[] = [];
    let acc = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      acc += this.counts[i]!;
      out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: this.bounds[i]! }, value: acc });
    }
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: this.count });
    out.push({ metricName: `${name}_sum`, labels, value: this.sum });
    out.push({ metricName: `${name}_count`, labels, value: this.count });
    return out;
  }
}

/** A metric the registry can render; duck-typed to prom-client's Metric (it only calls get()). */
function scrapeOnly(name: string, help: string, type: 'counter' | 'histogram', values: () => MetricValue[]): Metric {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: () => Promise.resolve({ name, help, type, aggregator: 'sum', values: values() }),
    reset: () => {},
  };
  return metric as unknown as Metric;
}

export class DnsMetrics {
  readonly registry: Registry;
  private base: Labels;
  /** key: (proto*2 + family6) * 65536 + qtype */
  private readonly requests = new Map<number, number>();
  /** key: rcode * 4 + plugin index */
  private readonly responses = new Map<number, number>();
  private readonly duration = new Hist(TIME_BUCKETS);
  private readonly reqSize = [new Hist(SIZE_BUCKETS), new Hist(SIZE_BUCKETS)];
  private readonly respSize = [new Hist(SIZE_BUCKETS), new Hist(SIZE_BUCKETS)];
  private doCount = 0;
  private cacheSuccess = 0;
  private cacheDenial = 0;
  private cacheMiss = 0;

  constructor(opts: DnsMetricsOptions = {}) {
    this.registry = opts.registry ?? new Registry();
    const server = opts.server ?? 'dns://:53';
    const zone = opts.zone ?? '.';
    this.base = { server, zone, view: '' };
    const r = this.registry;
    r.registerMetric(
      scrapeOnly('coredns_dns_requests_total', 'Counter of DNS requests made per zone, protocol and family.', 'counter', () =>
        [...this.requests].map(([k, value]) => {
          const combo = Math.floor(k / 65536);
          return { labels: { ...this.base, proto: combo >= 2 ? 'tcp' : 'udp', family: combo % 2 === 1 ? '2' : '1', type: typeMetricName(k % 65536) }, value };
        }),
      ),
    );
    r.registerMetric(
      scrapeOnly('coredns_dns_responses_total', 'Counter of response status codes.', 'counter', () =>
        [...this.responses].map(([k, value]) => ({ labels: { ...this.base, rcode: rcodeName(Math.floor(k / 4)), plugin: PLUGINS[k % 4]! }, value })),
      ),
    );
    r.registerMetric(
      scrapeOnly('coredns_dns_request_duration_seconds', 'Histogram of the time (in seconds) each request took per zone.', 'histogram', () =>
        this.duration.count === 0 ? [] : this.duration.values('coredns_dns_request_duration_seconds', this.base),
      ),
    );
    const sizes = (name: string, hs: Hist[]) => () => hs.flatMap((h, i) => (h.count === 0 ? [] : h.values(name, { ...this.base, proto: i === 1 ? 'tcp' : 'udp' })));
    r.registerMetric(scrapeOnly('coredns_dns_request_size_bytes', 'Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.', 'histogram', sizes('coredns_dns_request_size_bytes', this.reqSize)));
    r.registerMetric(scrapeOnly('coredns_dns_response_size_bytes', 'Size of the returned response in bytes.', 'histogram', sizes('coredns_dns_response_size_bytes', this.respSize)));
    r.registerMetric(scrapeOnly('coredns_dns_do_requests_total', 'Counter of DNS requests with DO bit set per zone.', 'counter', () => (this.doCount === 0 ? [] : [{ labels: this.base, value: this.doCount }])));
    const cacheLabels = (): Labels => ({ server: this.base['server']!, zones: zone, view: '' });
    r.registerMetric(
      scrapeOnly('coredns_cache_hits_total', 'The count of cache hits.', 'counter', () => [
        { labels: { ...cacheLabels(), type: 'success' }, value: this.cacheSuccess },
        { labels: { ...cacheLabels(), type: 'denial' }, value: this.cacheDenial },
      ]),
    );
    r.registerMetric(scrapeOnly('coredns_cache_misses_total', 'The count of cache misses.', 'counter', () => [{ labels: cacheLabels(), value: this.cacheMiss }]));
  }

  /** The `server` label, once the listening address is known. */
  setServer(server: string): void {
    this.base = { ...this.base, server };
  }

  report(r: RequestReport): void {
    const tcp = r.proto === 'tcp' ? 1 : 0;
    const rk = (tcp * 2 + (r.family === 6 ? 1 : 0)) * 65536 + (r.qtype & 0xffff);
    this.requests.set(rk, (this.requests.get(rk) ?? 0) + 1);
    const pk = r.rcode * 4 + (r.plugin === 'kubernetes' ? 0 : r.plugin === 'forward' ? 1 : r.plugin === 'cache' ? 2 : 3);
    this.responses.set(pk, (this.responses.get(pk) ?? 0) + 1);
    this.duration.observe(r.seconds);
    this.reqSize[tcp]!.observe(r.requestSize);
    this.respSize[tcp]!.observe(r.responseSize);
    if (r.do) this.doCount++;
  }

  cache(hit: boolean, denial: boolean): void {
    if (!hit) this.cacheMiss++;
    else if (denial) this.cacheDenial++;
    else this.cacheSuccess++;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Serves GET /metrics (CoreDNS serves it on :9153). */
export async function serveMetrics(registry: Registry, address: string, port: number): Promise<{ readonly port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (e: unknown) => res.writeHead(500).end(String(e)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr !== null ? addr.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
