// Small helpers for store tests (conformance suite and backend-specific tests).
import assert from 'node:assert/strict';
import { StoreError, type Revision, type Store, type StoreErrorKind, type WatchEvent, type Watcher } from './types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const enc = (s: string): Uint8Array => encoder.encode(s);
export const dec = (b: Uint8Array): string => decoder.decode(b);

/** Asserts that `p` rejects with a StoreError of `kind`, and returns it. */
export async function rejectsWith(p: Promise<unknown>, kind: StoreErrorKind): Promise<StoreError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StoreError, `expected StoreError ${kind}, got ${String(e)}`);
    assert.equal(e.kind, kind, `expected ${kind}, got ${e.kind}: ${e.message}`);
    return e;
  }
  assert.fail(`expected rejection with ${kind}, but it resolved`);
}

export interface Recorder {
  readonly events: WatchEvent[];
  readonly errors: StoreError[];
  readonly watcher: Watcher;
  /** Resolves once `n` events arrived; fails after `ms`. */
  waitEvents(n: number, ms?: number): Promise<void>;
  waitError(ms?: number): Promise<StoreError>;
}

export function record(store: Store, prefix: string, from: Revision | undefined): Recorder {
  const events: WatchEvent[] = [];
  const errors: StoreError[] = [];
  const watcher = store.watch(prefix, from, { onEvent: (e) => events.push(e), onError: (e) => errors.push(e) });
  return {
    events,
    errors,
    watcher,
    waitEvents: (n, ms = 2000) => until(() => events.length >= n, ms, () => `wanted ${n} events, have ${events.length}`),
    waitError: async (ms = 2000) => {
      await until(() => errors.length > 0, ms, () => 'wanted an error');
      return errors[0] as StoreError;
    },
  };
}

export async function until(cond: () => boolean, ms: number, why: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out: ${why()}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Lets queued deliveries and group commits run. */
export const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

/** Compact summary of an event: "ADDED /k@3=v". */
export function show(e: WatchEvent): string {
  return `${e.type} ${e.kv.key}@${e.revision}=${dec(e.kv.value)}`;
}
