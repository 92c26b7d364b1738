// The replicaset controller's shell: informers -> work queue of ReplicaSet keys -> the pure
// syncReplicaSet -> API writes. Creates go out in slow-start batches (1, 2, 4, ...) as
// upstream does, so a quota or admission failure costs one request, not hundreds.
// Expectations keep a key from acting again before its own creates/deletes are visible.
import { fromLabelSelector, matchesLabels, type Pod, type ReplicaSet } from '../../api/index.js';
import { Resources, type EventRecorder, type Informer, type ReconcileResult } from '../../client/index.js';
import { Expectations } from '../expectations.js';
import { INDEX, keyOf, pods, replicaSets, type Controller, type ControllerDeps } from '../informers.js';
import { mutateObject } from '../mutate-object.js';
import { controllerRefFor, withControllerRef, withoutOwner } from '../owner-refs.js';
import { POD_INDEX, type PodInfo } from '../pod-info.js';
import { ReconcileLoop, attempt, done, errorText, requeue, requeueAfter, worst } from '../reconcile-loop.js';
import { syncReplicaSet, type ReplicaSetAction } from './replicaset-sync.js';

export interface ReplicaSetControllerOptions {
  readonly workers?: number;
}

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset-controller';
  private readonly rss: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod, PodInfo>;
  private readonly loop: ReconcileLoop;
  private readonly expectations: Expectations;
  private readonly events: EventRecorder;
  private readonly lastError = new Map<string, { reason: 'FailedCreate' | 'FailedDelete'; message: string }>();

  constructor(
    private readonly deps: ControllerDeps,
    opts: ReplicaSetControllerOptions = {},
  ) {
    this.rss = replicaSets(deps.factory);
    this.pods = pods(deps.factory);
    this.expectations = new Expectations(deps.clock);
    this.events = deps.recorder(this.name);
    // Upstream runs 5; each sync here waits on its slow-start batches, so a few more keep
    // pod creation from being bound by round trips.
    this.loop = new ReconcileLoop({ name: this.name, workers: opts.workers ?? 8, clock: deps.clock, log: deps.log, reconcile: (k) => this.reconcile(k) });
    this.rss.addHandler({
      onAdd: (rs) => this.loop.enqueue(keyOf(rs.metadata.namespace, rs.metadata.name)),
      onUpdate: (_, rs) => this.loop.enqueue(keyOf(rs.metadata.namespace, rs.metadata.name)),
      onDelete: (rs) => {
        const key = keyOf(rs.metadata.namespace, rs.metadata.name);
        this.expectations.forget(key);
        this.lastError.delete(key);
      },
    });
    this.pods.addHandler({
      onAdd: (p) => {
        if (p.deletionMs !== undefined) return this.podGone(p);
        const rs = this.ownerOf(p);
        if (rs !== undefined) {
          this.expectations.creationObserved(rs);
          this.loop.enqueue(rs);
        } else if (p.controllerUid === '') this.enqueueMatching(p);
      },
      onUpdate: (old, p) => {
        if (p.deletionMs !== undefined && old.deletionMs === undefined) this.podGone(p);
        if (old.controllerUid !== p.controllerUid) {
          const prev = this.ownerOf(old);
          if (prev !== undefined) this.loop.enqueue(prev);
        }
        const rs = this.ownerOf(p);
        if (rs !== undefined) this.loop.enqueue(rs);
        else if (p.controllerUid === '') this.enqueueMatching(p);
      },
      onDelete: (p) => this.podGone(p),
    });
  }

  start(synced: Promise<void>): void {
    this.loop.start(synced);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private ownerOf(p: PodInfo): string | undefined {
    if (p.controllerUid === '') return undefined;
    const rs = this.rss.byIndex(INDEX.uid, p.controllerUid)[0];
    return rs === undefined ? undefined : keyOf(rs.metadata.namespace, rs.metadata.name);
  }

  private podGone(p: PodInfo): void {
    const rs = this.ownerOf(p);
    if (rs === undefined) return;
    this.expectations.deletionObserved(rs, p.uid);
    this.loop.enqueue(rs);
  }

  private enqueueMatching(p: PodInfo): void {
    for (const rs of this.rss.byIndex(INDEX.namespace, p.namespace)) {
      const sel = fromLabelSelector(rs.spec?.selector);
      if (sel.ok && matchesLabels(sel.value, p.labels)) this.loop.enqueue(keyOf(rs.metadata.namespace, rs.metadata.name));
    }
  }

  private async reconcile(key: string): Promise<ReconcileResult> {
    const rs = this.rss.get(key);
    if (rs === undefined) return done;
    const uid = rs.metadata.uid ?? '';
    const candidates = [...this.pods.byIndex(POD_INDEX.controller, uid), ...this.pods.byIndex(POD_INDEX.orphan, rs.metadata.namespace ?? '')];
    const result = syncReplicaSet({
      rs,
      pods: candidates,
      expectationsSatisfied: this.expectations.satisfied(key),
      lastError: this.lastError.get(key),
      now: this.deps.clock.now(),
    });
    let outcome: ReconcileResult = result.requeueAfterMs === undefined ? done : requeueAfter(result.requeueAfterMs);
    for (const a of result.actions) {
      const r = await this.apply(key, rs, a);
      outcome = worst(outcome, r);
      if (r.type === 'requeue' && a.type === 'updateStatus') break;
    }
    return outcome;
  }

  private async apply(key: string, rs: ReplicaSet, a: ReplicaSetAction): Promise<ReconcileResult> {
    const { client } = this.deps;
    switch (a.type) {
      case 'adoptPod':
      case 'releasePod': {
        const ref = controllerRefFor(rs);
        const r = await mutateObject<Pod>(client, Resources.pods, a.pod.namespace, a.pod.name, (live) => {
          if (live.metadata.uid !== a.pod.uid) return { type: 'unchanged' };
          const refs = a.type === 'adoptPod' ? withControllerRef(live.metadata.ownerReferences, ref) : withoutOwner(live.metadata.ownerReferences, ref.uid);
          return { type: 'update', object: { ...live, metadata: { ...live.metadata, ownerReferences: refs } } };
        });
        return r.type === 'ok' || r.type === 'notFound' ? done : requeue;
      }
      case 'createPods':
        return this.createPods(key, rs, a.template, a.count);
      case 'deletePods': {
        this.expectations.expect(key, 0, a.pods.map((p) => p.uid));
        const results = await Promise.all(
          a.pods.map(async (p) => {
            const r = await attempt(client.delete(Resources.pods, p.namespace, p.name, { preconditions: { uid: p.uid } }));
            if (r.type === 'ok' || r.type === 'notFound') {
              if (r.type === 'notFound') this.expectations.deleteFailed(key, p.uid);
              this.events.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.name}`);
              return true;
            }
            this.expectations.deleteFailed(key, p.uid);
            const msg = r.type === 'failed' ? errorText(r.error) : r.type;
            this.events.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${msg}`);
            this.lastError.set(key, { reason: 'FailedDelete', message: msg });
            return false;
          }),
        );
        if (!results.every(Boolean)) return requeue;
        this.lastError.delete(key);
        return done;
      }
      case 'updateStatus': {
        const r = await attempt(client.updateStatus<ReplicaSet>(Resources.replicasets, rs.metadata.namespace, { ...rs, status: a.status }));
        return r.type === 'ok' || r.type === 'notFound' ? done : requeue;
      }
    }
  }

  /** slowStartBatch: 1, 2, 4, ... creates in parallel; the first failing batch stops the rest. */
  private async createPods(key: string, rs: ReplicaSet, template: Pod, count: number): Promise<ReconcileResult> {
    this.expectations.expect(key, count, []);
    let remaining = count;
    let batch = 1;
    while (remaining > 0) {
      const n = Math.min(batch, remaining);
      const results = await Promise.all(Array.from({ length: n }, () => attempt(this.deps.client.create<Pod>(Resources.pods, rs.metadata.namespace, template))));
      let failed = 0;
      for (const r of results) {
        if (r.type === 'ok') {
          this.events.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
          continue;
        }
        failed++;
        this.expectations.creationFailed(key);
        const msg = r.type === 'failed' ? errorText(r.error) : r.type;
        this.events.event(rs, 'Warning', 'FailedCreate', `Error creating: ${msg}`);
        this.lastError.set(key, { reason: 'FailedCreate', message: msg });
      }
      remaining -= n;
      if (failed > 0) {
        // The creates never attempted will never be observed either.
        for (let i = 0; i < remaining; i++) this.expectations.creationFailed(key);
        return requeue;
      }
      batch *= 2;
    }
    this.lastError.delete(key);
    return done;
  }
}
