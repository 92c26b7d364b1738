// core/v1 Namespace, Node, Event, ConfigMap and ObjectReference.
import type { SchemaTable } from './openapi-types.js';
import {
  arr, bool, bytes, core, enumStr, gvk, int32, int64, kind, map, meta, obj, opaque, quantityMap, ref, str, stringMap, strings,
} from './schema-builders.js';

const conditionList = (description: string, item: string) =>
  arr(ref(core(item)), description, { mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] });

export const clusterSchemas: SchemaTable = {
  [core('Namespace')]: kind(gvk('', 'v1', 'Namespace'), 'A scope for names: most objects live in exactly one namespace.', {
    spec: ref(core('NamespaceSpec'), 'Desired state of the namespace.'),
    status: ref(core('NamespaceStatus'), 'Observed state of the namespace.'),
  }),
  [core('NamespaceSpec')]: obj('Desired state of a namespace.', {
    finalizers: strings('Cleanup steps that must finish before the namespace is removed; "kubernetes" makes the namespace controller delete its contents first.', {
      listType: 'atomic',
    }),
  }),
  [core('NamespaceStatus')]: obj('Observed state of a namespace.', {
    phase: enumStr(['Active', 'Terminating'], 'Active, or Terminating once deletion started.'),
    conditions: conditionList('Current conditions of the namespace.', 'NamespaceCondition'),
  }),
  [core('NamespaceCondition')]: obj(
    'A condition of a namespace.',
    {
      type: str('Type of the condition.'),
      status: str('True, False or Unknown.'),
      lastTransitionTime: ref(meta('Time'), 'When status last changed.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable details.'),
    },
    { required: ['type', 'status'] },
  ),
  [core('Node')]: kind(gvk('', 'v1', 'Node'), 'A worker machine: the node agent registers it and keeps its status and lease fresh.', {
    spec: ref(core('NodeSpec'), 'How the node is configured.'),
    status: ref(core('NodeStatus'), 'Most recently observed state of the node, reported by its agent.'),
  }),
  [core('NodeSpec')]: obj('How a node is configured.', {
    podCIDR: str('Pod IP range assigned to the node.'),
    podCIDRs: strings('Pod IP ranges assigned to the node, one per IP family; podCIDRs[0] equals podCIDR.', { strategy: 'merge', listType: 'set' }),
    providerID: str('ID of the node in the infrastructure provider.'),
    unschedulable: bool('If true, no new pods are scheduled to the node (cordon).'),
    taints: arr(ref(core('Taint')), 'Taints repelling pods that do not tolerate them.', { listType: 'atomic' }),
    configSource: ref(core('NodeConfigSource'), 'Deprecated dynamic kubelet configuration.'),
    externalID: str('Deprecated.'),
  }),
  [core('NodeConfigSource')]: opaque('Deprecated dynamic kubelet configuration source; kept verbatim.'),
  [core('Taint')]: obj(
    'A taint on a node: pods that do not tolerate it are kept away according to its effect.',
    {
      key: str('Taint key.'),
      value: str('Taint value.'),
      effect: enumStr(['NoExecute', 'NoSchedule', 'PreferNoSchedule'], 'NoSchedule, PreferNoSchedule or NoExecute (also evicts running pods).'),
      timeAdded: ref(meta('Time'), 'When a NoExecute taint was added.'),
    },
    { required: ['key', 'effect'] },
  ),
  [core('NodeStatus')]: obj('Observed state of a node.', {
    capacity: quantityMap('Total resources of the node (cpu, memory, pods, ...).'),
    allocatable: quantityMap('Resources available for pods.'),
    phase: enumStr(['Pending', 'Running', 'Terminated'], 'Deprecated lifecycle phase.'),
    conditions: conditionList('Current conditions of the node, e.g. Ready.', 'NodeCondition'),
    addresses: arr(ref(core('NodeAddress')), 'Addresses of the node (InternalIP, ExternalIP, Hostname, ...).', {
      mergeKey: 'type',
      strategy: 'merge',
      listType: 'map',
      mapKeys: ['type'],
    }),
    daemonEndpoints: ref(core('NodeDaemonEndpoints'), 'Ports of daemons on the node.'),
    nodeInfo: ref(core('NodeSystemInfo'), 'Versions and identifiers reported by the node.'),
    images: arr(ref(core('ContainerImage')), 'Container images present on the node.', { listType: 'atomic' }),
    volumesInUse: strings('Volumes in use on the node.', { listType: 'atomic' }),
    volumesAttached: arr(ref(core('AttachedVolume')), 'Volumes attached to the node.', { listType: 'atomic' }),
    config: ref(core('NodeConfigStatus'), 'Deprecated dynamic configuration status.'),
    runtimeHandlers: arr(ref(core('NodeRuntimeHandler')), 'Runtime handlers available on the node.', { listType: 'atomic' }),
    features: ref(core('NodeFeatures'), 'Features the node supports.'),
  }),
  [core('NodeCondition')]: obj(
    'A condition of a node.',
    {
      type: str('Type of the condition: Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable.'),
      status: str('True, False or Unknown.'),
      lastHeartbeatTime: ref(meta('Time'), 'When the condition was last reported.'),
      lastTransitionTime: ref(meta('Time'), 'When status last changed.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable details.'),
    },
    { required: ['type', 'status'] },
  ),
  [core('NodeAddress')]: obj(
    'An address of a node.',
    { type: str('Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.'), address: str('The address.') },
    { required: ['type', 'address'] },
  ),
  [core('NodeDaemonEndpoints')]: obj('Ports of daemons running on a node.', {
    kubeletEndpoint: ref(core('DaemonEndpoint'), 'Port of the node agent.'),
  }),
  [core('DaemonEndpoint')]: obj('A daemon port.', { Port: int32('Port number.') }, { required: ['Port'] }),
  [core('NodeSystemInfo')]: obj(
    'Identifiers and versions a node reports.',
    {
      machineID: str('Machine ID.'),
      systemUUID: str('System UUID.'),
      bootID: str('Boot ID.'),
      kernelVersion: str('Kernel version (uname -r).'),
      osImage: str('Operating system image.'),
      containerRuntimeVersion: str('Container runtime and version.'),
      kubeletVersion: str('Node agent version.'),
      kubeProxyVersion: str('Deprecated: proxy version.'),
      operatingSystem: str('Operating system, e.g. linux.'),
      architecture: str('CPU architecture, e.g. amd64.'),
    },
    {
      required: [
        'machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion',
        'operatingSystem', 'architecture',
      ],
    },
  ),
  [core('ContainerImage')]: obj('A container image on a node.', {
    names: strings('Names of the image.', { listType: 'atomic' }),
    sizeBytes: int64('Size of the image in bytes.'),
  }),
  [core('AttachedVolume')]: obj(
    'A volume attached to a node.',
    { name: str('Name of the volume.'), devicePath: str('Device path of the volume.') },
    { required: ['name', 'devicePath'] },
  ),
  [core('NodeConfigStatus')]: opaque('Deprecated dynamic configuration status; kept verbatim.'),
  [core('NodeRuntimeHandler')]: opaque('A runtime handler of the node and its features; kept verbatim.'),
  [core('NodeFeatures')]: opaque('Features a node supports; kept verbatim.'),
  [core('Event')]: kind(
    gvk('', 'v1', 'Event'),
    'A report of something that happened to an object, e.g. a scheduling decision or a failed probe.',
    {
      involvedObject: ref(core('ObjectReference'), 'The object the event is about.'),
      reason: str('Short machine-readable reason in CamelCase, e.g. "Scheduled".'),
      message: str('Human-readable description.'),
      source: ref(core('EventSource'), 'Component that reported the event.'),
      firstTimestamp: ref(meta('Time'), 'When the event was first seen.'),
      lastTimestamp: ref(meta('Time'), 'When the event was most recently seen.'),
      count: int32('How many times the event occurred.'),
      type: str('Normal or Warning.'),
      eventTime: ref(meta('MicroTime'), 'When the event was first observed, with microsecond precision.'),
      series: ref(core('EventSeries'), 'Data about a series of repeated events.'),
      action: str('What action was taken or failed.'),
      related: ref(core('ObjectReference'), 'A secondary object involved.'),
      reportingComponent: str('Name of the controller that emitted the event.'),
      reportingInstance: str('ID of the controller instance.'),
    },
    { required: ['metadata', 'involvedObject'] },
  ),
  [core('EventSource')]: obj('Origin of an event.', { component: str('Component name.'), host: str('Node name.') }),
  [core('EventSeries')]: obj('A series of repeated events.', {
    count: int32('Occurrences in the series so far.'),
    lastObservedTime: ref(meta('MicroTime'), 'When the last occurrence was observed.'),
  }),
  [core('ObjectReference')]: obj(
    'A reference to another object.',
    {
      kind: str('Kind of the referent.'),
      namespace: str('Namespace of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
      apiVersion: str('API version of the referent.'),
      resourceVersion: str('Specific resourceVersion referred to, if any.'),
      fieldPath: str('Part of the object referred to, e.g. "spec.containers{name}".'),
    },
    { mapType: 'atomic' },
  ),
  [core('ConfigMap')]: kind(gvk('', 'v1', 'ConfigMap'), 'Non-confidential configuration data as key/value pairs, consumed by pods as files or environment.', {
    immutable: bool('If true, data and binaryData can no longer change.'),
    data: stringMap('UTF-8 configuration values by key.'),
    binaryData: map(bytes(), 'Binary configuration values by key, base64-encoded; keys must not also appear in data.'),
  }),
};
