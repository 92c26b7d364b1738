// The node agent ("kubelet"): an API client that registers its Node, keeps the node Lease
// fresh, watches the pods bound to it (fieldSelector spec.nodeName=<me>) and runs them on a
// PodRuntime, writing their status the way kubelet does. Pod syncs go through a work queue
// keyed "namespace/name", so one pod is never synced twice at once; container exits (runtime
// events), probe result changes and back-off deadlines just enqueue the pod again.
//
// Restart: stop() leaves pods running (like restarting kubelet). A new agent on the same
// runtime re-adopts their sandboxes and containers; on a fresh runtime it recreates them. Either
// way IPAM gives every pod its recorded address back (allocation is keyed by pod UID).
import type { Pod } from '../api/index.js';
import { EventRecorder, eventSinkFor, Informer, Resources, runWorkers, WorkQueue, type ReconcileResult, type RestClient } from '../client/index.js';
import { realClock, silentLogger, type Clock, type Logger } from '../core/index.js';
import { resolveConfig, type NodeAgentConfig, type ResolvedConfig } from './config.js';
import type { NodeConnector } from './connector-types.js';
import { ContainerSync } from './container-sync.js';
import { CrashBackoff } from './crash-backoff.js';
import { NodeCidrIpam } from './ipam/node-cidr-ipam.js';
import { NsxIpam } from './ipam/nsx-ipam.js';
import { makeSubnetPlan } from './ipam/subnet-plan.js';
import type { PodIpam } from './ipam/types.js';
import { AgentConnector } from './node-connector.js';
import { NodeHeartbeat } from './node-heartbeat.js';
import { PodEvents } from './pod-events.js';
import { newPodRecord, refreshSpecs, type PodRecord } from './pod-record.js';
import { PodSync } from './pod-sync.js';
import { ProbeManager } from './probe-manager.js';
import type { PodRuntime, RuntimeSandboxStatus } from './runtime.js';

export interface NodeAgentOptions {
  readonly client: RestClient;
  readonly config: NodeAgentConfig;
  readonly runtime: PodRuntime;
  /** Agent time: lease renewals, probes, back-offs, grace periods, timestamps. */
  readonly clock?: Clock;
  /** Time for API I/O retries (informer back-off); real time by default. */
  readonly ioClock?: Clock;
  readonly log?: Logger;
  /** Overrides the IPAM the config selects (tests). */
  readonly ipam?: PodIpam;
  readonly random?: () => number;
}

export class NodeAgent {
  readonly config: ResolvedConfig;
  readonly runtime: PodRuntime;
  readonly clock: Clock;
  readonly heartbeat: NodeHeartbeat;
  readonly ipam: PodIpam;
  readonly probes: ProbeManager;
  readonly podSync: PodSync;
  readonly connector: NodeConnector;
  private readonly log: Logger;
  private readonly recorder: EventRecorder;
  private readonly informer: Informer<Pod>;
  private readonly queue: WorkQueue<string>;
  private readonly records = new Map<string, PodRecord>();
  private adoptable = new Map<string, RuntimeSandboxStatus>();
  private unsubscribe: (() => void) | undefined;
  private workers: Promise<void> | undefined;
  private started = false;

