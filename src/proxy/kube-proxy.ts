// kube-proxy of one node in the generic Kubernetes dataplane (nftables or iptables mode):
// ProxyDriver (informers, bounded-frequency runner, retry) feeding a NetfilterProxier, as
// NsxKubeProxy does for OpenFlow. Every sync renders the whole program and applies it
// atomically (NetfilterProxier); a failed apply is retried after `retryIntervalMs`.
// Metrics use kube-proxy's names; apply failures count as upstream's
// iptables_restore_failures_total / nftables_sync_failures_total.
import { NetfilterProxier, type NetfilterProxierOptions, type NetfilterSyncResult } from './netfilter-proxier.js';
import { ProxyDriver, type ProxyDriverOptions } from './proxy-driver.js';
import { ProxyMetrics } from './proxy-metrics.js';

export interface KubeProxyOptions extends Omit<NetfilterProxierOptions, 'clock' | 'log'>, ProxyDriverOptions {
  readonly metrics?: ProxyMetrics;
}

const FAILURE_METRIC = {
  iptables: { name: 'kubeproxy_sync_proxy_rules_iptables_restore_failures_total', help: 'Cumulative proxy iptables restore failures' },
  nftables: { name: 'kubeproxy_sync_proxy_rules_nftables_sync_failures_total', help: 'Cumulative proxy nftables sync failures' },
} as const;

export class KubeProxy extends ProxyDriver<NetfilterProxier, NetfilterSyncResult> {
  constructor(private readonly opts: KubeProxyOptions) {
    super(opts, opts.metrics ?? new ProxyMetrics(undefined, { applyFailures: FAILURE_METRIC[opts.mode] }), (env) => new NetfilterProxier({ ...opts, ...env }));
  }

  get mode(): KubeProxyOptions['mode'] {
    return this.opts.mode;
  }

  /** The program text of the latest sync ('' before the first). */
  get lastProgram(): string {
    return this.proxier.lastProgram;
  }

  protected override logSyncFailure(r: NetfilterSyncResult): void {
    if (r.outcome.kind !== 'failed') return;
    this.log.warn('sync failed; retrying', { mode: this.opts.mode, message: r.outcome.error.message });
  }
}
