// The deployment controller's shell: informers on deployments, ReplicaSets and pods ->
// work queue of deployment keys -> the pure syncDeployment -> API writes, applied in
// order; the first write that fails ends the sync and the key is retried with backoff.
// ReplicaSet names are deterministic (<deployment>-<pod-template-hash>), so a stale cache
// can at worst produce AlreadyExists, never a duplicate.
import { fromLabelSelector, matchesLabels, type Deployment, type Pod, type ReplicaSet } from '../../api/index.js';
import { Resources, type EventRecorder, type Informer, type ReconcileResult } from '../../client/index.js';
import { INDEX, deployments, keyOf, pods, replicaSets, type Controller, type ControllerDeps } from '../informers.js';
import { isControlledBy, controllerRefFor, withControllerRef, withoutOwner } from '../owner-refs.js';
import { mutateObject } from '../mutate-object.js';
import { POD_INDEX, type PodInfo } from '../pod-info.js';
import { ReconcileLoop, attempt, done, requeue, requeueAfter } from '../reconcile-loop.js';
import { scalingMessage, syncDeployment, type DeploymentAction } from './deployment-sync.js';
import { templatesEqualIgnoringHash } from './deployment-util.js';

export interface DeploymentControllerOptions {
  readonly workers?: number;
}

export class DeploymentController implements Controller {
  readonly name = 'deployment-controller';
  private readonly deployments: Informer<Deployment>;
  private readonly rss: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod, PodInfo>;
  private readonly loop: ReconcileLoop;
  private readonly events: EventRecorder;

  constructor(
    private readonly deps: ControllerDeps,
    opts: DeploymentControllerOptions = {},
  ) {
    this.deployments = deployments(deps.factory);
    this.rss = replicaSets(deps.factory);
    this.pods = pods(deps.factory);
    this.events = deps.recorder(this.name);
    this.loop = new ReconcileLoop({ name: this.name, workers: opts.workers ?? 5, clock: deps.clock, log: deps.log, reconcile: (k) => this.reconcile(k) });
    const enqueueD = (d: Deployment) => this.loop.enqueue(keyOf(d.metadata.namespace, d.metadata.name));
    this.deployments.addHandler({ onAdd: enqueueD, onUpdate: (_, d) => enqueueD(d), onDelete: enqueueD });
    this.rss.addHandler({
      onAdd: (rs) => this.enqueueFor(rs),
      onUpdate: (old, rs) => {
        this.enqueueFor(rs);
        const prev = old.metadata.ownerReferences?.find((r) => r.controller === true)?.uid;
        const cur = rs.metadata.ownerReferences?.find((r) => r.controller === true)?.uid;
        if (prev !== cur) this.enqueueFor(old);
      },
      onDelete: (rs) => this.enqueueFor(rs),
    });
    // Recreate waits for the old pods to be gone: their deletion is the event it waits for.
    this.pods.addHandler({
      onDelete: (p) => {
        const rs = p.controllerUid === '' ? undefined : this.rss.byIndex(INDEX.uid, p.controllerUid)[0];
        const d = rs === undefined ? undefined : this.ownerDeployment(rs);
        if (d !== undefined && d.spec?.strategy?.type === 'Recreate') enqueueD(d);
      },
    });
  }