  constructor(private readonly opts: NodeAgentOptions) {
    this.config = resolveConfig(opts.config);
    const cfg = this.config;
    this.runtime = opts.runtime;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger).child(cfg.nodeName);
    this.recorder = new EventRecorder({ sink: eventSinkFor(opts.client), component: 'kubelet', host: cfg.nodeName, clock: this.clock, log: this.log });
    const events = new PodEvents(this.recorder);
    this.heartbeat = new NodeHeartbeat({ client: opts.client, config: cfg, clock: this.clock, runtime: opts.runtime, log: this.log, ...(opts.random !== undefined ? { random: opts.random } : {}) });
    this.ipam = opts.ipam ?? this.makeIpam();
    this.queue = new WorkQueue<string>({ clock: this.clock });
    this.probes = new ProbeManager({ runtime: opts.runtime, clock: this.clock, events, onChange: (key) => this.queue.add(key), log: this.log });
    const crashBackoff = new CrashBackoff();
    const containers = new ContainerSync({ runtime: opts.runtime, clock: this.clock, events, probes: this.probes, crashBackoff, pullBackoff: new CrashBackoff(), nodeName: cfg.nodeName, hostIP: cfg.internalIP });
    this.podSync = new PodSync({
      client: opts.client,
      runtime: opts.runtime,
      ipam: this.ipam,
      containers,
      probes: this.probes,
      events,
      crashBackoff,
      clock: this.clock,
      nodeName: cfg.nodeName,
      hostIP: cfg.internalIP,
      hostname: cfg.hostname,
      dns: { clusterDNS: cfg.clusterDNS, clusterDomain: cfg.clusterDomain, hostResolvConf: cfg.hostResolvConf, nodeIPs: [cfg.internalIP] },
      log: this.log,
    });
    this.informer = new Informer<Pod>({
      client: opts.client,
      resource: Resources.pods,
      fieldSelector: `spec.nodeName=${cfg.nodeName}`,
      clock: opts.ioClock ?? realClock,
      log: this.log,
    });
    this.informer.addHandler({
      onAdd: (p) => this.queue.add(keyOf(p)),
      onUpdate: (_o, p) => this.queue.add(keyOf(p)),
      onDelete: (p) => this.queue.add(keyOf(p)),
    });
    this.connector = new AgentConnector({ nodeName: cfg.nodeName, runtime: opts.runtime, clock: this.clock, find: (pod) => this.records.get(pod.metadata.uid ?? '') });
  }

  get nodeName(): string {
    return this.config.nodeName;
  }

  private makeIpam(): PodIpam {
    const cfg = this.config;
    const ipam = cfg.ipam;
    if (ipam.mode === 'node-cidr') return new NodeCidrIpam(cfg.nodeName, () => this.heartbeat.current?.spec?.podCIDR ?? cfg.podCIDR);
    return new NsxIpam({
      client: this.opts.client,
      nodeName: cfg.nodeName,
      plan: makeSubnetPlan(ipam.pool, ipam.subnetPrefix, ipam.pinned),
      ...(ipam.recordNamespace !== undefined ? { recordNamespace: ipam.recordNamespace } : {}),
      log: this.log,
    });
  }

  /** Registers the node, starts the heartbeats, syncs the pod informer, re-adopts, runs. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.heartbeat.register();
    this.heartbeat.start();
    this.adoptable = new Map((await this.runtime.listSandboxes()).map((s) => [s.podUid, s]));
    this.unsubscribe = this.runtime.subscribe((ev) => {
      for (const st of this.records.values()) if (st.sandboxId === ev.sandboxId) this.queue.add(st.key);
    });
    this.informer.start();
    await this.informer.hasSynced();
    const pods = this.informer.list();
    const live = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    await this.ipam.reconcile(live.map((p) => ({ uid: p.metadata.uid ?? '', namespace: p.metadata.namespace ?? '', name: p.metadata.name ?? '', hint: p.status?.podIP })));
    // Sandboxes of pods deleted while the agent was away (housekeeping of orphans).
    const known = new Set(pods.map((p) => p.metadata.uid));
    for (const [uid, sb] of this.adoptable) {
      if (known.has(uid)) continue;
      this.log.info(`removing orphaned sandbox of ${sb.namespace}/${sb.name}`);
      await this.runtime.removeSandbox(sb.id);
      this.adoptable.delete(uid);
    }
    this.workers = runWorkers(this.queue, this.config.workers, (key) => this.syncKey(key), this.log);
    this.log.info(`node agent ${this.nodeName} running (${pods.length} pods bound)`);
  }

  /** Stops watching and syncing; pods keep running in the runtime (a kubelet restart). */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.heartbeat.stop();
    this.informer.stop();
    this.probes.stopAll();
    this.unsubscribe?.();
    await this.queue.shutDownWithDrain();
    await this.workers;
    await this.recorder.flush();
  }

  /** The agent's record of a pod (tests, connector). */
  record(namespace: string, name: string): PodRecord | undefined {
    for (const st of this.records.values()) if (st.namespace === namespace && st.name === name && !st.gone) return st;
    return undefined;
  }

  private async syncKey(key: string): Promise<ReconcileResult> {
    const slash = key.indexOf('/');
    const pod = this.informer.getByName(key.slice(0, slash), key.slice(slash + 1));
    const uid = pod?.metadata.uid;
    const wakes: number[] = [];
    // Older incarnations under this name: deleted, or replaced by a new pod with the same name.
    for (const st of [...this.records.values()]) {
      if (st.key !== key || st.uid === uid) continue;
      st.gone = true;
      const r = await this.podSync.sync(st);
      if (r.forget === true) this.records.delete(st.uid);
      if (r.wakeAt !== undefined) wakes.push(r.wakeAt);
    }
    if (pod !== undefined && uid !== undefined) {
      let st = this.records.get(uid);
      if (st === undefined) {
        st = newPodRecord(pod, this.clock.now());
        this.adopt(st);
        this.records.set(uid, st);
      }
      refreshSpecs(st, pod);
      const r = await this.podSync.sync(st);
      if (r.forget === true) this.records.delete(uid);
      if (r.wakeAt !== undefined) wakes.push(r.wakeAt);
    }
    if (wakes.length === 0) return { type: 'done' };
    return { type: 'requeueAfter', ms: Math.max(0, Math.min(...wakes) - this.clock.now()) };
  }

  /** Takes over what the runtime still runs for this pod (after an agent restart). */
  private adopt(st: PodRecord): void {
    const phase = st.pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      st.finished = true;
      st.frozen = true;
    }
    const sb = this.adoptable.get(st.uid);
    if (sb === undefined) return;
    this.adoptable.delete(st.uid);
    st.sandboxId = sb.id;
    for (const rec of st.containers.values()) {
      const incs = sb.containers.filter((c) => c.name === rec.name).sort((a, b) => a.attempt - b.attempt);
      const toInc = (c: (typeof incs)[number]) => ({
        id: c.id,
        imageRef: c.imageRef,
        startedAt: c.state.startedAt,
        exit: c.state.kind === 'exited' ? { finishedAt: c.state.finishedAt, exitCode: c.state.exitCode, reason: c.state.reason, message: c.state.message } : undefined,
      });
      const last = incs[incs.length - 1];
      if (last === undefined) continue;
      rec.current = toInc(last);
      const before = incs[incs.length - 2];
      if (before !== undefined) rec.previous = toInc(before);
      rec.restartCount = last.attempt;
      if (rec.current.exit === undefined) this.probes.containerStarted(st, rec);
    }
    this.log.info(`re-adopted running pod ${st.key}`);
  }
}

function keyOf(p: Pod): string {
  return `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`;
}
