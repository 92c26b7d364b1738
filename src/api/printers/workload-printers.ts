// deployments: NAME READY UP-TO-DATE AVAILABLE AGE | CONTAINERS IMAGES SELECTOR
// replicasets: NAME DESIRED CURRENT READY AGE | CONTAINERS IMAGES SELECTOR
// (printers.go printDeployment, printReplicaSet). Counts are numeric cells; READY is "ready/desired".
import { fromLabelSelector, labelSelectorToString, formatLabelSelector } from '../selectors/index.js';
import type { Deployment, KubeObject, ReplicaSet } from '../types/index.js';
import { DOC } from './column-docs.js';
import { layoutContainerCells } from './format.js';
import { translateTimestampSince } from './human-duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type PrintContext, type PrintedRow, type ResourcePrinter } from './table.js';

const CONTAINERS_COLUMN = column('Containers', 'string', 'Names of each container in the template.', { priority: 1 });
const IMAGES_COLUMN = column('Images', 'string', 'Images referenced by each container in the template.', { priority: 1 });

const DEPLOYMENT_COLUMNS = [
  NAME_COLUMN,
  column('Ready', 'string', 'Number of the pod with ready state'),
  column('Up-to-date', 'string', DOC.depUpdated),
  column('Available', 'string', DOC.depAvailable),
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  column('Selector', 'string', DOC.depSelector, { priority: 1 }),
];

const REPLICASET_COLUMNS = [
  NAME_COLUMN,
  column('Desired', 'integer', DOC.rsSpecReplicas),
  column('Current', 'integer', DOC.rsStatusReplicas),
  column('Ready', 'integer', DOC.rsReady),
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  column('Selector', 'string', DOC.rsSelector, { priority: 1 }),
];

export function printDeployment(obj: KubeObject, ctx: PrintContext): PrintedRow {
  const d = obj as Deployment;
  // v1 defaulting sets replicas to 1 when absent.
  const desired = d.spec?.replicas ?? 1;
  const status = d.status ?? {};
  const { names, images } = layoutContainerCells(d.spec?.template?.spec?.containers);
  // Unlike replica sets, deployments print the raw selector string: "" when empty, "<invalid>" on error.
  const sel = fromLabelSelector(d.spec?.selector);
  return {
    cells: [
      d.metadata.name ?? '',
      `${status.readyReplicas ?? 0}/${desired}`,
      status.updatedReplicas ?? 0,
      status.availableReplicas ?? 0,
      translateTimestampSince(d.metadata.creationTimestamp, ctx.nowMs),
      names,
      images,
      sel.ok ? labelSelectorToString(sel.value) : '<invalid>',
    ],
  };
}

export function printReplicaSet(obj: KubeObject, ctx: PrintContext): PrintedRow {
  const rs = obj as ReplicaSet;
  const { names, images } = layoutContainerCells(rs.spec?.template?.spec?.containers);
  return {
    cells: [
      rs.metadata.name ?? '',
      rs.spec?.replicas ?? 1,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      translateTimestampSince(rs.metadata.creationTimestamp, ctx.nowMs),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ],
  };
}

export const deploymentPrinter: ResourcePrinter = { columns: DEPLOYMENT_COLUMNS, row: printDeployment };
export const replicaSetPrinter: ResourcePrinter = { columns: REPLICASET_COLUMNS, row: printReplicaSet };
