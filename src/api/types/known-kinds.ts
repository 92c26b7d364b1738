// Union of every kind svcnet serves, discriminated on `kind`, plus narrowing helpers.
import type { Deployment, Lease, ReplicaSet } from './apps.js';
import type { EndpointSlice, Endpoints } from './endpoints.js';
import type { KubeObject } from './meta.js';
import type { ConfigMap, Event, Namespace } from './namespace.js';
import type { Node } from './node.js';
import type { Pod } from './pod.js';
import type { Service } from './service.js';

export type KnownObject =
  | Namespace
  | Pod
  | Service
  | Endpoints
  | Node
  | Event
  | ConfigMap
  | EndpointSlice
  | Deployment
  | ReplicaSet
  | Lease;

export type KnownKind = KnownObject['kind'];

export type ObjectOfKind<K extends KnownKind> = Extract<KnownObject, { kind: K }>;

/** Narrows by kind only: the caller still has to trust (or validate) the body. */
export function isKind<K extends KnownKind>(obj: KubeObject, kind: K): obj is ObjectOfKind<K> {
  return obj.kind === kind;
}
