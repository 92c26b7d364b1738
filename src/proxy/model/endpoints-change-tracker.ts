// Endpoints change tracker (the design of kube-proxy's endpointschangetracker.go and
// endpointslicecache.go, our code). It keeps the EndpointSlices of every Service, and
// between two syncs the endpoints each changed Service had at the last sync ("first
// previous"). `checkout()` merges the slices of each changed Service into endpoints per
// service port, drops Services whose endpoints came out identical, and hands over the
// changes with the trigger times network-programming latency is measured from.
//
// Merging (as kube-proxy): slices are taken in name order, a slice port (name +
// protocol) names the service port, each endpoint's first address with that port is one
// endpoint, duplicates (an endpoint moving between slices) are kept once, preferring the
// local copy. Endpoint order is the order of the slices' endpoint lists, which the
// OpenFlow select group keeps as bucket order (the article's kube-dns groups list
// 172.25.4.3 before 172.25.4.2). Only IPv4 slices are used (the dataplane is IPv4 only).
import { endpointListEqual } from './equality.js';
import {
  servicePortName,
  type EndpointInfo,
  type EndpointSliceInfo,
  type EndpointsByPort,
  type ServiceName,
  type ServicePortName,
  type SliceEndpoint,
  type SlicePort,
} from './types.js';

export interface EndpointsChange {
  readonly service: ServiceName;
  readonly previous: EndpointsByPort;
  readonly current: EndpointsByPort;
}

export interface EndpointChanges {
  readonly services: ReadonlyMap<ServiceName, EndpointsChange>;
  /** Service ports whose endpoint list changed. */
  readonly ports: ReadonlySet<ServicePortName>;
  /** Per changed Service, when its changes were triggered (ms since the epoch). */
  readonly triggerTimes: ReadonlyMap<ServiceName, readonly number[]>;
}

const EMPTY: EndpointsByPort = new Map();

export class EndpointsChangeTracker {
  private readonly slices = new Map<ServiceName, Map<string, EndpointSliceInfo>>();
  private readonly applied = new Map<ServiceName, EndpointsByPort>();
  private readonly pending = new Map<ServiceName, EndpointsByPort>();
  private readonly triggers = new Map<ServiceName, number[]>();

  /**
   * @param nodeName this proxy's node: endpoints whose nodeName equals it are local.
   * @param startTime trigger times before this are not reported (changes made before the
   *   proxy started are not its programming latency).
   */
  constructor(
    private readonly nodeName: string,
    private readonly startTime = 0,
  ) {}

  /**
   * Records an add (prev undefined), update or delete (cur undefined) of a slice. Returns
   * whether anything changed (an identical slice, or a non-IPv4 one, changes nothing).
   */
  update(prev: EndpointSliceInfo | undefined, cur: EndpointSliceInfo | undefined, observedAt: number): boolean {
    const p = usable(prev);
    const c = usable(cur);
    let changed = false;
    // A slice that moved to another Service (label change) or stopped being usable leaves the old one.
    if (p !== undefined && (c === undefined || c.service !== p.service)) changed = this.remove(p);
    if (c !== undefined) changed = this.upsert(c, observedAt) || changed;
    return changed;
  }

  private upsert(c: EndpointSliceInfo & { readonly service: ServiceName }, observedAt: number): boolean {
    const byName = this.slicesOf(c.service);
    const old = byName.get(c.key);
    if (old !== undefined && sliceEqual(old, c)) return false;
    this.markPending(c.service);
    byName.set(c.key, c);
    // Deletes carry no trigger time worth measuring (kube-proxy ignores them too).
    const t = c.triggerTime ?? observedAt;
    if (t >= this.startTime) {
      let list = this.triggers.get(c.service);
      if (list === undefined) this.triggers.set(c.service, (list = []));
      list.push(t);
    }
    return true;
  }

  pendingCount(): number {
    return this.pending.size;
  }

