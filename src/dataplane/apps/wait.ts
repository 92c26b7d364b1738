// Waiting on the injected Clock, cut short by an AbortSignal. Every app timer goes
// through here so a FakeClock drives them all.
import type { Clock } from '../../core/clock.js';

export type Waited<T> = { readonly kind: 'value'; readonly value: T } | { readonly kind: 'timeout' } | { readonly kind: 'aborted' };

/**
 * Settles with p's value, or 'timeout' after ms (undefined = never), or 'aborted'.
 * A rejection of p propagates. The timer and the abort listener are always removed.
 */
export function waitFor<T>(clock: Clock, p: Promise<T>, ms: number | undefined, signal?: AbortSignal): Promise<Waited<T>> {
  return new Promise<Waited<T>>((resolve, reject) => {
    if (signal?.aborted === true) {
      p.catch(() => undefined);
      resolve({ kind: 'aborted' });
      return;
    }
    let done = false;
    const finish = (fn: () => void): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => finish(() => resolve({ kind: 'aborted' }));
    const timer = ms === undefined ? undefined : clock.setTimeout(() => finish(() => resolve({ kind: 'timeout' })), Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (value) => finish(() => resolve({ kind: 'value', value })),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}

/** Sleeps ms of clock time; false when aborted first. */
export async function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  const never = new Promise<never>(() => undefined);
  const r = await waitFor(clock, never, ms, signal);
  return r.kind === 'timeout';
}
