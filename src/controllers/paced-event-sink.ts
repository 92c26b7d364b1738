// Event writes on a paced lane. Upstream's events reach the API server through the
// component's rate-limited client (kube-controller-manager: 20 QPS, burst 30, shared with
// everything else it does; kube-scheduler: 50/100) from a 1,000-deep queue that drops when
// full. We do not throttle the controllers' own writes, so pods and endpoints never wait
// behind events; instead event writes alone are paced by a token bucket. In a burst (10,000
// pods created at once) the events trail the objects they describe instead of competing
// with them for the API server. close() fails whatever is still waiting, so a stopping
// process does not wait for the backlog.
import type { Event } from '../api/index.js';
import type { EventSink } from '../client/index.js';
import type { Clock } from '../core/index.js';

const SINK_CLOSED = new Error('event sink closed');

export interface PacedEventSinkOptions {
  /** Sustained event writes per second. */
  readonly qps: number;
  readonly burst: number;
}

export class PacedEventSink implements EventSink {
  private tokens: number;
  private last: number;
  private closed = false;
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly inner: EventSink,
    private readonly clock: Clock,
    private readonly opts: PacedEventSinkOptions,
  ) {
    this.tokens = opts.burst;
    this.last = clock.now();
  }

  async create(namespace: string, event: Event): Promise<Event> {
    await this.token();
    return this.inner.create(namespace, event);
  }

  async patch(namespace: string, name: string, patch: Partial<Event>): Promise<Event> {
    await this.token();
    return this.inner.patch(namespace, name, patch);
  }

  close(): void {
    this.closed = true;
    for (const wake of this.waiting) wake();
    this.waiting.clear();
  }

  private async token(): Promise<void> {
    for (;;) {
      // One shared error: building a stack trace for each of thousands of dropped events
      // (deep in the recorder's promise chain) costs more than the events themselves.
      if (this.closed) throw SINK_CLOSED;
      const now = this.clock.now();
      this.tokens = Math.min(this.opts.burst, this.tokens + ((now - this.last) / 1000) * this.opts.qps);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = ((1 - this.tokens) / this.opts.qps) * 1000;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiting.delete(wake);
          this.clock.clearTimeout(timer);
          resolve();
        };
        const timer = this.clock.setTimeout(wake, waitMs);
        this.waiting.add(wake);
      });
    }
  }
}
