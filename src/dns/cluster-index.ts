// The cluster state DNS answers from: Services, EndpointSlices, Pods and Namespaces as
// slim projections, with the lookups the answer engine needs precomputed (service by
// namespace/name, slices by service, owners of an IP for PTR). Informer handlers (or a
// test, or a benchmark) feed it; the engine only reads it through `DnsReadIndex`.
//
// Invariants: `generation` increases on every change that can alter an answer, so a
// response cache keyed on it never serves stale data; `serial` (the SOA serial) is the
// Unix second of the last such change, as CoreDNS reports it.
import { realClock, type Clock } from '../core/index.js';
import type { DnsEndpointSlice, DnsPod, DnsService } from './model.js';

export interface DnsReadIndex {
  readonly synced: boolean;
  readonly serial: number;
  readonly generation: number;
  service(namespace: string, name: string): DnsService | undefined;
  /** Slices labelled for the service, in slice-name order. */
  slicesFor(namespace: string, serviceName: string): readonly DnsEndpointSlice[];
  /** Services whose cluster IPs include `ip` (canonical text). */
  servicesByIP(ip: string): readonly DnsService[];
  /** Slices with a ready endpoint address equal to `ip`. */
  slicesByIP(ip: string): readonly DnsEndpointSlice[];
  podsByIP(ip: string): readonly DnsPod[];
  namespaceExists(namespace: string): boolean;
}

const EMPTY: readonly never[] = [];

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (s === undefined) m.set(k, (s = new Set()));
  s.add(v);
}

function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (s === undefined) return;
  s.delete(v);
  if (s.size === 0) m.delete(k);
}

function readyIPs(slice: DnsEndpointSlice): Set<string> {
  const out = new Set<string>();
  for (const ep of slice.endpoints) if (ep.ready) for (const a of ep.addresses) out.add(a);
  return out;
}

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

export class DnsIndex implements DnsReadIndex {
  private readonly services = new Map<string, DnsService>();
  /** namespace -> name -> service: the hot lookup, without building a key string. */
  private readonly byNamespace = new Map<string, Map<string, DnsService>>();
  private readonly slices = new Map<string, DnsEndpointSlice>();
  /** service key -> slice keys */
  private readonly slicesBySvc = new Map<string, Set<string>>();
  private readonly sliceListCache = new Map<string, readonly DnsEndpointSlice[]>();
  private readonly svcByIP = new Map<string, Set<string>>();
  private readonly sliceByIP = new Map<string, Set<string>>();
  private readonly pods = new Map<string, DnsPod>();
  private readonly podByIP = new Map<string, Set<string>>();
  private readonly namespaces = new Set<string>();
  /** Namespaces holding at least one service: they exist even before the Namespace is seen. */
  private readonly svcPerNamespace = new Map<string, number>();
  private gen = 0;
  private modifiedMs: number;
  private syncedFlag = false;

  constructor(private readonly clock: Clock = realClock) {
    this.modifiedMs = clock.now();
  }

  get synced(): boolean {
    return this.syncedFlag;
  }
  get generation(): number {
    return this.gen;
  }
  get serial(): number {
    return Math.floor(this.modifiedMs / 1000) >>> 0;
  }
  get serviceCount(): number {
    return this.services.size;
  }

  /** Marks the first full sync (before it, names that would not exist answer SERVFAIL). */
  setSynced(synced: boolean): void {
    if (this.syncedFlag !== synced) {
      this.syncedFlag = synced;
      this.touch();
    }
  }

  private touch(): void {
    this.gen++;
    this.modifiedMs = this.clock.now();
  }

  upsertService(svc: DnsService): void {
    const key = `${svc.namespace}/${svc.name}`;
    const old = this.services.get(key);
    if (old !== undefined && same(old, svc)) return;
    if (old !== undefined) this.unindexService(key, old);
    else this.svcPerNamespace.set(svc.namespace, (this.svcPerNamespace.get(svc.namespace) ?? 0) + 1);
    this.services.set(key, svc);
    let names = this.byNamespace.get(svc.namespace);
    if (names === undefined) this.byNamespace.set(svc.namespace, (names = new Map()));
    names.set(svc.name, svc);
    if (svc.kind.type === 'ClusterIP') for (const ip of svc.kind.clusterIPs) addTo(this.svcByIP, ip, key);
    this.touch();
  }

