// The NSX kube proxy of one node: ProxyDriver (informers, bounded-frequency runner,
// retry) feeding an NsxProxier. The first sync, and the one after a failed apply, is
// full; the others touch only changed Services (NsxProxier).
// Metrics use kube-proxy's names in a Registry of this proxy (`metrics.registry`).
import { NsxProxier, type NsxProxierOptions, type SyncResult } from './nsx-proxier.js';
import { ProxyDriver, type ProxyDriverOptions } from './proxy-driver.js';
import { ProxyMetrics } from './proxy-metrics.js';

export interface NsxKubeProxyOptions extends Omit<NsxProxierOptions, 'clock' | 'log'>, ProxyDriverOptions {
  readonly metrics?: ProxyMetrics;
}

export class NsxKubeProxy extends ProxyDriver<NsxProxier, SyncResult> {
  constructor(opts: NsxKubeProxyOptions) {
    super(opts, opts.metrics ?? new ProxyMetrics(), (env) => new NsxProxier({ ...opts, ...env }));
  }

  protected override logSyncFailure(r: SyncResult): void {
    if (r.outcome.kind !== 'failed') return;
    this.log.warn('sync failed; retrying with a full sync', { code: r.outcome.error.code });
  }
}
