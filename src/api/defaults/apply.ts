// Entry points the API server calls, in kube-apiserver's order:
//   decode -> applyDefaults -> prepareForCreate/Update -> validateCreate/Update -> (allocate) -> store.
// All functions return new objects; inputs are not modified.
import type {
  ConfigMap,
  Deployment,
  EndpointSlice,
  Endpoints,
  KubeObject,
  LoadBalancerIPPool,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  Service,
} from '../types/index.js';
import { FINALIZER_KUBERNETES } from '../types/index.js';
import { defaultDeployment, defaultReplicaSet } from './apps.js';
import { defaultLoadBalancerIPPool } from './lb-ipam.js';
import { defaultConfigMap, defaultEndpointSlice, defaultEndpoints, defaultNamespace, defaultNode } from './misc.js';
import { computePodQOS, defaultPod, type PodDefaultOptions } from './pod.js';
import { defaultService, prepareServiceForCreate, prepareServiceForUpdate } from './service.js';

function clone<T>(o: T): T {
  return structuredClone(o);
}

/** Scheme defaulting (plus the always-on Pod admission defaults). */
export function applyDefaults<T extends KubeObject>(obj: T, opts: PodDefaultOptions = {}): T {
  const o = clone(obj);
  o.metadata ??= {};
  switch (o.kind) {
    case 'Pod':
      defaultPod(o as unknown as Pod, opts);
      break;
    case 'Service':
      defaultService(o as unknown as Service);
      break;
    case 'Namespace':
      defaultNamespace(o as unknown as Namespace);
      break;
    case 'Endpoints':
      defaultEndpoints(o as unknown as Endpoints);
      break;
    case 'EndpointSlice':
      defaultEndpointSlice(o as unknown as EndpointSlice);
      break;
    case 'Node':
      defaultNode(o as unknown as Node);
      break;
    case 'ConfigMap':
      defaultConfigMap(o as unknown as ConfigMap);
      break;
    case 'Deployment':
      defaultDeployment(o as unknown as Deployment);
      break;
    case 'ReplicaSet':
      defaultReplicaSet(o as unknown as ReplicaSet);
      break;
    case 'LoadBalancerIPPool':
      defaultLoadBalancerIPPool(o as unknown as LoadBalancerIPPool);
      break;
    default:
      break;
  }
  return o;
}

const HAS_GENERATION = new Set(['Deployment', 'ReplicaSet']);
const HAS_STATUS = new Set(['Pod', 'Service', 'Namespace', 'Node', 'Deployment', 'ReplicaSet', 'LoadBalancerIPPool']);

/** Registry PrepareForCreate: server-owned fields (status, generation, namespace finalizer). */
export function prepareForCreate<T extends KubeObject>(obj: T): T {
  const o = clone(obj);
  switch (o.kind) {
    case 'Pod': {
      const pod = o as unknown as Pod;
      pod.status = { phase: 'Pending', qosClass: computePodQOS(pod.spec ?? { containers: [] }) };
      break;
    }
    case 'Service':
      prepareServiceForCreate(o as unknown as Service);
      break;
    case 'Namespace': {
      const ns = o as unknown as Namespace;
      ns.status = { phase: 'Active' };
      ns.spec ??= {};
      if (!(ns.spec.finalizers ?? []).includes(FINALIZER_KUBERNETES)) ns.spec.finalizers = [...(ns.spec.finalizers ?? []), FINALIZER_KUBERNETES];
      break;
    }
    case 'Deployment':
    case 'ReplicaSet':
      delete (o as { status?: unknown }).status;
      break;
    default:
      break;
  }
  if (HAS_GENERATION.has(o.kind)) o.metadata.generation = 1;
  return o;
}

function specOf(o: KubeObject): unknown {
  return (o as { spec?: unknown }).spec;
}

function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Registry PrepareForUpdate. For the main resource the status is carried over from the old
 * object; for "status" the spec is; "finalize" (namespaces) keeps the old status. Generation
 * is bumped when the spec changes (Deployment, ReplicaSet).
 */
export function prepareForUpdate<T extends KubeObject>(obj: T, old: KubeObject, subresource?: string): T {
  const o = clone(obj) as T & { spec?: unknown; status?: unknown };
  const prev = old as KubeObject & { spec?: unknown; status?: unknown };
  if (subresource === 'status') {
    if (prev.spec === undefined) delete o.spec;
    else o.spec = clone(prev.spec);
  } else if (HAS_STATUS.has(o.kind)) {
    if (prev.status === undefined) delete o.status;
    else o.status = clone(prev.status);
  }
  if (o.kind === 'Namespace' && subresource !== 'finalize' && subresource !== 'status') {
    const ns = o as unknown as Namespace;
    const oldNs = old as Namespace;
    if (oldNs.spec === undefined) delete ns.spec;
    else ns.spec = clone(oldNs.spec);
  }
  if (o.kind === 'Service' && subresource === undefined) prepareServiceForUpdate(o as unknown as Service, old as Service);
  if (HAS_GENERATION.has(o.kind)) {
    const oldGen = old.metadata?.generation ?? 0;
    o.metadata.generation = subresource === undefined && !sameJSON(specOf(o), specOf(old)) ? oldGen + 1 : oldGen;
  }
  return o;
}
