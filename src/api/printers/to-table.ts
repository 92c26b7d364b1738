// toTable: what kube-apiserver answers when a client (kubectl get) asks for
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. The handler looks the printer up by
// resource, prints every object with all columns (Wide=true), then attaches each row's object
// according to `includeObject` (apiserver handlers/response.go asTable).
import type { KubeObject, ListMeta } from '../types/index.js';
import { endpointSlicePrinter, endpointsPrinter } from './endpoints-printers.js';
import { eventPrinter } from './event-printer.js';
import { loadBalancerIPPoolPrinter } from './lb-pool-printer.js';
import { nodePrinter } from './node-printer.js';
import { podPrinter } from './pod-printer.js';
import { servicePrinter } from './service-printer.js';
import { configMapPrinter, genericPrinter, leasePrinter, namespacePrinter, secretPrinter } from './simple-printers.js';
import type { IncludeObjectPolicy, PartialObjectMetadata, ResourcePrinter, Table, TableRow } from './table.js';
import { deploymentPrinter, replicaSetPrinter } from './workload-printers.js';

const PRINTERS: Readonly<Record<string, ResourcePrinter>> = {
  pods: podPrinter,
  services: servicePrinter,
  deployments: deploymentPrinter,
  replicasets: replicaSetPrinter,
  namespaces: namespacePrinter,
  nodes: nodePrinter,
  endpoints: endpointsPrinter,
  endpointslices: endpointSlicePrinter,
  events: eventPrinter,
  leases: leasePrinter,
  configmaps: configMapPrinter,
  secrets: secretPrinter,
  loadbalancerippools: loadBalancerIPPoolPrinter,
};

export type TableGroupVersion = 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';

export interface TableOptions {
  /** The clock reading ages are computed against (inject the server clock; tests pin it). */
  readonly now: Date | number;
  /** Default Metadata: rows carry PartialObjectMetadata. */
  readonly includeObject?: IncludeObjectPolicy;
  /** TableOptions.noHeaders: omit columnDefinitions (they come back as null). */
  readonly noHeaders?: boolean;
  /** resourceVersion / continue / remainingItemCount of the list being rendered. */
  readonly listMeta?: ListMeta;
  /** The Table group version the client asked for; PartialObjectMetadata uses the same one. */
  readonly groupVersion?: TableGroupVersion;
}

/** The printer for a resource (plural, lower case); unknown resources get the Name/Age fallback. */
export function printerFor(resource: string): ResourcePrinter {
  return PRINTERS[resource] ?? genericPrinter;
}

export function hasDedicatedPrinter(resource: string): boolean {
  return PRINTERS[resource] !== undefined;
}

function pickListMeta(m: ListMeta | undefined): ListMeta {
  const out: ListMeta = {};
  if (m?.resourceVersion) out.resourceVersion = m.resourceVersion;
  if (m?.continue) out.continue = m.continue;
  if (m?.remainingItemCount !== undefined && m.remainingItemCount !== null) out.remainingItemCount = m.remainingItemCount;
  return out;
}

export function toTable(resource: string, objects: readonly KubeObject[], opts: TableOptions): Table {
  const printer = printerFor(resource);
  const ctx = { nowMs: typeof opts.now === 'number' ? opts.now : opts.now.getTime() };
  const gv = opts.groupVersion ?? 'meta.k8s.io/v1';
  const include = opts.includeObject ?? 'Metadata';
  const rows: TableRow[] = objects.map((obj) => {
    const printed = printer.row(obj, ctx);
    let object: TableRow['object'];
    if (include === 'None') object = null;
    else if (include === 'Object') object = obj;
    else object = { kind: 'PartialObjectMetadata', apiVersion: gv, metadata: obj.metadata } satisfies PartialObjectMetadata;
    return printed.conditions === undefined ? { cells: printed.cells, object } : { cells: printed.cells, conditions: printed.conditions, object };
  });
  return {
    kind: 'Table',
    apiVersion: gv,
    metadata: pickListMeta(opts.listMeta),
    columnDefinitions: opts.noHeaders === true ? null : printer.columns,
    rows,
  };
}
