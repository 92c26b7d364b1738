// Connect-retry / idle-hold delays with exponential backoff and jitter. Why not a fixed
// ConnectRetryTime: gobgpd silently drops a reconnect that arrives within about a second of
// a teardown (its idle hold), so a fixed short timer can loop; a long fixed one makes every
// restart slow. Worked example with the defaults (1 s, cap 30 s, jitter 0.25): failure n
// waits min(30 s, 1 s * 2^(n-1)) * (1 + 0.25 * random): 1-1.25 s, 2-2.5 s, 4-5 s, ... 30-37.5 s.
export interface RetryPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Extra random share of each delay, in [0, jitter]. */
  readonly jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 1000, maxMs: 30_000, jitter: 0.25 };

/** Delay before retry number `failures` (1 = first retry). */
export function retryDelay(policy: RetryPolicy, failures: number, random: () => number): number {
  const exp = Math.min(Math.max(0, failures - 1), 30);
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exp);
  return base * (1 + policy.jitter * random());
}
