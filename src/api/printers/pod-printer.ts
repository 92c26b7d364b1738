// pods: NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED NODE READINESS GATES
// (pkg/printers/internalversion/printers.go printPod). STATUS is the "reason" kubectl users
// know: the phase, overridden by status.reason, then by init container progress
// (Init:0/2, Init:CrashLoopBackOff, Init:ExitCode:1), then by the first waiting/terminated
// container reason (ContainerCreating, CrashLoopBackOff, Completed, Error, ExitCode:2),
// and finally Terminating / Unknown while a deletion is pending.
import type { Container, ContainerStatus, KubeObject, Pod, PodCondition } from '../types/index.js';
import { DOC } from './column-docs.js';
import type { FieldProjection } from './field-projection.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from './human-duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type PrintContext, type PrintedRow, type ResourcePrinter, type TableCell, type TableRowCondition } from './table.js';

const COLUMNS = [
  NAME_COLUMN,
  column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'string', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  AGE_COLUMN,
  column('IP', 'string', DOC.podIP, { priority: 1 }),
  column('Node', 'string', DOC.nodeName, { priority: 1 }),
  column('Nominated Node', 'string', DOC.nominatedNodeName, { priority: 1 }),
  column('Readiness Gates', 'string', DOC.readinessGates, { priority: 1 }),
];

const SUCCEEDED: readonly TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const FAILED: readonly TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** node.NodeUnreachablePodReason: set by the node lifecycle controller on pods of a lost node. */
const NODE_UNREACHABLE_REASON = 'NodeLost';

const isRestartableInit = (c: Container | undefined): boolean => c?.restartPolicy === 'Always';
const isTerminalPhase = (phase: string): boolean => phase === 'Succeeded' || phase === 'Failed';

function conditionTrue(conditions: readonly PodCondition[] | undefined, type: string): boolean {
  // Upstream stops at the first condition of the type.
  const c = conditions?.find((x) => x.type === type);
  return c?.status === 'True';
}

/** Latest lastState.terminated.finishedAt, as ms (Go keeps the max via Time.Before). */
function laterFinish(latest: number | undefined, s: ContainerStatus): number | undefined {
  const t = parseTimestamp(s.lastState?.terminated?.finishedAt);
  if (t === undefined) return latest;
  return latest === undefined || latest < t ? t : latest;
}

/** What a pod row is before the clock is read: AGE and RESTARTS are filled in by finishPod. */
interface PreparedPod {
  /** Every cell; RESTARTS and AGE are placeholders. */
  readonly cells: readonly TableCell[];
  readonly conditions: readonly TableRowCondition[] | undefined;
  readonly created: string | undefined;
  readonly restarts: number;
  readonly lastRestart: number | undefined;
}

function finishPod(prepared: unknown, ctx: PrintContext): PrintedRow {
  const p = prepared as PreparedPod;
  let restartsCell = String(p.restarts);
  if (p.restarts !== 0 && p.lastRestart !== undefined) restartsCell = `${p.restarts} (${humanDuration(ctx.nowMs - p.lastRestart)} ago)`;
  const cells = p.cells.slice();
  cells[3] = restartsCell;
  cells[4] = translateTimestampSince(p.created, ctx.nowMs);
  return p.conditions === undefined ? { cells } : { cells, conditions: p.conditions };
}

export function printPod(obj: KubeObject, ctx: PrintContext): PrintedRow {
  return finishPod(preparePod(obj), ctx);
}

