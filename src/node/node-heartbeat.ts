// Node registration and the two heartbeats of a kubelet:
//  - the Lease in kube-node-lease, renewed every leaseDuration/4 (10 s): the cheap "I am alive";
//  - the Node status, recomputed every 10 s and posted when it changed or every 5 min.
// Timers run on the injected Clock; failed lease renewals retry after 200 ms doubling to 7 s.
import type { Lease, Node, NodeStatus } from '../api/index.js';
import { isAlreadyExists, isConflict, isNotFound, Resources, type RestClient } from '../client/index.js';
import { silentLogger, type Clock, type Logger, type TimerHandle } from '../core/index.js';
import type { ResolvedConfig } from './config.js';
import { newBootId, NODE_LEASE_NAMESPACE, nodeLease, nodeStatus, reconcileRegistration, registrationNode, statusChanged } from './node-object.js';

export type HeartbeatClient = Pick<RestClient, 'get' | 'create' | 'update' | 'patch'>;

export interface NodeHeartbeatOptions {
  readonly client: HeartbeatClient;
  readonly config: ResolvedConfig;
  readonly clock: Clock;
  readonly runtime: { readonly name: string; readonly version: string };
  readonly log?: Logger;
  readonly random?: () => number;
}

const LEASE_RETRY_INITIAL_MS = 200;
const LEASE_RETRY_MAX_MS = 7_000;

export class NodeHeartbeat {
  private readonly log: Logger;
  private readonly bootId: string;
  private node: Node | undefined;
  private lease: Lease | undefined;
  private posted: NodeStatus | undefined;
  private postedAt = -Infinity;
  private leaseTimer: TimerHandle | undefined;
  private statusTimer: TimerHandle | undefined;
  private leaseFailures = 0;
  private stopped = false;
  /** Counters for tests and figures. */
  readonly stats = { leaseRenewals: 0, statusPosts: 0 };

  constructor(private readonly opts: NodeHeartbeatOptions) {
    this.log = opts.log ?? silentLogger;
    this.bootId = newBootId(opts.config.nodeName, opts.clock.now(), opts.random);
  }

  /** The Node as last read or written. */
  get current(): Node | undefined {
    return this.node;
  }

  /** Creates the Node (or re-applies kubelet's labels and podCIDR), posts its status, takes the lease. */
  async register(): Promise<Node> {
    const { client, config } = this.opts;
    try {
      this.node = await client.create<Node>(Resources.nodes, undefined, registrationNode(config));
      this.log.info(`registered node ${config.nodeName}`);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await client.get<Node>(Resources.nodes, undefined, config.nodeName);
      const next = reconcileRegistration(existing, config);
      this.node = next === undefined ? existing : await client.update<Node>(Resources.nodes, undefined, next);
      this.posted = existing.status;
    }
    await this.postStatus(true);
    await this.renewLease();
    return this.node!;
  }

  start(): void {
    this.stopped = false;
    this.scheduleLease(this.renewIntervalMs);
    this.scheduleStatus();
  }

  stop(): void {
    this.stopped = true;
    if (this.leaseTimer !== undefined) this.opts.clock.clearTimeout(this.leaseTimer);
    if (this.statusTimer !== undefined) this.opts.clock.clearTimeout(this.statusTimer);
  }

  get renewIntervalMs(): number {
    return (this.opts.config.leaseDurationSeconds * 1000) / 4;
  }

  /** GET-or-create the lease, then PUT a fresh renewTime (conflicts re-read next time). */
  async renewLease(): Promise<void> {
    const { client, config, clock } = this.opts;
    if (this.lease === undefined) {
      try {
        this.lease = await client.get<Lease>(Resources.leases, NODE_LEASE_NAMESPACE, config.nodeName);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        try {
          this.lease = await client.create<Lease>(Resources.leases, NODE_LEASE_NAMESPACE, nodeLease(config, this.node?.metadata.uid, clock.now()));
          this.stats.leaseRenewals++;
          return;
        } catch (ce) {
          if (!isAlreadyExists(ce)) throw ce;
          this.lease = await client.get<Lease>(Resources.leases, NODE_LEASE_NAMESPACE, config.nodeName);
        }
      }
    }
    try {
      this.lease = await client.update<Lease>(Resources.leases, NODE_LEASE_NAMESPACE, nodeLease(config, this.node?.metadata.uid, clock.now(), this.lease));
      this.stats.leaseRenewals++;
    } catch (e) {
      if (isConflict(e) || isNotFound(e)) this.lease = undefined;
      throw e;
    }
  }

  /** Posts the status when it changed, when the report interval passed, or when forced. */
  async postStatus(force = false): Promise<void> {
    const { client, config, clock } = this.opts;
    const now = clock.now();
    const status = nodeStatus(config, this.posted, now, this.bootId, this.opts.runtime);
    if (!force && !statusChanged(this.posted, status) && now - this.postedAt < config.nodeStatusReportMs) return;
    this.node = await client.patch<Node>(Resources.nodes, undefined, config.nodeName, 'strategic', { status }, { subresource: 'status' });
    this.posted = status;
    this.postedAt = now;
    this.stats.statusPosts++;
  }

  private scheduleLease(ms: number): void {
    if (this.stopped) return;
    this.leaseTimer = this.opts.clock.setTimeout(() => {
      this.renewLease().then(
        () => {
          this.leaseFailures = 0;
          this.scheduleLease(this.renewIntervalMs);
        },
        (e: unknown) => {
          const wait = Math.min(LEASE_RETRY_MAX_MS, LEASE_RETRY_INITIAL_MS * 2 ** this.leaseFailures++);
          this.log.warn(`lease renewal failed, retrying in ${wait} ms`, { error: e instanceof Error ? e.message : String(e) });
          this.scheduleLease(wait);
        },
      );
    }, ms);
  }

  private scheduleStatus(): void {
    if (this.stopped) return;
    this.statusTimer = this.opts.clock.setTimeout(() => {
      this.postStatus().then(
        () => this.scheduleStatus(),
        (e: unknown) => {
          this.log.warn('node status update failed', { error: e instanceof Error ? e.message : String(e) });
          this.scheduleStatus();
        },
      );
    }, this.opts.config.nodeStatusUpdateMs);
  }
}
