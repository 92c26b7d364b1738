// Plugging IP stacks into the emulated NSX lab: a pod's eth0 on its node's br-int (the CNI
// ADD of NSX's node agent), the node's own NIC on the management segment.
//
// Addresses come from the IPAM (the SandboxSpec); the namespace's logical switch and
// Tier-1 are created at its first pod on any node, with the subnet the IPAM handed out
// (ip + prefixLength, gateway .1). MACs are derived from the IP so `ip neigh`, traces and
// conntrack dumps stay readable and a restarted pod keeps its MAC:
//   pod  172.25.5.3  -> 02:50:56:19:05:03   (locally administered, like NSX's 02:50:56 MACs)
//   node 10.190.5.11 -> 00:50:56:be:05:0b   (VMware's OUI, as the article's VM vNICs)
// Pod NICs have MTU 1500, NCP's default (ncp.ini [nsx_node_agent] mtu); the fabric does not
// model MTU anyway.
import { err, formatCidr, formatIPv4, maskV4, ok, parseIPv4, type Clock, type IPv4, type Result } from '../core/index.js';
import type { LabError, NsxLab, PodAttachment } from '../dataplane/fabric/index.js';
import { HostStack, type HostNic } from '../dataplane/host/index.js';
import type { PodNetwork, PodNetworkAttachment } from './pod-network.js';
import type { SandboxSpec } from './runtime.js';

export function podMac(ip: IPv4): number {
  return 0x025056000000 + (ip & 0xffffff);
}

export function nodeMac(ip: IPv4): number {
  return 0x005056000000 + (ip & 0xffffff);
}

/** A pod on br-int: `port` is the ovs-vsctl Port name, `attachment` the lab's record of it. */
export interface NsxPodAttachment extends PodNetworkAttachment {
  readonly attachment: PodAttachment;
}

export function formatLabError(e: LabError): string {
  switch (e.code) {
    case 'unknown-node':
      return `node ${e.node} is not in the emulated lab`;
    case 'node-exists':
      return `node ${e.node} already exists`;
    case 'unknown-namespace':
      return `namespace ${e.namespace} has no logical switch`;
    case 'namespace-exists':
      return `namespace ${e.namespace} already has a logical switch`;
    case 'unknown-segment':
      return `no segment ${e.segment}`;
    case 'bad-address':
      return `bad address ${e.value}: ${e.message}`;
    case 'subnet-overlap':
      return `subnet ${e.cidr} overlaps ${e.with}`;
    case 'ip-outside-subnet':
      return `${e.ip} is outside the namespace subnet ${e.cidr}`;
    case 'gateway-mismatch':
      return `gateway ${e.got} is not the namespace gateway ${e.expected}`;
    case 'pod-exists':
      return `port ${e.port} already exists on br-int (a pod of that name runs on this node)`;
    case 'no-such-pod':
      return `no pod ${e.pod} on ${e.node}`;
    case 'vlan-exhausted':
      return `no free VLAN tag on ${e.node}`;
    case 'already-connected':
      return `device ${e.device} is already linked`;
    case 'bridge':
      return `br-int: ${e.error.code}${'name' in e.error ? ` ${e.error.name}` : ''}${'message' in e.error ? `: ${e.error.message}` : ''}`;
  }
}

const ip4 = (s: string, what: string): IPv4 => {
  const r = parseIPv4(s);
  if (!r.ok) throw new Error(`${what}: ${r.error}`);
  return r.value;
};

/**
 * Creates the pod's stack and links its eth0 to a new br-int port. Returns an error text
 * (for the FailedCreatePodSandBox event) instead of throwing.
 */
