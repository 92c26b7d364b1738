// The scheduler's shell: pending pods (no nodeName, schedulerName default-scheduler) are
// queued; a worker decides synchronously (so concurrent workers never decide on the same
// counts twice), assumes the placement, then POSTs pods/NAME/binding. Failures to fit get
// a FailedScheduling Warning event and PodScheduled=False/Unschedulable, and the pod waits
// for a node change (or 5 minutes, upstream's unschedulable-queue flush) to be retried.
import type { Node, Pod } from '../../api/index.js';
import { Resources, type EventRecorder, type Informer, type ReconcileResult } from '../../client/index.js';
import { pods, nodes, type Controller, type ControllerDeps } from '../informers.js';
import type { PodInfo } from '../pod-info.js';
import { ReconcileLoop, attempt, done, requeue, requeueAfter } from '../reconcile-loop.js';
import { rfc3339 } from '../time.js';
import { SchedulerCache } from './scheduler-cache.js';
import { nodeInfo, schedulePod, type NodeInfo } from './scheduling-core.js';

export const SCHEDULER_NAME = 'default-scheduler';
const UNSCHEDULABLE_RETRY_MS = 5 * 60_000;

export interface SchedulerOptions {
  readonly workers?: number;
}

export function isPending(p: PodInfo): boolean {
  return p.nodeName === '' && p.schedulerName === SCHEDULER_NAME && p.deletionMs === undefined && p.phase !== 'Succeeded' && p.phase !== 'Failed';
}

export class Scheduler implements Controller {
  readonly name = SCHEDULER_NAME;
  private readonly pods: Informer<Pod, PodInfo>;
  private readonly nodes: Informer<Node>;
  private readonly cache = new SchedulerCache();
  private readonly unschedulable = new Set<string>();
  private readonly loop: ReconcileLoop;
  private readonly events: EventRecorder;
  private nodeList: NodeInfo[] | undefined;

  constructor(
    private readonly deps: ControllerDeps,
    opts: SchedulerOptions = {},
  ) {
    this.pods = pods(deps.factory);
    this.nodes = nodes(deps.factory);
    this.events = deps.recorder(SCHEDULER_NAME);
    // Many workers: deciding is synchronous, the binding round trip is what they wait on.
    this.loop = new ReconcileLoop({ name: SCHEDULER_NAME, workers: opts.workers ?? 16, clock: deps.clock, log: deps.log, reconcile: (k) => this.reconcile(k) });
    this.pods.addHandler({
      onAdd: (p) => this.onPod(undefined, p),
      onUpdate: (old, p) => this.onPod(old, p),
      onDelete: (p) => {
        this.cache.forget(p.key);
        this.unschedulable.delete(p.key);
      },
    });
    const nodesChanged = () => {
      this.nodeList = undefined;
      // A node change may make waiting pods schedulable (upstream moves them to the active queue).
      for (const key of this.unschedulable) this.loop.enqueue(key);
    };
    this.nodes.addHandler({ onAdd: nodesChanged, onUpdate: (a, b) => (sameNode(a, b) ? undefined : nodesChanged()), onDelete: nodesChanged });
  }

  start(synced: Promise<void>): void {
    this.loop.start(synced);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private onPod(old: PodInfo | undefined, p: PodInfo): void {
    this.cache.observe(p);
    if (isPending(p)) {
      // A pod waiting for a node change is not retried for its own status updates (such as
      // the PodScheduled condition we just wrote), only when what it asks for changes.
      if (old !== undefined && this.unschedulable.has(p.key) && schedulingNeeds(old) === schedulingNeeds(p)) return;
      if (!this.cache.isAssumed(p.key)) this.loop.enqueue(p.key);
    } else {
      this.unschedulable.delete(p.key);
    }
  }

  private nodeInfos(): NodeInfo[] {
    this.nodeList ??= this.nodes
      .list()
      .map(nodeInfo)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    return this.nodeList;
  }

  private async reconcile(key: string): Promise<ReconcileResult> {
    const pod = this.pods.get(key);
    if (pod === undefined || !isPending(pod) || this.cache.isAssumed(key)) return done;
    const decision = schedulePod(pod, this.nodeInfos(), (n) => this.cache.load(n, pod.controllerUid));
    const ref = { kind: 'Pod', apiVersion: 'v1', namespace: pod.namespace, name: pod.name, uid: pod.uid };
    if (decision.type === 'unschedulable') {
      this.unschedulable.add(key);
      this.events.event(ref, 'Warning', 'FailedScheduling', decision.message);
      const cur = pod.scheduledCondition;
      if (cur === undefined || cur.status !== 'False' || cur.reason !== 'Unschedulable' || cur.message !== decision.message) {
        const condition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: rfc3339(this.deps.clock.now()), reason: 'Unschedulable', message: decision.message };
        await attempt(this.deps.client.patch(Resources.pods, pod.namespace, pod.name, 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' }));
      }
      return requeueAfter(UNSCHEDULABLE_RETRY_MS);
    }
    this.unschedulable.delete(key);
    this.cache.assume(pod, decision.node);
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.name, namespace: pod.namespace, uid: pod.uid }, target: { kind: 'Node', name: decision.node } };
    const r = await attempt(this.deps.client.createSubresource(Resources.pods, pod.namespace, pod.name, 'binding', binding));
    switch (r.type) {
      case 'ok':
        this.events.event(ref, 'Normal', 'Scheduled', `Successfully assigned ${pod.namespace}/${pod.name} to ${decision.node}`);
        return done;
      case 'conflict':
      case 'notFound':
        // Bound by someone else or being deleted: the informer will say which.
        this.cache.unassume(key);
        return done;
      default:
        this.cache.unassume(key);
        return requeue;
    }
  }
}

function schedulingNeeds(p: PodInfo): string {
  return JSON.stringify([p.nodeSelector, p.tolerations, p.requiredNodeAffinity, p.preemptionPolicy]);
}

function sameNode(a: Node, b: Node): boolean {
  const ia = nodeInfo(a);
  const ib = nodeInfo(b);
  return JSON.stringify(ia) === JSON.stringify(ib);
}
