// loadBalancerSourceRanges helpers shared by the iptables and nftables renderers.
import { cidrContains, formatCidr, parseCidr } from '../../core/cidr.js';
import { parseIP } from '../../core/ip.js';
import type { NodeInfo, ServicePortInfo } from '../model/types.js';

/** The port's IPv4 source ranges, canonical (host bits cleared, as the tools print them). */
export function v4SourceRanges(p: ServicePortInfo): string[] {
  const out: string[] = [];
  for (const r of p.loadBalancerSourceRanges) {
    const c = parseCidr(r);
    if (c.ok && c.value.family === 4) out.push(formatCidr(c.value));
  }
  return out;
}

/**
 * kube-proxy lets the node itself through the firewall when a source range contains one
 * of its addresses: traffic the node sends to the LB IP has the node as source.
 */
export function allowFromNode(ranges: readonly string[], node: NodeInfo): boolean {
  for (const r of ranges) {
    const c = parseCidr(r);
    if (!c.ok) continue;
    for (const ip of node.nodeIPs) {
      const a = parseIP(ip);
      if (a.ok && cidrContains(c.value, a.value)) return true;
    }
  }
  return false;
}

/** A firewall applies: source ranges given and some LoadBalancer IP to guard. */
export function usesFirewall(p: ServicePortInfo): boolean {
  return p.loadBalancerSourceRanges.length > 0 && p.loadBalancerIPs.length > 0;
}
