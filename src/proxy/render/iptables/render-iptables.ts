// kube-proxy's iptables mode as a pure function: the proxy model -> iptables-restore
// text (filter and nat tables, with the jumps from the built-in chains), laid out as
// kube-proxy's proxier writes it. Written in iptables-save's canonical rule form so that
// a save of the loaded program reads the same.
import { categorizeEndpoints } from '../../model/categorize.js';
import type { EndpointInfo, NodeInfo, ServiceName, ServicePortInfo } from '../../model/types.js';
import { extChain, fwChain, kubeServicePortName, sepChain, svcChain, svlChain } from '../kube-names.js';
import { allowFromNode, usesFirewall, v4SourceRanges } from '../source-ranges.js';

export interface KubeRenderModel {
  readonly services: Iterable<{ readonly name: ServiceName; readonly ports: readonly ServicePortInfo[] }>;
  readonly endpointsOf: (p: ServicePortInfo) => readonly EndpointInfo[];
}

export interface KubeRenderOptions {
  /** Pod CIDR: ClusterIP traffic from outside it is masqueraded (kube-proxy's local detector). */
  readonly clusterCIDR?: string;
}

export const MASQ_MARK = 0x4000;
const MARK = '0x4000';

const q = (s: string) => `"${s}"`;
const isV4 = (a: string) => /^\d+\.\d+\.\d+\.\d+$/.test(a);

/** %0.10f of 1/(n-i), as kube-proxy's probability(). */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

