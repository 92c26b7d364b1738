// The compiled schema and the kinds that can be decoded at the top level.

import { appsSchema } from './schema-apps.js';
import { coreContainerSchema } from './schema-core-container.js';
import { corePodSchema } from './schema-core-pod.js';
import { coreServiceSchema } from './schema-core-service.js';
import { metaSchema } from './schema-meta.js';
import { compileSchema, type MessageSpec, type Schema } from './schema-types.js';

export const kubernetesSchema: Schema = compileSchema([
  metaSchema,
  coreServiceSchema,
  coreContainerSchema,
  corePodSchema,
  appsSchema,
]);

/** apiVersion/kind -> root message. Only these may appear in runtime.Unknown's typeMeta. */
const ROOT_KINDS: ReadonlyArray<readonly [apiVersion: string, kind: string, message: string]> = [
  ['v1', 'Namespace', 'Namespace'],
  ['v1', 'Service', 'Service'],
  ['v1', 'ConfigMap', 'ConfigMap'],
  ['v1', 'Pod', 'Pod'],
  ['apps/v1', 'Deployment', 'Deployment'],
];

export const supportedKinds: readonly string[] = ROOT_KINDS.map(([v, k]) => `${v}/${k}`);

export function rootMessageFor(apiVersion: string, kind: string): MessageSpec | undefined {
  const hit = ROOT_KINDS.find(([v, k]) => v === apiVersion && k === kind);
  return hit ? kubernetesSchema.get(hit[2]) : undefined;
}

export function messageSpec(name: string): MessageSpec | undefined {
  return kubernetesSchema.get(name);
}