function preparePod(obj: KubeObject): PreparedPod {
  const pod = obj as Pod;
  const spec = pod.spec;
  const status = pod.status ?? {};
  const initSpecs = spec?.initContainers ?? [];
  let totalContainers = spec?.containers?.length ?? 0;
  let readyContainers = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;

  const phase = status.phase ?? '';
  let reason: string = status.reason !== undefined && status.reason !== '' ? status.reason : phase;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const conditions = phase === 'Succeeded' ? SUCCEEDED : phase === 'Failed' ? FAILED : undefined;

  const initByName = new Map<string, Container>();
  for (const c of initSpecs) {
    initByName.set(c.name, c);
    if (isRestartableInit(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    if (cs === undefined) continue;
    const restartable = isRestartableInit(initByName.get(cs.name));
    restarts += cs.restartCount ?? 0;
    lastRestart = laterFinish(lastRestart, cs);
    if (restartable) {
      restartableInitRestarts += cs.restartCount ?? 0;
      lastRestartableInitRestart = laterFinish(lastRestartableInitRestart, cs);
    }
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated !== undefined && terminated.exitCode === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready) readyContainers++;
      continue;
    }
    if (terminated !== undefined) {
      if (terminated.reason === undefined || terminated.reason === '') {
        reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
      } else reason = 'Init:' + terminated.reason;
    } else if (waiting !== undefined && waiting.reason !== undefined && waiting.reason !== '' && waiting.reason !== 'PodInitializing') {
      reason = 'Init:' + waiting.reason;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status.conditions, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Walked backwards so the first container's reason wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      if (cs === undefined) continue;
      restarts += cs.restartCount ?? 0;
      lastRestart = laterFinish(lastRestart, cs);
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting !== undefined && waiting.reason !== undefined && waiting.reason !== '') reason = waiting.reason;
      else if (terminated !== undefined && terminated.reason !== undefined && terminated.reason !== '') reason = terminated.reason;
      else if (terminated !== undefined) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (cs.ready && cs.state?.running !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A sidecar-style pod where some containers completed but others still run.
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = parseTimestamp(pod.metadata.deletionTimestamp) !== undefined;
  if (deleting && status.reason === NODE_UNREACHABLE_REASON) reason = 'Unknown';
  else if (deleting && !isTerminalPhase(phase)) reason = 'Terminating';

  const podIP = status.podIPs?.[0]?.ip || status.podIP || '<none>';
  const nodeName = spec?.nodeName || '<none>';
  const nominated = status.nominatedNodeName || '<none>';
  let readinessGates = '<none>';
  const gates = spec?.readinessGates ?? [];
  if (gates.length > 0) {
    const trueCount = gates.filter((g) => status.conditions?.find((c) => c.type === g.conditionType)?.status === 'True').length;
    readinessGates = `${trueCount}/${gates.length}`;
  }

  const cells = [pod.metadata.name ?? '', `${readyContainers}/${totalContainers}`, reason, '', '', podIP, nodeName, nominated, readinessGates];
  return { cells, conditions, created: pod.metadata.creationTimestamp ?? undefined, restarts, lastRestart };
}

const TERMINATED = { exitCode: true, signal: true, reason: true, finishedAt: true } as const;
const CONTAINER_STATUS = {
  name: true,
  restartCount: true,
  started: true,
  ready: true,
  state: { waiting: { reason: true }, terminated: TERMINATED, running: {} },
  lastState: { terminated: TERMINATED },
} as const;

/** What printPod reads: a pod's spec and status are mostly containers it never looks into. */
const POD_FIELDS = {
  metadata: { name: true, creationTimestamp: true, deletionTimestamp: true },
  spec: { containers: {}, initContainers: { name: true, restartPolicy: true }, nodeName: true, readinessGates: { conditionType: true } },
  status: {
    phase: true,
    reason: true,
    conditions: { type: true, status: true, reason: true },
    initContainerStatuses: CONTAINER_STATUS,
    containerStatuses: CONTAINER_STATUS,
    podIP: true,
    podIPs: { ip: true },
    nominatedNodeName: true,
  },
} satisfies FieldProjection;

export const podPrinter: ResourcePrinter = { columns: COLUMNS, row: printPod, fields: POD_FIELDS, staged: { prepare: preparePod, finish: finishPod } };