  deleteService(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const old = this.services.get(key);
    if (old === undefined) return;
    this.unindexService(key, old);
    this.services.delete(key);
    const names = this.byNamespace.get(namespace);
    names?.delete(name);
    if (names?.size === 0) this.byNamespace.delete(namespace);
    const n = (this.svcPerNamespace.get(namespace) ?? 1) - 1;
    if (n <= 0) this.svcPerNamespace.delete(namespace);
    else this.svcPerNamespace.set(namespace, n);
    this.touch();
  }

  private unindexService(key: string, svc: DnsService): void {
    if (svc.kind.type === 'ClusterIP') for (const ip of svc.kind.clusterIPs) removeFrom(this.svcByIP, ip, key);
  }

  upsertSlice(slice: DnsEndpointSlice): void {
    const key = `${slice.namespace}/${slice.name}`;
    const old = this.slices.get(key);
    if (old !== undefined && same(old, slice)) return;
    if (old !== undefined) this.unindexSlice(key, old);
    this.slices.set(key, slice);
    const svcKey = `${slice.namespace}/${slice.serviceName}`;
    addTo(this.slicesBySvc, svcKey, key);
    this.sliceListCache.delete(svcKey);
    for (const ip of readyIPs(slice)) addTo(this.sliceByIP, ip, key);
    this.touch();
  }

  deleteSlice(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const old = this.slices.get(key);
    if (old === undefined) return;
    this.unindexSlice(key, old);
    this.slices.delete(key);
    this.touch();
  }

  private unindexSlice(key: string, slice: DnsEndpointSlice): void {
    const svcKey = `${slice.namespace}/${slice.serviceName}`;
    removeFrom(this.slicesBySvc, svcKey, key);
    this.sliceListCache.delete(svcKey);
    for (const ip of readyIPs(slice)) removeFrom(this.sliceByIP, ip, key);
  }

  upsertPod(pod: DnsPod): void {
    const key = `${pod.namespace}/${pod.name}`;
    const old = this.pods.get(key);
    if (old !== undefined && same(old, pod)) return;
    if (old !== undefined) for (const ip of old.ips) removeFrom(this.podByIP, ip, key);
    this.pods.set(key, pod);
    for (const ip of pod.ips) addTo(this.podByIP, ip, key);
    this.touch();
  }

  deletePod(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const old = this.pods.get(key);
    if (old === undefined) return;
    for (const ip of old.ips) removeFrom(this.podByIP, ip, key);
    this.pods.delete(key);
    this.touch();
  }

  upsertNamespace(name: string): void {
    if (this.namespaces.has(name)) return;
    this.namespaces.add(name);
    this.touch();
  }

  deleteNamespace(name: string): void {
    if (this.namespaces.delete(name)) this.touch();
  }

  // --- DnsReadIndex ---

  service(namespace: string, name: string): DnsService | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  slicesFor(namespace: string, serviceName: string): readonly DnsEndpointSlice[] {
    const svcKey = `${namespace}/${serviceName}`;
    const cached = this.sliceListCache.get(svcKey);
    if (cached !== undefined) return cached;
    const keys = this.slicesBySvc.get(svcKey);
    if (keys === undefined) return EMPTY;
    const list = [...keys].sort().map((k) => this.slices.get(k)!);
    this.sliceListCache.set(svcKey, list);
    return list;
  }

  servicesByIP(ip: string): readonly DnsService[] {
    const keys = this.svcByIP.get(ip);
    return keys === undefined ? EMPTY : [...keys].sort().map((k) => this.services.get(k)!);
  }

  slicesByIP(ip: string): readonly DnsEndpointSlice[] {
    const keys = this.sliceByIP.get(ip);
    return keys === undefined ? EMPTY : [...keys].sort().map((k) => this.slices.get(k)!);
  }

  podsByIP(ip: string): readonly DnsPod[] {
    const keys = this.podByIP.get(ip);
    return keys === undefined ? EMPTY : [...keys].map((k) => this.pods.get(k)!);
  }

  namespaceExists(namespace: string): boolean {
    return this.namespaces.has(namespace) || this.svcPerNamespace.has(namespace);
  }
}
