// kube-proxy's nftables mode as a pure function: the proxy model -> one `nft -f`
// transaction for table `ip kube-proxy`, laid out as kube-proxy's nftables proxier writes
// it (named verdict maps for the frontends, chains declared before the maps that name
// them, one chain per service port and per endpoint).
//
// One difference by default: the endpoint choice of a service chain is a NAMED verdict
// map per balancing chain (`numgen random mod N vmap @<chain>-endpoints`) where upstream
// writes an anonymous `vmap { 0 : goto ..., }`. The kernel handles a large transaction of
// anonymous maps quadratically (10,000 services: 165 s vs 18 s named, issue #8);
// `endpointMaps: 'anonymous'` renders upstream's form.
//
// Every line is one `add` command (the programmer's incremental sync relies on it:
// apply/nft-sync-transaction.ts).
import { categorizeEndpoints } from '../../model/categorize.js';
import type { EndpointInfo, NodeInfo, ServicePortInfo } from '../../model/types.js';
import { kubeServicePortName, nftEndpointBase, nftHashedName, nftServicePortBase } from '../kube-names.js';
import type { KubeRenderModel, KubeRenderOptions } from '../iptables/render-iptables.js';
import { allowFromNode, usesFirewall, v4SourceRanges } from '../source-ranges.js';

export interface NftRenderOptions extends KubeRenderOptions {
  /**
   * 'named' (default): one `typeof numgen random mod 1 : verdict` map per balancing chain;
   * 'anonymous': upstream's inline `numgen random mod N vmap { ... }`.
   */
  readonly endpointMaps?: 'named' | 'anonymous';
  /**
   * Add `counter` to each balancing chain's dispatch rule, each endpoint chain's dnat rule
   * and the no-endpoint reject, so a listing shows traffic (upstream has none: default false).
   */
  readonly counters?: boolean;
}

const T = 'ip kube-proxy';
const isV4 = (a: string) => /^\d+\.\d+\.\d+\.\d+$/.test(a);

const BASE = [
  `add table ${T} { comment "rules for kube-proxy" ; }`,
  `add set ${T} cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }`,
  `add map ${T} firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }`,
  `add map ${T} no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }`,
  `add map ${T} no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }`,
  `add map ${T} service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }`,
  `add map ${T} service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }`,
  `add chain ${T} cluster-ips-check`,
  `add chain ${T} filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }`,
  `add chain ${T} filter-output-pre-dnat { type filter hook output priority -110 ; }`,
  `add chain ${T} filter-forward { type filter hook forward priority 0 ; }`,
  `add chain ${T} filter-input { type filter hook input priority 0 ; }`,
  `add chain ${T} filter-output { type filter hook output priority 0 ; }`,
  `add chain ${T} firewall-check`,
  `add chain ${T} mark-for-masquerade`,
  `add chain ${T} masquerading`,
  `add chain ${T} nat-output { type nat hook output priority -100 ; }`,
  `add chain ${T} nat-postrouting { type nat hook postrouting priority 100 ; }`,
  `add chain ${T} nat-prerouting { type nat hook prerouting priority -100 ; }`,
  `add chain ${T} nodeport-endpoints-check`,
  `add chain ${T} reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }`,
  `add chain ${T} services`,
  `add chain ${T} service-endpoints-check`,
  `add rule ${T} cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"`,
  `add rule ${T} filter-prerouting-pre-dnat ct state new jump firewall-check`,
  `add rule ${T} filter-forward ct state new jump service-endpoints-check`,
  `add rule ${T} filter-forward ct state new jump cluster-ips-check`,
  `add rule ${T} filter-input ct state new jump nodeport-endpoints-check`,
  `add rule ${T} filter-input ct state new jump service-endpoints-check`,
  `add rule ${T} filter-output ct state new jump service-endpoints-check`,
  `add rule ${T} filter-output-pre-dnat ct state new jump firewall-check`,
  `add rule ${T} filter-output ct state new jump cluster-ips-check`,
  `add rule ${T} firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips`,
  `add rule ${T} mark-for-masquerade mark set mark or 0x4000`,
  `add rule ${T} masquerading mark and 0x4000 == 0 return`,
  `add rule ${T} masquerading mark set mark xor 0x4000`,
  `add rule ${T} masquerading masquerade fully-random`,
  `add rule ${T} nat-output jump services`,
  `add rule ${T} nat-postrouting jump masquerading`,
  `add rule ${T} nat-prerouting jump services`,
  `add rule ${T} nodeport-endpoints-check fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports`,
  `add rule ${T} reject-chain reject`,
  `add rule ${T} services ip daddr . meta l4proto . th dport vmap @service-ips`,
  `add rule ${T} services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports`,
  `add rule ${T} service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services`,
];

