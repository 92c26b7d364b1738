// Entry points the API server calls: validateCreate / validateUpdate dispatch on `kind`.
// Objects are expected to be defaulted and prepared (../defaults) first, exactly as
// kube-apiserver runs defaulting and PrepareForCreate/Update before Validate.
import type { PortRange } from '../../core/index.js';
import type {
  Binding,
  ConfigMap,
  Deployment,
  EndpointSlice,
  Endpoints,
  Event,
  KubeObject,
  Lease,
  LoadBalancerIPPool,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  Scale,
  Service,
} from '../types/index.js';
import {
  validateDeployment,
  validateDeploymentStatusUpdate,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetStatusUpdate,
  validateReplicaSetUpdate,
} from './apps.js';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEvent,
  validateLease,
  validateLeaseUpdate,
  validateNamespace,
  validateNamespaceFinalizeUpdate,
  validateNamespaceStatusUpdate,
  validateNamespaceUpdate,
  validateNode,
  validateNodeUpdate,
} from './core-misc.js';
import { validateEndpointSlice, validateEndpointSliceUpdate, validateEndpoints, validateEndpointsUpdate } from './endpoints.js';
import { invalid, type FieldError } from './field-error.js';
import { validateLoadBalancerIPPool, validateLoadBalancerIPPoolUpdate } from './lb-ipam.js';
import { IS_NEGATIVE_ERROR_MSG } from './names.js';
import { fieldPath } from './path.js';
import { validatePod, validatePodBinding, validatePodStatusUpdate, validatePodUpdate } from './pod.js';
import { validateService, validateServiceNodePortRange, validateServiceStatusUpdate, validateServiceUpdate } from './service.js';

export interface ValidationOptions {
  /** --service-node-port-range; when given, Service nodePorts outside it are rejected with the allocator's text. */
  readonly nodePortRange?: PortRange;
  /** Which subresource an update targets ("status", "finalize", "scale"); absent for the main resource. */
  readonly subresource?: string;
}

/** ValidateScale (autoscaling/v1 body of deployments/scale and replicasets/scale). */
export function validateScale(s: Scale): FieldError[] {
  const r = s.spec?.replicas ?? 0;
  return r < 0 ? [invalid(fieldPath('spec', 'replicas'), r, IS_NEGATIVE_ERROR_MSG)] : [];
}

export function validateCreate(obj: KubeObject, opts: ValidationOptions = {}): FieldError[] {
  switch (obj.kind) {
    case 'Namespace':
      return validateNamespace(obj as Namespace);
    case 'Pod':
      return validatePod(obj as Pod);
    case 'Binding':
      return validatePodBinding(obj as Binding);
    case 'Service': {
      const errs = validateService(obj as Service);
      if (opts.nodePortRange !== undefined && errs.length === 0) errs.push(...validateServiceNodePortRange(obj as Service, opts.nodePortRange));
      return errs;
    }
    case 'Endpoints':
      return validateEndpoints(obj as Endpoints);
    case 'EndpointSlice':
      return validateEndpointSlice(obj as EndpointSlice);
    case 'Node':
      return validateNode(obj as Node);
    case 'Event':
      return validateEvent(obj as Event);
    case 'ConfigMap':
      return validateConfigMap(obj as ConfigMap);
    case 'Deployment':
      return validateDeployment(obj as Deployment);
    case 'ReplicaSet':
      return validateReplicaSet(obj as ReplicaSet);
    case 'Lease':
      return validateLease(obj as Lease);
    case 'Scale':
      return validateScale(obj as Scale);
    case 'LoadBalancerIPPool':
      return validateLoadBalancerIPPool(obj as LoadBalancerIPPool);
    default:
      return [];
  }
}

export function validateUpdate(obj: KubeObject, old: KubeObject, opts: ValidationOptions = {}): FieldError[] {
  const sub = opts.subresource;
  switch (obj.kind) {
    case 'Namespace':
      if (sub === 'status') return validateNamespaceStatusUpdate(obj as Namespace, old as Namespace);
      if (sub === 'finalize') return validateNamespaceFinalizeUpdate(obj as Namespace, old as Namespace);
      return validateNamespaceUpdate(obj as Namespace, old as Namespace);
    case 'Pod':
      return sub === 'status' ? validatePodStatusUpdate(obj as Pod, old as Pod) : validatePodUpdate(obj as Pod, old as Pod);
    case 'Service': {
      if (sub === 'status') return validateServiceStatusUpdate(obj as Service, old as Service);
      const errs = validateServiceUpdate(obj as Service, old as Service);
      if (opts.nodePortRange !== undefined && errs.length === 0) errs.push(...validateServiceNodePortRange(obj as Service, opts.nodePortRange));
      return errs;
    }
    case 'Endpoints':
      return validateEndpointsUpdate(obj as Endpoints, old as Endpoints);
    case 'EndpointSlice':
      return validateEndpointSliceUpdate(obj as EndpointSlice, old as EndpointSlice);
    case 'Node':
      return validateNodeUpdate(obj as Node, old as Node);
    case 'Event':
      return validateEvent(obj as Event);
    case 'ConfigMap':
      return validateConfigMapUpdate(obj as ConfigMap, old as ConfigMap);
    case 'Deployment':
      return sub === 'status'
        ? validateDeploymentStatusUpdate(obj as Deployment, old as Deployment)
        : validateDeploymentUpdate(obj as Deployment, old as Deployment);
    case 'ReplicaSet':
      return sub === 'status'
        ? validateReplicaSetStatusUpdate(obj as ReplicaSet, old as ReplicaSet)
        : validateReplicaSetUpdate(obj as ReplicaSet, old as ReplicaSet);
    case 'Lease':
      return validateLeaseUpdate(obj as Lease, old as Lease);
    case 'Scale':
      return validateScale(obj as Scale);
    case 'LoadBalancerIPPool':
      return validateLoadBalancerIPPoolUpdate(obj as LoadBalancerIPPool, old as LoadBalancerIPPool, sub);
    default:
      return [];
  }
}
