// Settings of the answer engine, with CoreDNS's defaults (kubernetes plugin + the
// default kubeadm Corefile: `kubernetes cluster.local in-addr.arpa ip6.arpa { pods
// insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }` — except that we keep the
// plugin's own defaults of `pods disabled` and TTL 5).
import type { PodRecordsMode } from './model.js';

export interface EngineConfig {
  /** Cluster domain, lower case, no trailing dot. */
  readonly zone: string;
  /** TTL of every cluster record and of the negative-answer SOA. */
  readonly ttl: number;
  /** `<a-b-c-d>.<ns>.pod.<zone>` records: off, for any address, or only for existing pods. */
  readonly pods: PodRecordsMode;
  /** Reverse zones answered from service and endpoint addresses. */
  readonly reverseZones: readonly string[];
  /** Reverse names we have no record for go to the forwarder instead of NXDOMAIN. */
  readonly fallthroughReverse: boolean;
  /**
   * This server's own addresses (a DNS pod's IPs). They pick the NS records: the
   * services whose endpoints they are, else `ns.dns.<zone>` with these addresses.
   */
  readonly localIPs: readonly string[];
}

export const DEFAULT_ZONE = 'cluster.local';
export const DNS_SCHEMA_VERSION = '1.1.0';
/** CoreDNS serves dns-version with this TTL (8 hours). */
export const DNS_VERSION_TTL = 28800;

export const defaultEngineConfig: EngineConfig = {
  zone: DEFAULT_ZONE,
  ttl: 5,
  pods: 'disabled',
  reverseZones: ['in-addr.arpa', 'ip6.arpa'],
  fallthroughReverse: true,
  localIPs: [],
};

export function engineConfig(overrides: Partial<EngineConfig> = {}): EngineConfig {
  const c = { ...defaultEngineConfig, ...overrides };
  return { ...c, zone: c.zone.replace(/\.$/, '').toLowerCase(), reverseZones: c.reverseZones.map((z) => z.replace(/\.$/, '').toLowerCase()) };
}
