// nodes: NAME STATUS ROLES AGE VERSION | INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME
// (printers.go printNode, findNodeRoles). STATUS is Ready / NotReady / Unknown (no Ready
// condition), with ",SchedulingDisabled" appended for cordoned nodes.
import type { KubeObject, Node, NodeCondition } from '../types/index.js';
import { DOC } from './column-docs.js';
import { goSortStrings } from './format.js';
import { translateTimestampSince } from './human-duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type PrintContext, type PrintedRow, type ResourcePrinter } from './table.js';

const COLUMNS = [
  NAME_COLUMN,
  column('Status', 'string', 'The status of the node'),
  column('Roles', 'string', 'The roles of the node'),
  AGE_COLUMN,
  column('Version', 'string', DOC.kubeletVersion),
  column('Internal-IP', 'string', DOC.addresses, { priority: 1 }),
  column('External-IP', 'string', DOC.addresses, { priority: 1 }),
  column('OS-Image', 'string', DOC.osImage, { priority: 1 }),
  column('Kernel-Version', 'string', DOC.kernelVersion, { priority: 1 }),
  column('Container-Runtime', 'string', DOC.containerRuntimeVersion, { priority: 1 }),
];

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

/** Roles from `node-role.kubernetes.io/<role>` keys and a `kubernetes.io/role=<role>` label, sorted. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role.length > 0) roles.add(role);
    } else if (k === ROLE_LABEL && v !== '') roles.add(v);
  }
  return goSortStrings([...roles]);
}

export function nodeStatus(node: Node): string {
  // Later duplicates of a condition type win, as in upstream's map.
  let ready: NodeCondition | undefined;
  for (const c of node.status?.conditions ?? []) if (c.type === 'Ready') ready = c;
  const status = ready === undefined ? ['Unknown'] : [ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable === true) status.push('SchedulingDisabled');
  return status.join(',');
}

function address(node: Node, type: 'InternalIP' | 'ExternalIP'): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

export function printNode(obj: KubeObject, ctx: PrintContext): PrintedRow {
  const node = obj as Node;
  const info = node.status?.nodeInfo;
  const roles = nodeRoles(node).join(',');
  return {
    cells: [
      node.metadata.name ?? '',
      nodeStatus(node),
      roles === '' ? '<none>' : roles,
      translateTimestampSince(node.metadata.creationTimestamp, ctx.nowMs),
      info?.kubeletVersion ?? '',
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ],
  };
}

export const nodePrinter: ResourcePrinter = { columns: COLUMNS, row: printNode };
