// Desired endpoint groups + the Service's current slices -> creates, updates and deletes
// (pkg/controller/endpointslice reconciler.go, reworked for the least churn):
//   1. an existing slice whose port list is still wanted keeps its endpoints that are still
//      wanted, in place (changed ones are replaced where they sit), and drops the rest;
//   2. endpoints not yet placed fill slices of their group that are already being written,
//      then ones with room, and only then go to new slices (at most 100 per slice);
//   3. a slice nobody wants any more is reused for a new group rather than deleted and
//      recreated (one update instead of a delete plus a create);
//   4. a Service with no endpoints keeps exactly one placeholder slice (no endpoints,
//      empty port list), as upstream does.
// Writes come out creates and updates first, deletes last, so no endpoint blinks out.
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, type AddressType, type Endpoint, type EndpointSlice, type EndpointSlicePort, type Service } from '../../api/index.js';
import { canonicalJson, frozenCanonicalJson } from '../canonical-json.js';
import { addressTypesOf, groupKey, type EndpointGroup } from './desired-endpoints.js';

export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';

export type SliceAction =
  | { readonly type: 'create'; readonly slice: EndpointSlice }
  | { readonly type: 'update'; readonly slice: EndpointSlice }
  | { readonly type: 'delete'; readonly slice: EndpointSlice };

/** Service labels (minus the reserved ones) + service-name + managed-by (+ headless). */
export function sliceLabels(svc: Service): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) {
    if (k !== LABEL_SERVICE_NAME && k !== LABEL_MANAGED_BY && k !== LABEL_HEADLESS) out[k] = v;
  }
  out[LABEL_SERVICE_NAME] = svc.metadata.name ?? '';
  out[LABEL_MANAGED_BY] = MANAGED_BY;
  if (svc.spec?.clusterIP === 'None') out[LABEL_HEADLESS] = '';
  return out;
}

interface Working {
  readonly orig: EndpointSlice | undefined;
  key: string;
  addressType: AddressType;
  ports: EndpointSlicePort[];
  endpoints: Endpoint[];
  changed: boolean;
}

const addressOf = (ep: Endpoint): string => ep.addresses[0] ?? '';
// `a` comes from the informer's slice (immutable, its encoding cached), `b` is freshly built.
const sameEndpoint = (a: Endpoint, b: Endpoint): boolean => frozenCanonicalJson(a) === canonicalJson(b);

function metaDiffers(s: EndpointSlice, svc: Service, labels: Record<string, string>): boolean {
  if (frozenCanonicalJson(s.metadata.labels ?? {}) !== canonicalJson(labels)) return true;
  return !(s.metadata.ownerReferences ?? []).some((r) => r.uid === svc.metadata.uid && r.controller === true);
}

function build(svc: Service, w: Working, labels: Record<string, string>): EndpointSlice {
  const ownerRef = { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name ?? '', uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
  const base = w.orig;
  const metadata =
    base === undefined
      ? { generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace ?? 'default', labels, ownerReferences: [ownerRef] }
      : { ...base.metadata, labels, ownerReferences: [...(base.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerRef.uid && r.controller !== true), ownerRef] };
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata, addressType: w.addressType, endpoints: w.endpoints, ports: w.ports };
}

export function reconcileSlices(svc: Service, desired: ReadonlyMap<string, EndpointGroup>, existing: readonly EndpointSlice[], maxPerSlice = MAX_ENDPOINTS_PER_SLICE): SliceAction[] {
  const labels = sliceLabels(svc);
  const kept: Working[] = [];
  const spare: Working[] = [];
  const placed = new Map<string, Set<string>>();
  const sorted = [...existing].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  for (const s of sorted) {
    const w: Working = { orig: s, key: groupKey(s.addressType, s.ports ?? []), addressType: s.addressType, ports: s.ports ?? [], endpoints: [], changed: metaDiffers(s, svc, labels) };
    const g = desired.get(w.key);
    if (g === undefined) {
      w.endpoints = [...s.endpoints];
      spare.push(w);
      continue;
    }
    let seen = placed.get(w.key);
    if (seen === undefined) placed.set(w.key, (seen = new Set()));
    for (const ep of s.endpoints) {
      const addr = addressOf(ep);
      const want = g.endpoints.get(addr);
      if (want === undefined || seen.has(addr)) {
        w.changed = true;
        continue;
      }
      seen.add(addr);
      if (sameEndpoint(ep, want)) w.endpoints.push(ep);
      else {
        w.endpoints.push(want);
        w.changed = true;
      }
    }
    if (w.endpoints.length === 0) spare.push(w);
    else kept.push(w);
  }

  const created: Working[] = [];
  for (const key of [...desired.keys()].sort()) {
    const g = desired.get(key)!;
    const seen = placed.get(key) ?? new Set<string>();
    const remaining = [...g.endpoints.entries()]
      .filter(([addr]) => !seen.has(addr))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, ep]) => ep);
    if (remaining.length === 0) continue;
    // Slices already being written first: filling them costs no extra request.
    const targets = kept.filter((w) => w.key === key).sort((a, b) => Number(b.changed) - Number(a.changed) || b.endpoints.length - a.endpoints.length);
    for (const w of targets) {
      while (remaining.length > 0 && w.endpoints.length < maxPerSlice) {
        w.endpoints.push(remaining.shift()!);
        w.changed = true;
      }
    }
    while (remaining.length > 0) {
      const chunk = remaining.splice(0, maxPerSlice);
      const reuse = spare.findIndex((w) => w.addressType === g.addressType);
      const w: Working =
        reuse >= 0 ? spare.splice(reuse, 1)[0]! : { orig: undefined, key, addressType: g.addressType, ports: [], endpoints: [], changed: true };
      w.key = key;
      w.ports = [...g.ports];
      w.endpoints = chunk;
      w.changed = true;
      (w.orig === undefined ? created : kept).push(w);
    }
  }

  if (kept.length === 0 && created.length === 0) {
    const addressType = addressTypesOf(svc)[0] ?? 'IPv4';
    const isPlaceholder = (w: Working) => w.endpoints.length === 0 && w.ports.length === 0 && w.addressType === addressType;
    let i = spare.findIndex(isPlaceholder);
    if (i < 0) i = spare.findIndex((w) => w.addressType === addressType);
    const w: Working = i >= 0 ? spare.splice(i, 1)[0]! : { orig: undefined, key: '', addressType, ports: [], endpoints: [], changed: true };
    if (!isPlaceholder(w)) {
      w.ports = [];
      w.endpoints = [];
      w.changed = true;
    }
    (w.orig === undefined ? created : kept).push(w);
  }

  const actions: SliceAction[] = [];
  for (const w of created) actions.push({ type: 'create', slice: build(svc, w, labels) });
  for (const w of kept) if (w.changed) actions.push({ type: 'update', slice: build(svc, w, labels) });
  for (const w of spare) if (w.orig !== undefined) actions.push({ type: 'delete', slice: w.orig });
  return actions;
}
