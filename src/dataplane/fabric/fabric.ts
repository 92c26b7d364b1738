// The fabric: a Scheduler plus the operations the labs and the CLI need on top of it —
// tracing a frame from a device across every element it reaches.
import { err, ok, type Result } from '../../core/result.js';
import type { NetDevice } from '../netdev.js';
import { Scheduler, type Link, type LinkOptions, type SchedulerOptions } from './scheduler.js';
import { describeFrame, TraceCtx, type HopRecord } from './trace.js';

export interface TraceOptions {
  /**
   * Hand the traced frame to the endpoint it reaches (default false: the trace stops at
   * the endpoint, like ofproto/trace, so no application sees a frame it never asked
   * for). Fabric state still changes either way: MAC learning, flow and port counters,
   * and conntrack entries that a ct(commit) in the program creates.
   */
  readonly deliver?: boolean;
  /** Keep at most this many records (default 10,000). */
  readonly limit?: number;
}

export type TraceError = { readonly code: 'not-linked'; readonly device: string };

export class Fabric {
  readonly scheduler: Scheduler;

  constructor(opts: SchedulerOptions = {}) {
    this.scheduler = new Scheduler(opts);
  }

  get clock() {
    return this.scheduler.clock;
  }

  connect(name: string, a: NetDevice, b: NetDevice, opts: LinkOptions = {}): Link {
    return this.scheduler.connect(name, a, b, opts);
  }

  disconnect(link: Link | string): void {
    this.scheduler.disconnect(link);
  }

  link(name: string): Link | undefined {
    return this.scheduler.link(name);
  }

  setLoss(linkName: string, p: number): boolean {
    return this.scheduler.setLoss(linkName, p);
  }

  setLatency(linkName: string, ms: number): boolean {
    return this.scheduler.setLatency(linkName, ms);
  }

  runUntilIdle(): number {
    return this.scheduler.runUntilIdle();
  }

  /**
   * Sends `frame` as if `from` had transmitted it and follows it (and everything the
   * fabric forwards on its behalf) until it is delivered or dropped everywhere. Runs
   * the queue to idle synchronously; traced frames ignore link loss and latency.
   */
  trace(from: NetDevice, frame: Uint8Array, opts: TraceOptions = {}): Result<HopRecord[], TraceError> {
    const link = this.scheduler.linkOf(from);
    if (link === undefined) return err({ code: 'not-linked', device: from.name });
    const ctx = new TraceCtx(opts.deliver !== true, opts.limit);
    ctx.add({ kind: 'inject', hop: 0, device: from.name, frame: describeFrame(frame) });
    this.scheduler.send(link, from === link.a ? 0 : 1, frame, { hops: 0, trace: ctx });
    this.scheduler.runUntilIdle();
    return ok(ctx.records);
  }
}
