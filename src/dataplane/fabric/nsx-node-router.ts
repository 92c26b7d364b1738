// The kernel of an NSX lab node: a router between the node's management NIC (ens160 on
// the management segment, owning the node IP) and the node's own IP stack (the `host`
// link). It forwards nothing of the pods' (they sit on br-int); it is where the node's
// netfilter runs — kube-proxy in iptables mode, as the article's nodes still have it, so
// a NodePort on 10.190.5.x is DNATed to a pod and masqueraded to the node IP.
//
// Without a hook it is invisible to TTLs: packets from the stack are OUTPUT (no
// decrement) and packets for the node IP are delivered locally (no decrement).
import type { Clock } from '../../core/clock.js';
import type { IPv4 } from '../../core/ip.js';
import type { NetfilterRuleset } from '../nftables/nf-types.js';
import { netfilterHook, nodeNetfilter, routerNetfilterOptions, type EnableNetfilterOptions, type NodeNetfilter } from './netfilter-hook.js';
import { Router } from './router.js';

export const NODE_ROUTER_IFACES = { mgmt: 'ens160', host: 'host' } as const;

/** A node's router with only its host link; the management NIC comes with the node's stack. */
export function newNodeRouter(name: string, hostMac: number, clock: Clock, arpTimeoutMs?: number): Router {
  const r = new Router({ name, clock, ...(arpTimeoutMs !== undefined ? { arpTimeoutMs } : {}) });
  r.addInterface({ name: NODE_ROUTER_IFACES.host, mac: hostMac, host: true });
  return r;
}

/** Adds ens160 (the node IP on the management segment) and the default route via its gateway. */
export function addMgmtInterface(r: Router, o: { readonly mac: number; readonly ip: IPv4; readonly prefix: number; readonly gateway: IPv4 }) {
  const port = r.addInterface({ name: NODE_ROUTER_IFACES.mgmt, mac: o.mac, ip: o.ip, prefix: o.prefix });
  r.addRoute(0 as IPv4, 0, o.gateway, NODE_ROUTER_IFACES.mgmt);
  return port;
}

/**
 * A Conntrack + NetfilterRunner over `rulesets` (the caller's, reloaded in place) on the
 * router's hooks. Local addresses are the router's at this moment: call
 * `refreshLocalAddresses` after adding an interface.
 */
export function enableRouterNetfilter(r: Router, rulesets: readonly NetfilterRuleset[], opts: EnableNetfilterOptions = {}): NodeNetfilter {
  const nf = nodeNetfilter(r, rulesets, opts);
  r.setHook(netfilterHook(nf.runner, opts.trace !== undefined ? { trace: opts.trace } : {}));
  return nf;
}

export function refreshLocalAddresses(r: Router, nf: NodeNetfilter): void {
  const local = routerNetfilterOptions(r).localAddresses;
  if (local !== undefined) nf.runner.setLocalAddresses(local);
}
