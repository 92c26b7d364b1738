// The shared informers the controllers use, with their index functions defined once:
// the factory shares an informer by (resource, projection) and an index by name, so every
// controller asking for "pods" gets the same cache and the same indexes.
import type { Deployment, EndpointSlice, Endpoints, KubeObject, Node, Pod, ReplicaSet, Service } from '../api/index.js';
import { LABEL_SERVICE_NAME } from '../api/index.js';
import { Resources, type Informer, type InformerFactory, type RestClient, type EventRecorder } from '../client/index.js';
import type { Clock, Logger } from '../core/index.js';
import { controllerOf } from './owner-refs.js';
import { podIndexers, projectPod, type PodInfo } from './pod-info.js';

export interface ControllerDeps {
  readonly client: RestClient;
  readonly factory: InformerFactory;
  readonly clock: Clock;
  readonly log: Logger;
  /** An event recorder per reporting component ("deployment-controller", "default-scheduler", ...). */
  readonly recorder: (component: string) => EventRecorder;
}

/** A controller: handlers are registered at construction, workers start once caches sync. */
export interface Controller {
  readonly name: string;
  start(synced: Promise<void>): void;
  stop(): Promise<void>;
}

export const INDEX = {
  controller: 'controller',
  uid: 'uid',
  orphan: 'orphanNs',
  namespace: 'namespace',
  owner: 'owner',
  serviceName: 'serviceName',
} as const;

const byController = (o: KubeObject) => {
  const r = controllerOf(o);
  return r === undefined ? [] : [r.uid];
};
const byUid = (o: KubeObject) => (o.metadata.uid === undefined ? [] : [o.metadata.uid]);
const orphanNs = (o: KubeObject) => (controllerOf(o) === undefined ? [o.metadata.namespace ?? ''] : []);
const byNamespace = (o: KubeObject) => [o.metadata.namespace ?? ''];
const byOwner = (o: KubeObject) => (o.metadata.ownerReferences ?? []).map((r) => r.uid);
const bySliceService = (o: EndpointSlice) => {
  const s = o.metadata.labels?.[LABEL_SERVICE_NAME];
  return s === undefined ? [] : [`${o.metadata.namespace ?? ''}/${s}`];
};

const workloadIndexers = {
  [INDEX.controller]: byController,
  [INDEX.uid]: byUid,
  [INDEX.orphan]: orphanNs,
  [INDEX.namespace]: byNamespace,
  [INDEX.owner]: byOwner,
};

export function pods(f: InformerFactory): Informer<Pod, PodInfo> {
  return f.informer<Pod, PodInfo>(Resources.pods, { transform: projectPod, indexers: podIndexers });
}

export function replicaSets(f: InformerFactory): Informer<ReplicaSet> {
  return f.informer<ReplicaSet>(Resources.replicasets, { indexers: workloadIndexers });
}

export function deployments(f: InformerFactory): Informer<Deployment> {
  return f.informer<Deployment>(Resources.deployments, { indexers: workloadIndexers });
}

export function services(f: InformerFactory): Informer<Service> {
  return f.informer<Service>(Resources.services, { indexers: { [INDEX.uid]: byUid, [INDEX.owner]: byOwner } });
}

export function nodes(f: InformerFactory): Informer<Node> {
  return f.informer<Node>(Resources.nodes);
}

export function endpointSlices(f: InformerFactory): Informer<EndpointSlice> {
  return f.informer<EndpointSlice>(Resources.endpointslices, { indexers: { [INDEX.serviceName]: bySliceService, [INDEX.owner]: byOwner, [INDEX.uid]: byUid } });
}

export function endpoints(f: InformerFactory): Informer<Endpoints> {
  return f.informer<Endpoints>(Resources.endpoints, { indexers: { [INDEX.owner]: byOwner, [INDEX.uid]: byUid } });
}

export function keyOf(namespace: string | undefined, name: string | undefined): string {
  return namespace === undefined || namespace === '' ? (name ?? '') : `${namespace}/${name ?? ''}`;
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