export function renderIptables(model: KubeRenderModel, node: NodeInfo, opts: KubeRenderOptions = {}): string {
  const fChains = ['KUBE-EXTERNAL-SERVICES', 'KUBE-FIREWALL', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL', 'KUBE-SERVICES'];
  const fRules: string[] = [
    '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
    '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally visible service portals" -j KUBE-EXTERNAL-SERVICES',
    '-A INPUT -j KUBE-FIREWALL',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally visible service portals" -j KUBE-EXTERNAL-SERVICES',
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -j KUBE-FIREWALL',
    '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
    `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${MARK}/${MARK} -j ACCEPT`,
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  ];
  const nChains = ['KUBE-MARK-MASQ', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-SERVICES'];
  const nRules: string[] = [
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${MARK}`,
    `-A KUBE-POSTROUTING -m mark ! --mark ${MARK}/${MARK} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${MARK}`,
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
  ];
  const services: string[] = [];
  const nodePorts: string[] = [];
  const perPort: string[] = [];

  for (const svc of model.services) {
    for (const p of svc.ports) {
      const name = kubeServicePortName(p);
      const proto = p.protocol.toLowerCase();
      const pm = `-p ${proto}`;
      const dport = `-m ${proto} --dport ${p.port}`;
      const cat = categorizeEndpoints(p.clusterIPs.length > 0 ? model.endpointsOf(p) : [], p);
      const svcC = svcChain(p);
      const svlC = svlChain(p);
      const extC = extChain(p);
      const internalC = p.internalPolicyLocal ? svlC : svcC;
      const externalIPs = [...p.externalIPs, ...p.loadBalancerIPs].filter(isV4);
      const clusterIPs = p.clusterIPs.filter(isV4);

      if (!cat.hasAnyEndpoints) {
        const c = q(`${name} has no endpoints`);
        for (const ip of clusterIPs) fRules.push(`-A KUBE-SERVICES -d ${ip}/32 ${pm} -m comment --comment ${c} ${dport} -j REJECT --reject-with icmp-port-unreachable`);
        for (const ip of externalIPs) fRules.push(`-A KUBE-EXTERNAL-SERVICES -d ${ip}/32 ${pm} -m comment --comment ${c} ${dport} -j REJECT --reject-with icmp-port-unreachable`);
        if (p.nodePort !== 0) fRules.push(`-A KUBE-EXTERNAL-SERVICES ${pm} -m comment --comment ${c} -m addrtype --dst-type LOCAL -m ${proto} --dport ${p.nodePort} -j REJECT --reject-with icmp-port-unreachable`);
        continue;
      }
      // Which endpoints each kind of traffic uses; an empty list (policy Local without a
      // local endpoint) is dropped in the filter table and gets no nat rule, as upstream.
      const internalEps = p.internalPolicyLocal ? cat.local : cat.cluster;
      const externalEps = p.externalPolicyLocal ? cat.local : cat.cluster;
      const hasExternal = p.externallyAccessible && externalEps.length > 0;
      const useSvc = p.usesClusterEndpoints && cat.cluster.length > 0;
      const useSvl = p.usesLocalEndpoints && cat.local.length > 0;
      const ranges = usesFirewall(p) ? v4SourceRanges(p) : [];
      const fwC = fwChain(p);
      const lbTarget = ranges.length > 0 ? fwC : extC;
      if (internalEps.length === 0) {
        const c = q(`${name} has no local endpoints`);
        for (const ip of clusterIPs) fRules.push(`-A KUBE-SERVICES -d ${ip}/32 ${pm} -m comment --comment ${c} ${dport} -j DROP`);
      }
      if (p.externallyAccessible && !hasExternal) {
        const c = q(`${name} has no local endpoints`);
        for (const ip of externalIPs) fRules.push(`-A KUBE-EXTERNAL-SERVICES -d ${ip}/32 ${pm} -m comment --comment ${c} ${dport} -j DROP`);
        if (p.nodePort !== 0) fRules.push(`-A KUBE-EXTERNAL-SERVICES ${pm} -m comment --comment ${c} -m addrtype --dst-type LOCAL -m ${proto} --dport ${p.nodePort} -j DROP`);
      }

      // Frontends.
      if (internalEps.length > 0) for (const ip of clusterIPs) services.push(`-A KUBE-SERVICES -d ${ip}/32 ${pm} -m comment --comment ${q(`${name} cluster IP`)} ${dport} -j ${internalC}`);
      if (hasExternal) {
        for (const ip of p.externalIPs.filter(isV4)) services.push(`-A KUBE-SERVICES -d ${ip}/32 ${pm} -m comment --comment ${q(`${name} external IP`)} ${dport} -j ${extC}`);
        for (const ip of p.loadBalancerIPs.filter(isV4)) services.push(`-A KUBE-SERVICES -d ${ip}/32 ${pm} -m comment --comment ${q(`${name} loadbalancer IP`)} ${dport} -j ${lbTarget}`);
        if (p.nodePort !== 0) nodePorts.push(`-A KUBE-NODEPORTS ${pm} -m comment --comment ${q(name)} -m ${proto} --dport ${p.nodePort} -j ${extC}`);
      }

      // KUBE-FW: sources in loadBalancerSourceRanges go on to KUBE-EXT; the rest is not
      // DNATed and meets the DROP for the LB IP in filter KUBE-PROXY-FIREWALL.
      if (ranges.length > 0) {
        nChains.push(fwC);
        const c = `-m comment --comment ${q(`${name} loadbalancer IP`)}`;
        const allowed = allowFromNode(ranges, node) ? [...ranges, ...p.loadBalancerIPs.filter(isV4).map((ip) => `${ip}/32`)] : ranges;
        if (hasExternal) for (const r of allowed) perPort.push(`-A ${fwC} -s ${r} ${c} -j ${extC}`);
        perPort.push(`-A ${fwC} -m comment --comment ${q(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`)}`);
        for (const ip of p.loadBalancerIPs.filter(isV4)) {
          fRules.push(`-A KUBE-PROXY-FIREWALL -d ${ip}/32 ${pm} -m comment --comment ${q(`${name} traffic not accepted by ${fwC}`)} ${dport} -j DROP`);
        }
      }

      // KUBE-EXT: external traffic under policy Cluster is masqueraded; under Local the
      // client source is kept, except for pod and node-local sources (which may go anywhere).
      if (p.externallyAccessible) {
        nChains.push(extC);
        if (!p.externalPolicyLocal) {
          perPort.push(`-A ${extC} -m comment --comment ${q(`masquerade traffic for ${name} external destinations`)} -j KUBE-MARK-MASQ`);
        } else if (useSvc) {
          if (opts.clusterCIDR !== undefined) perPort.push(`-A ${extC} -s ${opts.clusterCIDR} -m comment --comment ${q(`pod traffic for ${name} external destinations`)} -j ${svcC}`);
          perPort.push(`-A ${extC} -m comment --comment ${q(`masquerade LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`);
          perPort.push(`-A ${extC} -m comment --comment ${q(`route LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${svcC}`);
        }
        if (hasExternal) perPort.push(`-A ${extC} -j ${p.externalPolicyLocal ? svlC : svcC}`);
      }

      const affinity = p.sessionAffinity.kind === 'ClientIP' ? p.sessionAffinity.timeoutSeconds : 0;
      const balance = (chain: string, eps: readonly EndpointInfo[], masq: boolean) => {
        nChains.push(chain);
        if (masq && opts.clusterCIDR !== undefined) {
          for (const ip of clusterIPs) perPort.push(`-A ${chain} ! -s ${opts.clusterCIDR} -d ${ip}/32 ${pm} -m comment --comment ${q(`${name} cluster IP`)} ${dport} -j KUBE-MARK-MASQ`);
        }
        if (affinity > 0) {
          for (const e of eps) {
            const sep = sepChain(p, e);
            perPort.push(`-A ${chain} -m comment --comment ${q(`${name} -> ${e.ip}:${e.port}`)} -m recent --rcheck --seconds ${affinity} --reap --name ${sep} --mask 255.255.255.255 --rsource -j ${sep}`);
          }
        }
        eps.forEach((e, i) => {
          const stat = i < eps.length - 1 ? ` -m statistic --mode random --probability ${probability(eps.length - i)}` : '';
          perPort.push(`-A ${chain} -m comment --comment ${q(`${name} -> ${e.ip}:${e.port}`)}${stat} -j ${sepChain(p, e)}`);
        });
      };
      if (useSvc) balance(svcC, cat.cluster, true);
      if (useSvl) balance(svlC, cat.local, false);

      for (const e of cat.allReachable) {
        const sep = sepChain(p, e);
        nChains.push(sep);
        perPort.push(`-A ${sep} -s ${e.ip}/32 -m comment --comment ${q(name)} -j KUBE-MARK-MASQ`);
        const recent = affinity > 0 ? ` -m recent --set --name ${sep} --mask 255.255.255.255 --rsource` : '';
        perPort.push(`-A ${sep} ${pm} -m comment --comment ${q(name)}${recent} -m ${proto} -j DNAT --to-destination ${e.ip}:${e.port}`);
      }
    }
  }
  services.push('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');

  const decl = (builtins: string[], chains: string[]) => [
    ...builtins.map((c) => `:${c} ACCEPT [0:0]`),
    ...[...new Set(chains)].map((c) => `:${c} - [0:0]`),
  ];
  return [
    '*filter',
    ...decl(['INPUT', 'FORWARD', 'OUTPUT'], fChains),
    ...fRules,
    'COMMIT',
    '*nat',
    ...decl(['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], nChains),
    ...nRules,
    ...services,
    ...nodePorts,
    ...perPort,
    'COMMIT',
    '',
  ].join('\n');
}
