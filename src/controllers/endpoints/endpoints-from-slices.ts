// v1 Endpoints mirrored from a Service's EndpointSlices, shaped the way the endpoints
// controller writes them (pkg/controller/endpoint, endpoints.RepackSubsets): addresses
// grouped into subsets by their port set, ready ones under `addresses`, others under
// `notReadyAddresses`, terminating endpoints left out unless publishNotReadyAddresses;
// addresses sorted by IP then uid, at most 1000 addresses (then the over-capacity
// annotation says "truncated").
import type { EndpointAddress, EndpointPort, EndpointSlice, EndpointSubset, Endpoints, Service } from '../../api/index.js';
import { canonicalJson, frozenCanonicalJson } from '../canonical-json.js';
import { addressTypesOf } from '../endpointslice/desired-endpoints.js';
import { LABEL_HEADLESS } from '../endpointslice/slice-reconciler.js';

export const MAX_ENDPOINTS_ADDRESSES = 1000;
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

interface Group {
  readonly ports: EndpointPort[];
  readonly ready: Map<string, EndpointAddress>;
  readonly notReady: Map<string, EndpointAddress>;
}

const byIpThenUid = (a: EndpointAddress, b: EndpointAddress): number => {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
};

const portKey = (ports: readonly EndpointPort[]): string => ports.map((p) => `${p.name ?? ''}/${p.protocol ?? 'TCP'}/${p.port}/${p.appProtocol ?? ''}`).join(',');

export function subsetsFromSlices(svc: Service, slices: readonly EndpointSlice[]): { subsets: EndpointSubset[]; truncated: boolean } {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const addressType = addressTypesOf(svc)[0] ?? 'IPv4';
  const groups = new Map<string, Group>();
  for (const s of slices) {
    if (s.addressType !== addressType) continue;
    const ports: EndpointPort[] = (s.ports ?? [])
      .filter((p) => p.port !== undefined)
      .map((p) => ({ ...(p.name !== undefined && p.name !== '' ? { name: p.name } : {}), port: p.port!, protocol: p.protocol ?? 'TCP', ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}) }))
      .sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : a.port - b.port));
    const key = portKey(ports);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { ports, ready: new Map(), notReady: new Map() }));
    for (const ep of s.endpoints) {
      const c = ep.conditions ?? {};
      if (c.terminating === true && !publishNotReady) continue;
      for (const ip of ep.addresses) {
        const addr: EndpointAddress = {
          ip,
          ...(ep.hostname !== undefined ? { hostname: ep.hostname } : {}),
          ...(ep.nodeName !== undefined ? { nodeName: ep.nodeName } : {}),
          ...(ep.targetRef !== undefined ? { targetRef: ep.targetRef } : {}),
        };
        // ready is unset only from writers that predate conditions: treat as ready, as upstream.
        if (c.ready !== false) {
          g.ready.set(ip, addr);
          g.notReady.delete(ip);
        } else if (!g.ready.has(ip)) g.notReady.set(ip, addr);
      }
    }
  }
  const subsets: EndpointSubset[] = [];
  let budget = MAX_ENDPOINTS_ADDRESSES;
  let truncated = false;
  const ordered = [...groups.values()].sort((a, b) => (portKey(a.ports) < portKey(b.ports) ? -1 : 1));
  const take = (m: Map<string, EndpointAddress>): EndpointAddress[] => {
    const all = [...m.values()].sort(byIpThenUid);
    if (all.length > budget) truncated = true;
    const kept = all.slice(0, Math.max(0, budget));
    budget -= kept.length;
    return kept;
  };
  // Ready addresses get the budget first, as upstream's truncation keeps ready ones.
  const readyLists = ordered.map((g) => take(g.ready));
  const notReadyLists = ordered.map((g) => take(g.notReady));
  ordered.forEach((g, i) => {
    const addresses = readyLists[i] ?? [];
    const notReadyAddresses = notReadyLists[i] ?? [];
    if (addresses.length === 0 && notReadyAddresses.length === 0) return;
    subsets.push({
      ...(addresses.length > 0 ? { addresses } : {}),
      ...(notReadyAddresses.length > 0 ? { notReadyAddresses } : {}),
      ...(g.ports.length > 0 ? { ports: g.ports } : {}),
    });
  });
  return { subsets, truncated };
}

export type EndpointsAction = { readonly type: 'none' } | { readonly type: 'create'; readonly endpoints: Endpoints } | { readonly type: 'update'; readonly endpoints: Endpoints };

/** The Endpoints a Service should have, and how to get there from `current`. */
export function endpointsAction(svc: Service, slices: readonly EndpointSlice[], current: Endpoints | undefined): EndpointsAction {
  const { subsets, truncated } = subsetsFromSlices(svc, slices);
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
  if (truncated) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated';
  else delete annotations[ANNOTATION_OVER_CAPACITY];
  if (current !== undefined) {
    const same =
      frozenCanonicalJson(current.subsets ?? []) === canonicalJson(subsets) &&
      frozenCanonicalJson(current.metadata.labels ?? {}) === canonicalJson(labels) &&
      frozenCanonicalJson(current.metadata.annotations ?? {}) === canonicalJson(annotations);
    if (same) return { type: 'none' };
  }
  const metadata = {
    ...(current?.metadata ?? {}),
    name: svc.metadata.name ?? '',
    namespace: svc.metadata.namespace ?? 'default',
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
  if (Object.keys(labels).length === 0) delete metadata.labels;
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  const endpoints: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata, ...(subsets.length > 0 ? { subsets } : {}) };
  return current === undefined ? { type: 'create', endpoints } : { type: 'update', endpoints };
}
