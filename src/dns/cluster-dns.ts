// Assembles one cluster DNS server: index fed by informers, forwarder, handler, UDP/TCP
// listeners and (optionally) the metrics endpoint. `bin/` and the cross-component tests
// use this; the emulated DNS pods use DnsHandler directly (fed the same way).
import { InformerFactory, type ListWatcher } from '../client/index.js';
import { realClock, silentLogger, type Clock, type Logger } from '../core/index.js';
import { DnsIndex } from './cluster-index.js';
import { DnsServer } from './dns-server.js';
import type { EngineConfig } from './engine-config.js';
import { Forwarder } from './forwarder.js';
import { feedDnsIndex, type DnsFeed } from './informer-feed.js';
import { DnsMetrics, serveMetrics } from './metrics.js';
import { DnsHandler } from './query-handler.js';
import type { Upstream, UpstreamTransport } from './upstream-transport.js';

export interface ClusterDnsOptions {
  /** Either a client (a private informer factory is made) or a shared factory. */
  readonly client?: ListWatcher;
  readonly factory?: InformerFactory;
  readonly config?: Partial<EngineConfig>;
  /** Servers for names outside the cluster; none = SERVFAIL for them (the lab). */
  readonly upstreams?: readonly Upstream[];
  readonly upstreamTransport?: UpstreamTransport;
  readonly address?: string;
  readonly port?: number;
  /** Serve /metrics on this port (CoreDNS: 9153); undefined = no metrics listener. */
  readonly metricsPort?: number;
  readonly metricsAddress?: string;
  readonly cacheMaxEntries?: number;
  readonly clock?: Clock;
  readonly log?: Logger;
}

export interface RunningClusterDns {
  readonly index: DnsIndex;
  readonly handler: DnsHandler;
  readonly server: DnsServer;
  readonly metrics: DnsMetrics;
  readonly port: number;
  readonly metricsPort: number | undefined;
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

export async function startClusterDns(opts: ClusterDnsOptions): Promise<RunningClusterDns> {
  const clock = opts.clock ?? realClock;
  const log = opts.log ?? silentLogger;
  let factory = opts.factory;
  if (factory === undefined) {
    if (opts.client === undefined) throw new Error('dns: startClusterDns needs a client or an informer factory');
    factory = new InformerFactory({ client: opts.client, clock, log: log.child('informers') });
  }
  const index = new DnsIndex(clock);
  const feed: DnsFeed = feedDnsIndex(factory, index, opts.config?.pods !== undefined ? { pods: opts.config.pods } : {});
  const forwarder = new Forwarder({ upstreams: opts.upstreams ?? [], clock, ...(opts.upstreamTransport !== undefined ? { transport: opts.upstreamTransport } : {}) });
  const address = opts.address ?? '127.0.0.1';
  const metrics = new DnsMetrics();
  const handler = new DnsHandler({
    index,
    forwarder,
    metrics,
    log,
    config: { localIPs: [address], ...opts.config },
    ...(opts.cacheMaxEntries !== undefined ? { cacheMaxEntries: opts.cacheMaxEntries } : {}),
  });
  const server = new DnsServer({ handler, address, ...(opts.port !== undefined ? { port: opts.port } : {}), log });
  const { port } = await server.start();
  metrics.setServer(`dns://${address}:${port}`);
  const metricsServer = opts.metricsPort === undefined ? undefined : await serveMetrics(metrics.registry, opts.metricsAddress ?? address, opts.metricsPort);
  return {
    index,
    handler,
    server,
    metrics,
    port,
    metricsPort: metricsServer?.port,
    synced: feed.synced,
    stop: async () => {
      feed.stop();
      if (opts.factory === undefined) factory.stop();
      forwarder.close();
      await server.close();
      await metricsServer?.close();
    },
  };
}