export const nftServiceChain = (p: ServicePortInfo) => nftHashedName('service', nftServicePortBase(p));
export const nftLocalChain = (p: ServicePortInfo) => nftHashedName('local', nftServicePortBase(p));
export const nftExternalChain = (p: ServicePortInfo) => nftHashedName('external', nftServicePortBase(p));
export const nftEndpointChain = (p: ServicePortInfo, e: Pick<EndpointInfo, 'ip' | 'port'>) => nftHashedName('endpoint', nftEndpointBase(p, e));
export const nftFirewallChain = (p: ServicePortInfo) => nftHashedName('firewall', nftServicePortBase(p));
const affinitySet = (p: ServicePortInfo, e: EndpointInfo) => nftHashedName('affinity', nftEndpointBase(p, e));
/** The endpoint-choice verdict map of a balancing chain (service-… or local-…). */
export const nftEndpointMap = (chain: string) => `${chain}-endpoints`;

export function renderNftables(model: KubeRenderModel, node: NodeInfo, opts: NftRenderOptions = {}): string {
  const named = opts.endpointMaps !== 'anonymous';
  const counter = opts.counters === true ? 'counter ' : '';
  const out = opts.counters === true ? BASE.map((l) => (l === `add rule ${T} reject-chain reject` ? `add rule ${T} reject-chain counter reject` : l)) : [...BASE];
  for (const svc of model.services) {
    for (const p of svc.ports) {
      const name = kubeServicePortName(p);
      const proto = p.protocol.toLowerCase();
      const cat = categorizeEndpoints(model.endpointsOf(p), p);
      const clusterIPs = p.clusterIPs.filter(isV4);
      const extIPs = [...p.externalIPs, ...p.loadBalancerIPs].filter(isV4);
      out.push('', `# ${name}`);
      for (const ip of clusterIPs) out.push(`add element ${T} cluster-ips { ${ip} }`);
      const noEndpoints = (verdict: string, ips: readonly string[], nodePort: boolean) => {
        for (const ip of ips) out.push(`add element ${T} no-endpoint-services { ${ip} . ${proto} . ${p.port} comment "${name}" : ${verdict} }`);
        if (nodePort && p.nodePort !== 0) out.push(`add element ${T} no-endpoint-nodeports { ${proto} . ${p.nodePort} comment "${name}" : ${verdict} }`);
      };
      if (!cat.hasAnyEndpoints) {
        noEndpoints('goto reject-chain', [...clusterIPs, ...extIPs], true);
        continue;
      }
      // Which endpoints each kind of traffic uses; an empty list (policy Local without a
      // local endpoint) is dropped through the no-endpoint maps, as kube-proxy does.
      const internalEps = p.internalPolicyLocal ? cat.local : cat.cluster;
      const externalEps = p.externalPolicyLocal ? cat.local : cat.cluster;
      const hasExternal = p.externallyAccessible && externalEps.length > 0;
      const useSvc = p.usesClusterEndpoints && cat.cluster.length > 0;
      const useLocal = p.usesLocalEndpoints && cat.local.length > 0;
      const svcC = nftServiceChain(p);
      const localC = nftLocalChain(p);
      const extC = nftExternalChain(p);
      const fwC = nftFirewallChain(p);
      const ranges = usesFirewall(p) ? v4SourceRanges(p) : [];
      const affinity = p.sessionAffinity.kind === 'ClientIP' ? p.sessionAffinity.timeoutSeconds : 0;
      // Chains and sets first: nft 1.0.6 wants them before a rule or element names them.
      if (affinity > 0) for (const e of cat.allReachable) out.push(`add set ${T} ${affinitySet(p, e)} { type ipv4_addr ; flags dynamic,timeout ; timeout ${affinity}s ; }`);
      if (useSvc) out.push(`add chain ${T} ${svcC}`);
      if (useLocal) out.push(`add chain ${T} ${localC}`);
      // `mod 1` only types the key (nft wants an expression for an integer key): the
      // declaration stays the same whatever the endpoint count, so a sync never recreates it.
      if (named && useSvc) out.push(`add map ${T} ${nftEndpointMap(svcC)} { typeof numgen random mod 1 : verdict ; }`);
      if (named && useLocal) out.push(`add map ${T} ${nftEndpointMap(localC)} { typeof numgen random mod 1 : verdict ; }`);
      if (p.externallyAccessible) out.push(`add chain ${T} ${extC}`);
      for (const e of cat.allReachable) out.push(`add chain ${T} ${nftEndpointChain(p, e)}`);
      if (ranges.length > 0) out.push(`add chain ${T} ${fwC}`);

      const balance = (chain: string, eps: readonly EndpointInfo[], masq: boolean) => {
        if (masq && opts.clusterCIDR !== undefined) {
          for (const ip of clusterIPs) out.push(`add rule ${T} ${chain} ip daddr ${ip} ip saddr != ${opts.clusterCIDR} jump mark-for-masquerade`);
        }
        if (affinity > 0) for (const e of eps) out.push(`add rule ${T} ${chain} ip saddr @${affinitySet(p, e)} goto ${nftEndpointChain(p, e)}`);
        if (named) {
          const m = nftEndpointMap(chain);
          out.push(`add rule ${T} ${chain} ${counter}numgen random mod ${eps.length} vmap @${m}`);
          eps.forEach((e, i) => out.push(`add element ${T} ${m} { ${i} : goto ${nftEndpointChain(p, e)} }`));
        } else {
          const arms = eps.map((e, i) => `${i} : goto ${nftEndpointChain(p, e)}`).join(' , ');
          out.push(`add rule ${T} ${chain} ${counter}numgen random mod ${eps.length} vmap { ${arms} }`);
        }
      };
      if (useSvc) balance(svcC, cat.cluster, true);
      if (useLocal) balance(localC, cat.local, false);
      if (p.externallyAccessible) {
        if (!p.externalPolicyLocal) {
          out.push(`add rule ${T} ${extC} jump mark-for-masquerade`);
        } else if (useSvc) {
          if (opts.clusterCIDR !== undefined) out.push(`add rule ${T} ${extC} ip saddr ${opts.clusterCIDR} goto ${svcC} comment "short-circuit pod traffic"`);
          out.push(`add rule ${T} ${extC} fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"`);
          out.push(`add rule ${T} ${extC} fib saddr type local goto ${svcC} comment "short-circuit local traffic"`);
        }
        if (hasExternal) out.push(`add rule ${T} ${extC} goto ${p.externalPolicyLocal ? localC : svcC}`);
      }
      for (const e of cat.allReachable) {
        const c = nftEndpointChain(p, e);
        out.push(`add rule ${T} ${c} ip saddr ${e.ip} jump mark-for-masquerade`);
        if (affinity > 0) out.push(`add rule ${T} ${c} update @${affinitySet(p, e)} { ip saddr }`);
        out.push(`add rule ${T} ${c} meta l4proto ${proto} ${counter}dnat to ${e.ip}:${e.port}`);
      }
      if (ranges.length > 0) {
        const allowed = allowFromNode(ranges, node) ? [...ranges, ...p.loadBalancerIPs.filter(isV4)] : ranges;
        out.push(`add rule ${T} ${fwC} ip saddr != { ${allowed.join(', ')} } drop`);
      }

      if (internalEps.length > 0) {
        const internal = p.internalPolicyLocal ? localC : svcC;
        for (const ip of clusterIPs) out.push(`add element ${T} service-ips { ${ip} . ${proto} . ${p.port} : goto ${internal} }`);
      } else {
        noEndpoints('drop', clusterIPs, false);
      }
      if (hasExternal) {
        for (const ip of extIPs) out.push(`add element ${T} service-ips { ${ip} . ${proto} . ${p.port} : goto ${extC} }`);
        if (p.nodePort !== 0) out.push(`add element ${T} service-nodeports { ${proto} . ${p.nodePort} : goto ${extC} }`);
      } else if (p.externallyAccessible) {
        noEndpoints('drop', extIPs, true);
      }
      if (ranges.length > 0) for (const ip of p.loadBalancerIPs.filter(isV4)) out.push(`add element ${T} firewall-ips { ${ip} . ${proto} . ${p.port} comment "${name}" : goto ${fwC} }`);
    }
  }
  out.push('');
  return out.join('\n');
}