  start(synced: Promise<void>): void {
    this.loop.start(synced);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private ownerDeployment(rs: ReplicaSet): Deployment | undefined {
    const ref = rs.metadata.ownerReferences?.find((r) => r.controller === true);
    if (ref === undefined || ref.kind !== 'Deployment') return undefined;
    return this.deployments.byIndex(INDEX.uid, ref.uid)[0];
  }

  private enqueueFor(rs: ReplicaSet): void {
    const d = this.ownerDeployment(rs);
    if (d !== undefined) {
      this.loop.enqueue(keyOf(d.metadata.namespace, d.metadata.name));
      return;
    }
    if (rs.metadata.ownerReferences?.some((r) => r.controller === true) === true) return;
    // An orphan: every deployment whose selector matches may adopt it.
    for (const cand of this.deployments.byIndex(INDEX.namespace, rs.metadata.namespace ?? '')) {
      const sel = fromLabelSelector(cand.spec?.selector);
      if (sel.ok && matchesLabels(sel.value, rs.metadata.labels)) this.loop.enqueue(keyOf(cand.metadata.namespace, cand.metadata.name));
    }
  }

  private async reconcile(key: string): Promise<ReconcileResult> {
    const d = this.deployments.get(key);
    if (d === undefined) return done;
    const uid = d.metadata.uid ?? '';
    const ns = d.metadata.namespace ?? '';
    const candidates = [...this.rss.byIndex(INDEX.controller, uid), ...this.rss.byIndex(INDEX.orphan, ns)];
    const podsByRS = new Map<string, PodInfo[]>();
    if (d.spec?.strategy?.type === 'Recreate') {
      for (const rs of candidates) {
        if (isControlledBy(rs.metadata.ownerReferences, uid)) podsByRS.set(rs.metadata.uid ?? '', this.pods.byIndex(POD_INDEX.controller, rs.metadata.uid ?? ''));
      }
    }
    const result = syncDeployment({ deployment: d, candidates, podsByRS, now: this.deps.clock.now() });
    for (const a of result.actions) {
      const r = await this.apply(d, a);
      if (r.type !== 'done') return r;
    }
    return result.requeueAfterMs === undefined ? done : requeueAfter(result.requeueAfterMs);
  }

  private async apply(d: Deployment, a: DeploymentAction): Promise<ReconcileResult> {
    const { client } = this.deps;
    const ns = d.metadata.namespace;
    switch (a.type) {
      case 'adoptReplicaSet':
      case 'releaseReplicaSet': {
        const ref = controllerRefFor(d);
        const r = await mutateObject<ReplicaSet>(client, Resources.replicasets, ns, a.rs.metadata.name ?? '', (live) => {
          if (live.metadata.uid !== a.rs.metadata.uid) return { type: 'unchanged' };
          const refs = a.type === 'adoptReplicaSet' ? withControllerRef(live.metadata.ownerReferences, ref) : withoutOwner(live.metadata.ownerReferences, ref.uid);
          return { type: 'update', object: { ...live, metadata: { ...live.metadata, ownerReferences: refs } } };
        });
        return r.type === 'ok' || r.type === 'notFound' ? done : requeue;
      }
      case 'createReplicaSet': {
        const r = await attempt(client.create<ReplicaSet>(Resources.replicasets, ns, a.rs));
        if (r.type === 'ok') {
          const n = a.rs.spec?.replicas ?? 0;
          if (n > 0) this.events.event(d, 'Normal', 'ScalingReplicaSet', scalingMessage(r.value.metadata.name ?? '', 0, n));
          return done;
        }
        if (r.type === 'alreadyExists') return this.onCollision(d, a.rs);
        return requeue;
      }
      case 'updateReplicaSet': {
        const patch = {
          metadata: { annotations: a.annotations },
          spec: { replicas: a.replicas, ...(a.minReadySeconds !== undefined ? { minReadySeconds: a.minReadySeconds } : {}) },
        };
        const r = await attempt(client.patch<ReplicaSet>(Resources.replicasets, ns, a.rs.metadata.name ?? '', 'merge', patch));
        if (r.type !== 'ok') return requeue;
        if (a.from !== a.replicas) this.events.event(d, 'Normal', 'ScalingReplicaSet', scalingMessage(a.rs.metadata.name ?? '', a.from, a.replicas));
        return done;
      }
      case 'deleteReplicaSet': {
        const r = await attempt(client.delete(Resources.replicasets, ns, a.rs.metadata.name ?? '', { preconditions: { uid: a.rs.metadata.uid ?? '' } }));
        return r.type === 'ok' || r.type === 'notFound' ? done : requeue;
      }
      case 'updateStatus': {
        const r = await attempt(client.updateStatus<Deployment>(Resources.deployments, ns, { ...d, status: a.status }));
        return r.type === 'ok' || r.type === 'notFound' ? done : requeue;
      }
      case 'setRevision': {
        const patch = { metadata: { annotations: { 'deployment.kubernetes.io/revision': a.revision } } };
        const r = await attempt(client.patch<Deployment>(Resources.deployments, ns, d.metadata.name ?? '', 'merge', patch));
        return r.type === 'ok' || r.type === 'notFound' ? done : requeue;
      }
    }
  }

  /**
   * The ReplicaSet name is taken. If it is ours with our template the cache was just behind;
   * otherwise it is a hash collision: bump status.collisionCount so the next hash differs.
   */
  private async onCollision(d: Deployment, wanted: ReplicaSet): Promise<ReconcileResult> {
    const live = await attempt(this.deps.client.get<ReplicaSet>(Resources.replicasets, d.metadata.namespace, wanted.metadata.name ?? ''));
    if (live.type !== 'ok') return requeue;
    const rs = live.value;
    if (isControlledBy(rs.metadata.ownerReferences, d.metadata.uid ?? '') && templatesEqualIgnoringHash(rs.spec?.template, d.spec?.template)) return requeue;
    const status = { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
    await attempt(this.deps.client.updateStatus<Deployment>(Resources.deployments, d.metadata.namespace, { ...d, status }));
    return requeue;
  }
}
