// Which endpoints a service port's traffic may use on this node — kube-proxy's
// CategorizeEndpoints rules (pkg/proxy/topology.go), without topology hints:
//
//  - cluster endpoints (for traffic under policy Cluster): the ready ones; if none is
//    ready anywhere, the serving-and-terminating ones (KEP-1669 fallback);
//  - local endpoints (for traffic under policy Local): this node's ready ones; if none,
//    this node's serving-and-terminating ones (the fallback is decided per list);
//  - hasAnyEndpoints: some usable endpoint exists anywhere in the cluster. When false the
//    service is rejected; when true but the list a frontend uses is empty, its traffic is
//    dropped (policy Local with no local endpoint), as kube-proxy does.
import type { EndpointInfo, ServicePortInfo } from './types.js';

export interface CategorizedEndpoints {
  /** Empty when the port never uses cluster endpoints. */
  readonly cluster: readonly EndpointInfo[];
  /** Empty when the port never uses local endpoints. */
  readonly local: readonly EndpointInfo[];
  /** Union of the two (what this node can reach), in endpoint order. */
  readonly allReachable: readonly EndpointInfo[];
  readonly hasAnyEndpoints: boolean;
}

const NONE: readonly EndpointInfo[] = [];

const servingTerminating = (e: EndpointInfo) => e.serving && e.terminating;
const isReady = (e: EndpointInfo) => e.ready;

/** The endpoints passing `pred`; the list itself when all do (the common case: no copy). */
function filtered(endpoints: readonly EndpointInfo[], pred: (e: EndpointInfo) => boolean): readonly EndpointInfo[] {
  return endpoints.every(pred) ? endpoints : endpoints.filter(pred);
}

export function categorizeEndpoints(endpoints: readonly EndpointInfo[], svc: ServicePortInfo): CategorizedEndpoints {
  if (endpoints.length === 0) return { cluster: NONE, local: NONE, allReachable: NONE, hasAnyEndpoints: false };
  let cluster = NONE;
  let hasAny = false;
  if (svc.usesClusterEndpoints) {
    cluster = filtered(endpoints, isReady);
    if (cluster.length === 0) cluster = filtered(endpoints, servingTerminating);
    hasAny = cluster.length > 0;
  }
  if (!svc.usesLocalEndpoints) return { cluster, local: NONE, allReachable: cluster, hasAnyEndpoints: hasAny };

  let localReady = false;
  let localServingTerminating = false;
  for (const e of endpoints) {
    if (e.ready) {
      hasAny = true;
      if (e.isLocal) localReady = true;
    } else if (servingTerminating(e)) {
      hasAny = true;
      if (e.isLocal) localServingTerminating = true;
    }
  }
  let local = NONE;
  if (localReady) local = endpoints.filter((e) => e.isLocal && e.ready);
  else if (localServingTerminating) local = endpoints.filter((e) => e.isLocal && servingTerminating(e));

  if (!svc.usesClusterEndpoints) return { cluster, local, allReachable: local, hasAnyEndpoints: hasAny };
  const seen = new Set(cluster.map((e) => e.key));
  const extra = local.filter((e) => !seen.has(e.key));
  return { cluster, local, allReachable: extra.length === 0 ? cluster : [...cluster, ...extra], hasAnyEndpoints: hasAny };
}