export function attachPodNetwork(o: {
  readonly lab: NsxLab;
  readonly node: string;
  readonly spec: SandboxSpec;
  readonly sandboxId: string;
  readonly clock: Clock;
  readonly random?: () => number;
}): Result<NsxPodAttachment, string> {
  const { lab, spec } = o;
  const fail = (msg: string) => err(msg);
  const ipR = parseIPv4(spec.ip);
  if (!ipR.ok) return fail(`bad pod address ${spec.ip}`);
  const ip = ipR.value;
  const cidr = formatCidr({ family: 4, base: ((ip & maskV4(spec.prefixLength)) >>> 0) as IPv4, prefix: spec.prefixLength });
  const ns = lab.namespace(spec.namespace);
  if (ns === undefined) {
    const r = lab.addNamespace(spec.namespace, cidr);
    if (!r.ok) return fail(formatLabError(r.error));
  } else if (formatCidr(ns.cidr) !== cidr) {
    return fail(`namespace ${spec.namespace} has subnet ${formatCidr(ns.cidr)} in the lab but the IPAM gave ${spec.ip}/${spec.prefixLength}`);
  }
  const mac = podMac(ip);
  const att = lab.attachPod({
    node: o.node,
    namespace: spec.namespace,
    podName: spec.name,
    containerId: o.sandboxId,
    mac,
    ip,
    ...(spec.gateway !== undefined ? { gateway: spec.gateway } : {}),
  });
  if (!att.ok) return fail(formatLabError(att.error));
  const stack = new HostStack({ clock: o.clock, hostname: spec.hostname, ...(o.random !== undefined ? { random: o.random } : {}) });
  // eth0@ifN names the veth peer: here the pod's br-int port number.
  const nic = stack.addInterface({ name: 'eth0', mac, address: ip, prefix: spec.prefixLength, mtu: 1500, peerIfindex: att.value.port.ofport });
  if (spec.gateway !== undefined) {
    const gw = parseIPv4(spec.gateway);
    if (!gw.ok || !stack.addDefaultRoute(gw.value).ok) {
      lab.detachPod(o.node, spec.name);
      return fail(`gateway ${spec.gateway} is not on ${spec.ip}/${spec.prefixLength}`);
    }
  }
  const linked = att.value.connect(nic);
  if (!linked.ok) {
    lab.detachPod(o.node, spec.name);
    return fail(formatLabError(linked.error));
  }
  return ok({ stack, nic, port: att.value.portName, attachment: att.value });
}

/** The PodNetwork of one node of the NSX lab (eth0 on its br-int). */
export function nsxPodNetwork(lab: NsxLab, node: string, clock: Clock, random?: () => number): PodNetwork {
  return {
    kind: 'nsx',
    attach: (spec, sandboxId) => attachPodNetwork({ lab, node, spec, sandboxId, clock, ...(random !== undefined ? { random } : {}) }),
    // The lab keys pods by name per node (one br-int port per pod name).
    detach: (spec) => void lab.detachPod(node, spec.name),
  };
}

/**
 * The node's own stack: `ens160` with the node IP, linked to its node router (which puts
 * the node IP on the management segment with this NIC's MAC and runs the node's
 * netfilter: kube-proxy's NodePorts); default route via the management Tier-1 (the
 * router's host link answers ARP for it).
 */
export function attachNodeNetwork(o: { readonly lab: NsxLab; readonly node: string; readonly clock: Clock; readonly random?: () => number }): { stack: HostStack; nic: HostNic } {
  const n = o.lab.node(o.node);
  if (n === undefined) throw new Error(`node ${o.node} is not in the lab`);
  const stack = new HostStack({ clock: o.clock, hostname: o.node, ...(o.random !== undefined ? { random: o.random } : {}) });
  const mgmt = o.lab.mgmt;
  const nic = stack.addInterface({ name: 'ens160', mac: nodeMac(n.mgmtIp), address: n.mgmtIp, prefix: mgmt.cidr.prefix });
  stack.addDefaultRoute(mgmt.gateway);
  const r = o.lab.attachNodeStack(o.node, nic);
  if (!r.ok) throw new Error(`attaching ${o.node}'s stack: ${formatLabError(r.error)}`);
  return { stack, nic };
}

/** A host on the external segment (192.168.50.0/24): the article's client outside the cluster. */
export function attachExternalHost(o: { readonly lab: NsxLab; readonly name: string; readonly ip: string; readonly clock: Clock; readonly random?: () => number }): { stack: HostStack; nic: HostNic } {
  const ext = o.lab.external;
  const ip = ip4(o.ip, o.name);
  const stack = new HostStack({ clock: o.clock, hostname: o.name, ...(o.random !== undefined ? { random: o.random } : {}) });
  const nic = stack.addInterface({ name: 'eth0', mac: nodeMac(ip), address: ip, prefix: ext.cidr.prefix });
  stack.addDefaultRoute(ext.gateway);
  const r = o.lab.attachHost('external', nic, { ip });
  if (!r.ok) throw new Error(`attaching ${o.name} (${formatIPv4(ip)}): ${formatLabError(r.error)}`);
  return { stack, nic };
}
