// Plugging IP stacks into the generic kube-proxy lab (GenericLab): a pod's eth0 on its node's
// cni0 bridge (the bridge CNI's ADD with host-local IPAM on node.spec.podCIDR), the node's
// own stack on its router's host link.
//
// Addresses come from the node-CIDR IPAM: spec.ip inside the node's pod CIDR (10.244.N.0/24),
// the gateway is the bridge address 10.244.N.1. A spec that disagrees with the lab (another
// node's block, another prefix or gateway) fails the sandbox instead of plugging in a pod that
// could never route. MACs are derived from the IP the way the bridge CNI used to (0a:58 then
// the four IPv4 bytes), so a restarted pod keeps its MAC and `ip neigh` stays readable:
//   pod  10.244.1.5  -> 0a:58:0a:f4:01:05
//   node 10.190.5.11 -> 00:50:56:be:05:0b   (as on the NSX lab: the VMs' vNICs)
// Pod NICs have MTU 1500: the lab routes between nodes directly (host-gw), no encapsulation.
//
// cni0 ports are named "<namespace>/<pod>" so same-named pods of two namespaces can share a
// node (the link is "<node>/cni0/<namespace>/<pod>").
import { err, formatCidr, formatIPv4, maskV4, ok, parseIPv4, type Clock, type IPv4, type Result } from '../core/index.js';
import type { GenericLab, GenericLabError } from '../dataplane/fabric/index.js';
import { HostStack, type HostNic } from '../dataplane/host/index.js';
import { nodeMac } from './emulated-network.js';
import type { PodNetwork, PodNetworkAttachment } from './pod-network.js';

/** The bridge CNI's MAC for a pod address: 0a:58:<ip bytes>. */
export function cniMac(ip: IPv4): number {
  return 0x0a5800000000 + (ip >>> 0);
}

/** The cni0 port (and link suffix) of a pod. */
export function cniPortName(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function formatGenericLabError(e: GenericLabError): string {
  switch (e.code) {
    case 'unknown-node':
      return `node ${e.node} is not in the emulated lab`;
    case 'node-exists':
      return `node ${e.node} already exists`;
    case 'unknown-segment':
      return `no segment ${e.segment}`;
    case 'bad-address':
      return `bad address ${e.value}: ${e.message}`;
    case 'ip-outside-subnet':
      return `${e.ip} is outside the node's pod CIDR ${e.cidr}`;
    case 'pod-exists':
      return `port ${e.pod} already exists on ${e.node}'s cni0`;
    case 'no-such-pod':
      return `no pod ${e.pod} on ${e.node}`;
    case 'already-connected':
      return `device ${e.device} is already linked`;
    default:
      // The lab may grow error codes before this switch learns them.
      return (e as { readonly code: string }).code;
  }
}

/**
 * The PodNetwork of one node of the generic lab. The host ends of the pods' veth pairs get
 * ifindexes from 4 up (after lo, eth0 and cni0), shown as `eth0@ifN` in the pod; they only
 * grow, as the kernel's do.
 */
export function genericPodNetwork(lab: GenericLab, node: string, clock: Clock, random?: () => number): PodNetwork {
  let nextIfindex = 4;
  return {
    kind: 'generic',
    attach(spec, _sandboxId): Result<PodNetworkAttachment, string> {
      const n = lab.node(node);
      if (n === undefined) return err(`node ${node} is not in the emulated lab`);
      const ipR = parseIPv4(spec.ip);
      if (!ipR.ok) return err(`bad pod address ${spec.ip}`);
      const ip = ipR.value;
      const cidr = formatCidr(n.podCidr);
      if (((ip & maskV4(n.podCidr.prefix)) >>> 0) !== n.podCidr.base) return err(`${spec.ip} is outside ${node}'s pod CIDR ${cidr}`);
      if (spec.prefixLength !== n.podCidr.prefix) return err(`pod address ${spec.ip}/${spec.prefixLength} does not match ${node}'s pod CIDR ${cidr}`);
      const gateway = formatIPv4(n.gateway);
      if (spec.gateway !== undefined && spec.gateway !== gateway) return err(`gateway ${spec.gateway} is not ${node}'s cni0 address ${gateway}`);
      const port = cniPortName(spec.namespace, spec.name);
      const mac = cniMac(ip);
      const att = lab.attachPod({ node, podName: port, mac, ip });
      if (!att.ok) return err(formatGenericLabError(att.error));
      const stack = new HostStack({ clock, hostname: spec.hostname, ...(random !== undefined ? { random } : {}) });
      const nic = stack.addInterface({ name: 'eth0', mac, address: ip, prefix: spec.prefixLength, mtu: 1500, peerIfindex: nextIfindex++ });
      if (!stack.addDefaultRoute(n.gateway).ok) {
        lab.detachPod(node, port);
        return err(`gateway ${gateway} is not on ${spec.ip}/${spec.prefixLength}`);
      }
      const linked = att.value.connect(nic);
      if (!linked.ok) {
        lab.detachPod(node, port);
        return err(formatGenericLabError(linked.error));
      }
      return ok({ stack, nic, port: att.value.linkName });
    },
    detach(spec) {
      lab.detachPod(node, cniPortName(spec.namespace, spec.name));
    },
  };
}

/**
 * The node's own stack: `eth0` with the node IP on the node network, default route via the
 * network's .1 (the edge router), linked to the node router's host link. Throws for a node
 * that is not in the lab (a wiring error, not a runtime outcome).
 */
export function attachGenericNodeNetwork(o: { readonly lab: GenericLab; readonly node: string; readonly clock: Clock; readonly random?: () => number }): { stack: HostStack; nic: HostNic } {
  const n = o.lab.node(o.node);
  if (n === undefined) throw new Error(`node ${o.node} is not in the lab`);
  const stack = new HostStack({ clock: o.clock, hostname: o.node, ...(o.random !== undefined ? { random: o.random } : {}) });
  const net = o.lab.nodeCidr;
  const nic = stack.addInterface({ name: 'eth0', mac: nodeMac(n.nodeIp), address: n.nodeIp, prefix: net.prefix });
  const gw = stack.addDefaultRoute(((net.base + 1) >>> 0) as IPv4);
  if (!gw.ok) throw new Error(`${o.node}: default route via ${formatIPv4(((net.base + 1) >>> 0) as IPv4)}: ${gw.error}`);
  const r = o.lab.attachNodeStack(o.node, nic);
  if (!r.ok) throw new Error(`attaching ${o.node}'s stack: ${formatGenericLabError(r.error)}`);
  return { stack, nic };
}
