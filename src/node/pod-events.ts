// Events as kubelet writes them: about the pod, or about one container (involvedObject with
// fieldPath "spec.containers{name}" / "spec.initContainers{name}"), source component "kubelet".
import type { ObjectReference, Pod } from '../api/index.js';
import type { EventType } from '../client/index.js';

export interface EventSinkLike {
  event(obj: ObjectReference, type: EventType, reason: string, message: string): void;
}

export function podReference(pod: Pod, fieldPath?: string): ObjectReference {
  const m = pod.metadata;
  return {
    kind: 'Pod',
    namespace: m.namespace ?? '',
    name: m.name ?? '',
    ...(m.uid !== undefined ? { uid: m.uid } : {}),
    apiVersion: 'v1',
    ...(m.resourceVersion !== undefined ? { resourceVersion: m.resourceVersion } : {}),
    ...(fieldPath !== undefined ? { fieldPath } : {}),
  };
}

export class PodEvents {
  constructor(private readonly sink: EventSinkLike) {}

  pod(pod: Pod, type: EventType, reason: string, message: string): void {
    this.sink.event(podReference(pod), type, reason, message);
  }

  container(pod: Pod, name: string, init: boolean, type: EventType, reason: string, message: string): void {
    this.sink.event(podReference(pod, `spec.${init ? 'initContainers' : 'containers'}{${name}}`), type, reason, message);
  }
}
