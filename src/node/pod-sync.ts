// One pod's life on the node (kubelet's syncPod / syncTerminatingPod, for one record):
//   network (IPAM address, or the node's for hostNetwork) -> sandbox with its resolv.conf ->
//   init containers in order -> regular containers -> status; a finished pod (Succeeded /
//   Failed) is torn down (sandbox removed, address released, podIP kept in status).
//   Deletion (deletionTimestamp): stop every container with the pod's grace period (SIGKILL
//   after it, on the injected clock), remove the sandbox, release the address, write the final
//   status, then DELETE the pod with gracePeriodSeconds=0 and a UID precondition.
// The caller serializes syncs per pod; container exits and probe changes just ask for a sync.
import type { Pod, PodStatus } from '../api/index.js';
import { ApiStatusError, isConflict, isNotFound, Resources, type RestClient } from '../client/index.js';
import { silentLogger, type Clock, type Logger } from '../core/index.js';
import type { ContainerSync } from './container-sync.js';
import type { CrashBackoff } from './crash-backoff.js';
import type { PodIpam } from './ipam/types.js';
import type { PodEvents } from './pod-events.js';
import { containerView, isRunning, type PodRecord } from './pod-record.js';
import { computePodStatus } from './pod-status.js';
import type { ProbeManager } from './probe-manager.js';
import { podDnsConfig, renderResolvConf, type DnsSettings } from './resolv-conf.js';
import type { PodRuntime } from './runtime.js';

export interface PodSyncDeps {
  readonly client: Pick<RestClient, 'patch' | 'delete'>;
  readonly runtime: PodRuntime;
  readonly ipam: PodIpam;
  readonly containers: ContainerSync;
  readonly probes: ProbeManager;
  readonly events: PodEvents;
  readonly crashBackoff: CrashBackoff;
  readonly clock: Clock;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly hostname: string;
  readonly dns: DnsSettings;
  readonly log?: Logger;
}

export interface SyncResult {
  /** Sync again at this time (back-off ends, retries). */
  readonly wakeAt?: number | undefined;
  /** The record is finished with (torn down and, unless gone, deleted from the API). */
  readonly forget?: boolean;
}

const NETWORK_RETRY_MS = 10_000;
export const MIN_GRACE_SECONDS = 2;

export class PodSync {
  private readonly log: Logger;
  /** Status writes, and writes skipped as unchanged (figures). */
  readonly stats = { statusWrites: 0, statusSkipped: 0 };

  constructor(private readonly deps: PodSyncDeps) {
    this.log = deps.log ?? silentLogger;
  }

  async sync(st: PodRecord): Promise<SyncResult> {
    await this.refresh(st);
    if (st.gone || st.pod.metadata.deletionTimestamp !== undefined) return this.terminate(st);
    // A finished pod's final status was written when it finished.
    if (st.finished) return {};
    const net = await this.ensureNetwork(st);
    if (net !== undefined) {
      await this.writeStatus(st, false);
      return net;
    }
    const wakes: number[] = [];
    let initDone = true;
    for (const rec of st.containers.values()) {
      if (!rec.init) continue;
      if (rec.current?.exit?.exitCode === 0) continue;
      const r = await this.deps.containers.ensure(st, rec);
      if (r.kind === 'done' && r.exitCode === 0) continue;
      if (r.kind === 'waiting' && r.wakeAt !== undefined) wakes.push(r.wakeAt);
      initDone = false;
      break;
    }
    for (const rec of st.containers.values()) {
      if (rec.init) continue;
      if (!initDone) {
        if (rec.current === undefined) rec.waiting = { reason: 'PodInitializing' };
        continue;
      }
      if (rec.waiting?.reason === 'PodInitializing') rec.waiting = undefined;
      const r = await this.deps.containers.ensure(st, rec);
      if (r.kind === 'waiting' && r.wakeAt !== undefined) wakes.push(r.wakeAt);
    }
    const status = await this.writeStatus(st, false);
    if (status?.phase === 'Succeeded' || status?.phase === 'Failed') {
      st.finished = true;
      await this.teardown(st);
      await this.writeStatus(st, true);
      return {};
    }
    return { wakeAt: wakes.length > 0 ? Math.min(...wakes) : undefined };
  }