  checkout(): EndpointChanges {
    const services = new Map<ServiceName, EndpointsChange>();
    const ports = new Set<ServicePortName>();
    const triggerTimes = new Map<ServiceName, readonly number[]>();
    for (const [service, previous] of this.pending) {
      const current = this.merge(service);
      let changedHere = false;
      for (const [name, list] of current) {
        if (!endpointListEqual(previous.get(name), list)) {
          ports.add(name);
          changedHere = true;
        }
      }
      for (const name of previous.keys()) {
        if (!current.has(name)) {
          ports.add(name);
          changedHere = true;
        }
      }
      if (current.size === 0) this.applied.delete(service);
      else this.applied.set(service, current);
      if (changedHere) {
        services.set(service, { service, previous, current });
        const t = this.triggers.get(service);
        if (t !== undefined) triggerTimes.set(service, t);
      }
    }
    this.pending.clear();
    this.triggers.clear();
    return { services, ports, triggerTimes };
  }

  /** Endpoints per port of a Service as of the last checkout. */
  endpointsOf(service: ServiceName): EndpointsByPort {
    return this.applied.get(service) ?? EMPTY;
  }

  private slicesOf(service: ServiceName): Map<string, EndpointSliceInfo> {
    let m = this.slices.get(service);
    if (m === undefined) this.slices.set(service, (m = new Map()));
    return m;
  }

  private markPending(service: ServiceName): void {
    if (!this.pending.has(service)) this.pending.set(service, this.applied.get(service) ?? EMPTY);
  }

  private remove(s: EndpointSliceInfo): boolean {
    const service = s.service;
    if (service === undefined) return false;
    const byName = this.slices.get(service);
    if (byName === undefined || !byName.has(s.key)) return false;
    this.markPending(service);
    byName.delete(s.key);
    if (byName.size === 0) this.slices.delete(service);
    return true;
  }

  private merge(service: ServiceName): EndpointsByPort {
    const byName = this.slices.get(service);
    if (byName === undefined) return EMPTY;
    const out = new Map<ServicePortName, Map<string, EndpointInfo>>();
    const sliceKeys = [...byName.keys()].sort();
    for (const k of sliceKeys) {
      const slice = byName.get(k) as EndpointSliceInfo;
      for (const port of slice.ports) {
        const name = servicePortName(service, port.name, port.protocol);
        let eps = out.get(name);
        if (eps === undefined) out.set(name, (eps = new Map()));
        for (const e of slice.endpoints) {
          const info = this.endpointInfo(e, port);
          // Map.set keeps the first position: a duplicate only upgrades to the local copy.
          if (!eps.has(info.key) || info.isLocal) eps.set(info.key, info);
        }
      }
    }
    const result = new Map<ServicePortName, readonly EndpointInfo[]>();
    for (const [name, eps] of out) if (eps.size > 0) result.set(name, [...eps.values()]);
    return result;
  }

  private endpointInfo(e: SliceEndpoint, port: SlicePort): EndpointInfo {
    return {
      key: `${e.ip}:${port.port}`,
      ip: e.ip,
      port: port.port,
      ready: e.ready,
      serving: e.serving,
      terminating: e.terminating,
      nodeName: e.nodeName,
      zone: e.zone,
      isLocal: e.nodeName !== '' && e.nodeName === this.nodeName,
    };
  }
}

function usable(s: EndpointSliceInfo | undefined): (EndpointSliceInfo & { readonly service: ServiceName }) | undefined {
  return s !== undefined && s.service !== undefined && s.addressType === 'IPv4' ? (s as EndpointSliceInfo & { readonly service: ServiceName }) : undefined;
}

function sliceEqual(a: EndpointSliceInfo, b: EndpointSliceInfo): boolean {
  if (a === b) return true;
  if (a.service !== b.service || a.addressType !== b.addressType || a.ports.length !== b.ports.length || a.endpoints.length !== b.endpoints.length) {
    return false;
  }
  for (let i = 0; i < a.ports.length; i++) {
    const x = a.ports[i] as SlicePort;
    const y = b.ports[i] as SlicePort;
    if (x.name !== y.name || x.protocol !== y.protocol || x.port !== y.port) return false;
  }
  for (let i = 0; i < a.endpoints.length; i++) {
    const x = a.endpoints[i] as SliceEndpoint;
    const y = b.endpoints[i] as SliceEndpoint;
    if (x.ip !== y.ip || x.ready !== y.ready || x.serving !== y.serving || x.terminating !== y.terminating || x.nodeName !== y.nodeName || x.zone !== y.zone) {
      return false;
    }
  }
  return true;
}
