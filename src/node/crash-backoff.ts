// The restart back-off of kubelet (client-go flowcontrol.Backoff, 10 s doubling to 300 s, no
// jitter), keyed per container. Pure: times are passed in.
//
// kubelet's doBackOff, step by step, for a container that exits right after starting:
//   exit #1 at t0: no entry -> not in back-off; next() sets 10 s;      restart at once
//   exit #2 at t1: t1 + 10 s not reached -> CrashLoopBackOff; then next() -> 20 s, restart at t1+10
//   exit #3 at t2: wait until t2 + 20 s, ...  40 s, 80 s, 160 s, 300 s, 300 s ...
// An entry is forgotten when the exit came more than 2 x max (10 min) after its last update:
// a container that ran stably for ten minutes starts from 10 s again.
export const CRASH_BACKOFF_INITIAL_MS = 10_000;
export const CRASH_BACKOFF_MAX_MS = 300_000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class CrashBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initialMs = CRASH_BACKOFF_INITIAL_MS,
    private readonly maxMs = CRASH_BACKOFF_MAX_MS,
  ) {}

  private expired(eventTime: number, e: Entry): boolean {
    return eventTime - e.lastUpdate > 2 * this.maxMs;
  }

  /** IsInBackOffSince: still waiting, counting from `eventTime` (the container's finishedAt). */
  inBackoff(key: string, eventTime: number, now: number): boolean {
    const e = this.entries.get(key);
    if (e === undefined || this.expired(eventTime, e)) return false;
    return now - eventTime < e.backoffMs;
  }

  /** When the wait that started at `eventTime` ends (undefined when not backing off). */
  until(key: string, eventTime: number, now: number): number | undefined {
    if (!this.inBackoff(key, eventTime, now)) return undefined;
    return eventTime + this.entries.get(key)!.backoffMs;
  }

  /** IsInBackOffSinceUpdate (image pulls): the end of the wait counted from the last next(). */
  sinceUpdate(key: string, now: number): number | undefined {
    const e = this.entries.get(key);
    if (e === undefined || this.expired(now, e)) return undefined;
    const end = e.lastUpdate + e.backoffMs;
    return now < end ? end : undefined;
  }

  /** Next: a restart is happening; the following one waits longer. */
  next(key: string, eventTime: number, now: number): void {
    const e = this.entries.get(key);
    if (e === undefined || this.expired(eventTime, e)) this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: now });
    else this.entries.set(key, { backoffMs: Math.min(e.backoffMs * 2, this.maxMs), lastUpdate: now });
  }

  /** The current back-off of a key (for messages: "back-off 20s restarting ..."). */
  current(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  forget(keyPrefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(keyPrefix)) this.entries.delete(k);
  }
}