  /** Picks up container exits from the runtime (the PLEG's relist). */
  private async refresh(st: PodRecord): Promise<void> {
    if (st.sandboxId === undefined) return;
    const sb = await this.deps.runtime.status(st.sandboxId);
    for (const rec of st.containers.values()) {
      const cur = rec.current;
      if (cur === undefined || cur.exit !== undefined) continue;
      const rt = sb?.containers.find((c) => c.id === cur.id);
      if (rt !== undefined && rt.state.kind === 'running') continue;
      cur.exit =
        rt !== undefined && rt.state.kind === 'exited'
          ? { finishedAt: rt.state.finishedAt, exitCode: rt.state.exitCode, reason: rt.state.reason, message: rt.state.message }
          : { finishedAt: this.deps.clock.now(), exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' };
      this.deps.probes.stopContainer(st.uid, rec.name);
    }
    if (sb === undefined) st.sandboxId = undefined;
  }

  private async ensureNetwork(st: PodRecord): Promise<SyncResult | undefined> {
    const { ipam, runtime, events, clock } = this.deps;
    const spec = st.pod.spec;
    const hostNetwork = spec?.hostNetwork === true;
    if (st.network === undefined) {
      if (hostNetwork) st.network = { ip: this.deps.hostIP, prefixLength: 32, gateway: undefined, subnet: undefined, hostNetwork: true };
      else {
        const r = await ipam.allocate({ uid: st.uid, namespace: st.namespace, name: st.name, hint: st.pod.status?.podIP });
        if (r.kind === 'failed') {
          events.pod(st.pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: failed to set up pod network: ${r.message}`);
          return { wakeAt: clock.now() + NETWORK_RETRY_MS };
        }
        st.network = { ip: r.ip, prefixLength: r.prefixLength, gateway: r.gateway, subnet: r.subnet, hostNetwork: false };
        st.ipHeld = true;
      }
      st.podIPs = [st.network.ip];
    }
    if (st.sandboxId === undefined) {
      const dns = podDnsConfig({ name: st.name, namespace: st.namespace, uid: st.uid, dnsPolicy: spec?.dnsPolicy, hostNetwork, dnsConfig: spec?.dnsConfig }, this.deps.dns);
      for (const w of dns.warnings) events.pod(st.pod, 'Warning', w.reason, w.message);
      const hostname = hostNetwork ? this.deps.hostname : (spec?.hostname ?? st.name).slice(0, 63);
      const out = await runtime.createSandbox({
        podUid: st.uid,
        namespace: st.namespace,
        name: st.name,
        hostname,
        hostNetwork,
        ip: st.network.ip,
        prefixLength: st.network.prefixLength,
        gateway: st.network.gateway,
        resolvConf: renderResolvConf(dns),
      });
      if (out.kind === 'error') {
        events.pod(st.pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${out.message}`);
        return { wakeAt: clock.now() + NETWORK_RETRY_MS };
      }
      st.sandboxId = out.sandboxId;
    }
    return undefined;
  }

  private async terminate(st: PodRecord): Promise<SyncResult> {
    const { runtime, events, probes, clock } = this.deps;
    if (st.terminating === undefined) {
      st.terminating = { since: clock.now() };
      probes.stopPod(st.uid);
    }
    const m = st.pod.metadata;
    // kubelet always leaves a container at least 2 s to shut down (minimumGracePeriodInSeconds).
    const grace = Math.max(MIN_GRACE_SECONDS, m.deletionGracePeriodSeconds ?? (st.gone ? 0 : st.pod.spec?.terminationGracePeriodSeconds ?? 30));
    let running = 0;
    for (const rec of st.containers.values()) {
      rec.waiting = undefined;
      if (!isRunning(rec)) continue;
      running++;
      if (rec.stopRequested) continue;
      rec.stopRequested = true;
      events.container(st.pod, rec.name, rec.init, 'Normal', 'Killing', `Stopping container ${rec.name}`);
      void runtime.stopContainer(rec.current!.id, grace);
    }
    if (running > 0) {
      if (!st.gone) await this.writeStatus(st, false);
      return {}; // each exit asks for another sync
    }
    await this.teardown(st);
    if (!st.gone) {
      await this.writeStatus(st, true);
      try {
        await this.deps.client.delete(Resources.pods, st.namespace, st.name, { gracePeriodSeconds: 0, preconditions: { uid: st.uid } });
      } catch (e) {
        // Gone already, or a new pod took the name: nothing of ours left to delete.
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
    this.deps.crashBackoff.forget(`${st.uid}/`);
    return { forget: true };
  }

  /** Sandbox removed, address released; the record stays for status and logs. */
  private async teardown(st: PodRecord): Promise<void> {
    this.deps.probes.stopPod(st.uid);
    if (st.sandboxId !== undefined) {
      await this.deps.runtime.removeSandbox(st.sandboxId);
      st.sandboxId = undefined;
    }
    if (st.ipHeld) {
      await this.deps.ipam.release({ uid: st.uid, namespace: st.namespace, name: st.name });
      st.ipHeld = false;
    }
  }

  /** Computes the status and writes it through pods/status when it changed. */
  async writeStatus(st: PodRecord, terminal: boolean): Promise<PodStatus | undefined> {
    if (st.frozen) return undefined;
    const { probes, runtime, clock } = this.deps;
    const views = (init: boolean) =>
      [...st.containers.values()]
        .filter((r) => r.init === init)
        .map((r) => containerView(r, runtime.name, r.current !== undefined && probes.ready(st.uid, r.name, r.current.id), r.current !== undefined && probes.started(st.uid, r.name, r.current.id)));
    const previous = st.lastStatus === undefined ? undefined : (JSON.parse(st.lastStatus) as PodStatus);
    const status = computePodStatus({
      pod: st.pod,
      now: clock.now(),
      hostIPs: [this.deps.hostIP],
      podIPs: st.podIPs,
      startTime: st.firstSeen,
      sandboxReady: st.sandboxId !== undefined && st.network !== undefined,
      initContainers: views(true),
      containers: views(false),
      terminal,
      previous,
    });
    const json = JSON.stringify(status);
    if (json === st.lastStatus) {
      this.stats.statusSkipped++;
      return status;
    }
    try {
      const body: Pick<Pod, 'status'> & { metadata: { uid: string } } = { metadata: { uid: st.uid }, status };
      await this.deps.client.patch(Resources.pods, st.namespace, st.name, 'merge', body, { subresource: 'status' });
      this.stats.statusWrites++;
    } catch (e) {
      // The pod is gone (or replaced, which the UID in the patch refuses): nothing to report to.
      if (isNotFound(e) || isConflict(e) || (e instanceof ApiStatusError && e.reason === 'Invalid')) {
        this.log.debug(`status of ${st.key} not written`, { error: e instanceof Error ? e.message : String(e) });
      } else throw e;
    }
    st.lastStatus = json;
    return status;
  }
}
