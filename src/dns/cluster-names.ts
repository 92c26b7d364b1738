// What a name under the cluster zone refers to. Layout (labels read right to left):
//
//   <zone>                                   apex (SOA, NS)
//   dns-version.<zone>                       schema version TXT
//   ns.dns.<zone>                            this server's addresses (CoreDNS's NS target)
//   svc.<zone>, pod.<zone>                   empty non-terminals
//   <ns>.svc.<zone>                          empty non-terminal if the namespace exists
//   <svc>.<ns>.svc.<zone>                    a service
//   <host>.<svc>.<ns>.svc.<zone>             ready endpoints whose hostname (or dashed IP) is <host>
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>   the service's matching ports (leading "_" optional, as in CoreDNS)
//   <ns>.pod.<zone>                          empty non-terminal (pod records on, namespace exists)
//   <a-b-c-d>.<ns>.pod.<zone>                a pod address (insecure: any; verified: a pod has it)
//
// Anything else is NXDOMAIN, including wildcard labels ("*" and "any" matching was removed
// in CoreDNS 1.9.0) and deeper names under a pod or an ExternalName service.
import type { DnsReadIndex } from './cluster-index.js';
import type { EngineConfig } from './engine-config.js';
import { canonicalIPText } from './ip-text.js';
import type { DnsEndpoint, DnsEndpointSlice, DnsPort, DnsService } from './model.js';

export type ClusterName =
  | { readonly k: 'nx' }
  | { readonly k: 'ent' }
  | { readonly k: 'apex' }
  | { readonly k: 'dns-version' }
  | { readonly k: 'ns-host' }
  | { readonly k: 'service'; readonly svc: DnsService }
  | { readonly k: 'ports'; readonly svc: DnsService; readonly port: string; readonly proto: string }
  | { readonly k: 'endpoint'; readonly svc: DnsService; readonly host: string }
  | { readonly k: 'pod'; readonly ip: string };

const NX: ClusterName = { k: 'nx' };
const ENT: ClusterName = { k: 'ent' };

/** CoreDNS's endpoint hostname: the endpoint's hostname, else the address with dashes. */
export function endpointHostname(ep: DnsEndpoint, addr: string): string {
  if (ep.hostname !== undefined && ep.hostname !== '') return ep.hostname;
  if (addr.includes('.')) return addr.replaceAll('.', '-');
  const h = addr.replaceAll(':', '-');
  return h.endsWith('-') ? h + '0' : h;
}

/** A service with no ports behaves as if it had one unnamed port with number -1 (CoreDNS). */
export const NO_PORT: readonly DnsPort[] = [{ name: '', protocol: '', port: -1 }];
export function portsOrPlaceholder(ports: readonly DnsPort[]): readonly DnsPort[] {
  return ports.length === 0 ? NO_PORT : ports;
}

export function portMatches(p: DnsPort, port: string, proto: string): boolean {
  return (port === '' || p.name.toLowerCase() === port) && (proto === '' || p.protocol.toLowerCase() === proto);
}

export interface EndpointEntry {
  readonly slice: DnsEndpointSlice;
  readonly ep: DnsEndpoint;
  readonly addr: string;
  readonly host: string;
}

/** Ready endpoint addresses of a service, optionally only those whose hostname is `host`. */
export function readyEndpoints(index: DnsReadIndex, svc: DnsService, host?: string): EndpointEntry[] {
  const out: EndpointEntry[] = [];
  for (const slice of index.slicesFor(svc.namespace, svc.name)) {
    for (const ep of slice.endpoints) {
      if (!ep.ready) continue;
      for (const addr of ep.addresses) {
        const h = endpointHostname(ep, addr);
        if (host !== undefined && h.toLowerCase() !== host) continue;
        out.push({ slice, ep, addr, host: h });
      }
    }
  }
  return out;
}

function stripUnderscore(s: string): string {
  return s.startsWith('_') ? s.slice(1) : s;
}

/** Dashed pod name -> address, as CoreDNS reads it ("1-2-3-4", "fd00--1"). */
export function podNameToIP(name: string): string | undefined {
  const dashes = name.split('-').length - 1;
  const text = dashes === 3 && !name.includes('--') ? name.replaceAll('-', '.') : name.replaceAll('-', ':');
  return canonicalIPText(text);
}

/** `rel` is the lower-cased labels left of the zone, leftmost first. */
export function resolveClusterName(index: DnsReadIndex, cfg: EngineConfig, rel: readonly string[]): ClusterName {
  const n = rel.length;
  if (n === 0) return { k: 'apex' };
  if (n === 1 && rel[0] === 'dns-version') return { k: 'dns-version' };
  if (n === 2 && rel[0] === 'ns' && rel[1] === 'dns') return { k: 'ns-host' };
  const kind = rel[n - 1];
  if (kind !== 'svc' && kind !== 'pod') return NX;
  if (n === 1) return ENT;
  const ns = rel[n - 2]!;
  if (kind === 'pod') {
    if (cfg.pods === 'disabled') return NX;
    if (n === 2) return index.namespaceExists(ns) ? ENT : NX;
    if (n > 3) return NX;
    const ip = podNameToIP(rel[0]!);
    if (ip === undefined) return NX;
    if (cfg.pods === 'insecure') return index.namespaceExists(ns) ? { k: 'pod', ip } : NX;
    return index.podsByIP(ip).some((p) => p.namespace === ns) ? { k: 'pod', ip } : NX;
  }
  if (n === 2) return index.namespaceExists(ns) ? ENT : NX;
  if (n > 5) return NX;
  const svc = index.service(ns, rel[n - 3]!);
  if (svc === undefined) return NX;
  const type = svc.kind.type;
  if (n === 3) {
    if (type === 'ExternalName') return canonicalIPText(svc.kind.externalName) === undefined && svc.kind.externalName !== '' ? { k: 'service', svc } : NX;
    if (type === 'Headless') return readyEndpoints(index, svc).length > 0 ? { k: 'service', svc } : NX;
    return { k: 'service', svc };
  }
  if (type === 'ExternalName') return NX;
  if (n === 4) {
    const host = rel[0]!;
    return readyEndpoints(index, svc, host).length > 0 ? { k: 'endpoint', svc, host } : NX;
  }
  const port = stripUnderscore(rel[0]!);
  const proto = stripUnderscore(rel[1]!);
  if (port === '' || proto === '') return NX;
  if (type === 'ClusterIP') return portsOrPlaceholder(svc.ports).some((p) => portMatches(p, port, proto)) ? { k: 'ports', svc, port, proto } : NX;
  for (const e of readyEndpoints(index, svc)) {
    if (portsOrPlaceholder(e.slice.ports).some((p) => portMatches(p, port, proto))) return { k: 'ports', svc, port, proto };
  }
  return NX;
}
