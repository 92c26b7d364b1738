// Prometheus metrics with kube-proxy's names (pkg/proxy/metrics), one Registry per proxy
// so several proxies (one per emulated node) can live in a process.
//
// Buckets: sync duration uses kube-proxy's 1 ms * 2^k (15 buckets); network programming
// latency uses kube-proxy's 0.25 s .. 30 min buckets with finer ones below 0.25 s
// prepended, because here programming takes milliseconds, not seconds.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What observeSync needs of a sync (NsxProxier's and NetfilterProxier's results both fit). */
export interface ObservedSync {
  readonly kind: 'full' | 'partial';
  readonly outcome: { readonly kind: string };
  readonly triggerTimes: ReadonlyMap<string, readonly number[]>;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface ProxyMetricsOptions {
  /**
   * Name and help of the apply-failure counter. The default is the OpenFlow proxy's; the
   * kube-proxy modes use upstream's iptables_restore_failures_total / nftables_sync_failures_total.
   */
  readonly applyFailures?: { readonly name: string; readonly help: string };
}

const SYNC_BUCKETS = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);

function programmingBuckets(): number[] {
  const out = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2];
  out.push(0.25, 0.5);
  for (let s = 1; s <= 59; s++) out.push(s);
  for (let s = 60; s <= 115; s += 5) out.push(s);
  for (let s = 300; s <= 570; s += 30) out.push(s);
  return out;
}

export class ProxyMetrics {
  readonly registry: Registry;
  readonly syncDuration: Histogram;
  readonly syncFullDuration: Histogram;
  readonly syncPartialDuration: Histogram;
  readonly networkProgramming: Histogram;
  readonly serviceChanges: Counter;
  readonly endpointChanges: Counter;
  readonly lastSync: Gauge;
  readonly applyFailures: Counter;

  constructor(registry = new Registry(), opts: ProxyMetricsOptions = {}) {
    this.registry = registry;
    const registers = [registry];
    this.syncDuration = new Histogram({
      name: 'kubeproxy_sync_proxy_rules_duration_seconds',
      help: 'SyncProxyRules latency in seconds',
      buckets: SYNC_BUCKETS,
      registers,
    });
    this.syncFullDuration = new Histogram({
      name: 'kubeproxy_sync_full_proxy_rules_duration_seconds',
      help: 'SyncProxyRules latency in seconds for full resyncs',
      buckets: SYNC_BUCKETS,
      registers,
    });
    this.syncPartialDuration = new Histogram({
      name: 'kubeproxy_sync_partial_proxy_rules_duration_seconds',
      help: 'SyncProxyRules latency in seconds for partial resyncs',
      buckets: SYNC_BUCKETS,
      registers,
    });
    this.networkProgramming = new Histogram({
      name: 'kubeproxy_network_programming_duration_seconds',
      help: 'In Cluster Network Programming Latency in seconds',
      buckets: programmingBuckets(),
      registers,
    });
    this.serviceChanges = new Counter({
      name: 'kubeproxy_sync_proxy_rules_service_changes_total',
      help: 'Cumulative proxy rules Service changes',
      registers,
    });
    this.endpointChanges = new Counter({
      name: 'kubeproxy_sync_proxy_rules_endpoint_changes_total',
      help: 'Cumulative proxy rules Endpoint changes',
      registers,
    });
    this.lastSync = new Gauge({
      name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
      help: 'The last time proxy rules were successfully synced',
      registers,
    });
    this.applyFailures = new Counter({
      name: opts.applyFailures?.name ?? 'kubeproxy_sync_proxy_rules_openflow_apply_failures_total',
      help: opts.applyFailures?.help ?? 'Cumulative OpenFlow program apply failures (the analogue of kube-proxy iptables_restore_failures_total)',
      registers,
    });
  }

  /** Records a sync. Network programming latency is measured to `endedAt` for every trigger time. */
  observeSync(r: ObservedSync): void {
    const seconds = (r.endedAt - r.startedAt) / 1000;
    if (r.outcome.kind === 'failed') {
      this.applyFailures.inc();
      return;
    }
    this.syncDuration.observe(seconds);
    (r.kind === 'full' ? this.syncFullDuration : this.syncPartialDuration).observe(seconds);
    this.lastSync.set(r.endedAt / 1000);
    for (const times of r.triggerTimes.values()) {
      for (const t of times) this.networkProgramming.observe(Math.max(0, (r.endedAt - t) / 1000));
    }
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
